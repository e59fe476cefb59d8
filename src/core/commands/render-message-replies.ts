import { BATON_REPLY_MARKER } from './render-replies.js';

/**
 * To the writer of a `/steer` that found no session of its worker running:
 * the message is queued, and the worker's next session takes it in first.
 */
export function renderSteersQueued(workers: readonly string[]): string {
  const named = workers.join(', ');
  const one = workers.length === 1;
  return [
    BATON_REPLY_MARKER,
    `No session of ${named} is running now, so your message is queued: ${one ? 'its' : 'each one’s'} next session (a fix, a retry, or \`/continue ${workers[0]}\` for partial work) takes it in first. The status comment shows when it does.`,
    '',
  ].join('\n');
}
