import { escapeText } from '../vocabulary/markdown.js';
import { link } from './render-progress-table.js';
import type { MessageView } from './status-view.js';

/**
 * The messages to workers' sessions, newest last, each with where it stands:
 * the receipt (the turn a session took it in at) is what its writer waits
 * for, Baton's 👀 on the comment having said at once that it was accepted.
 */
export function renderMessages(messages: readonly MessageView[] | undefined): string[] {
  if (!messages || messages.length === 0) return [];
  return [['**Messages to sessions**', '', ...messages.map(messageLine)].join('\n')];
}

function messageLine(message: MessageView): string {
  const what = link(message.url, `${message.kind === 'steer' ? '/steer' : '/queue'}`);
  const who = `${what} by ${escapeText(message.author)}`;
  return `- ${message.worker} ← ${who}: ${stateText(message)}`;
}

function stateText(message: MessageView): string {
  const { worker } = message;
  switch (message.state) {
    case 'taken': {
      const run = message.run ? ` of ${link(message.run.url, message.run.label)}` : '';
      return `✅ taken in at turn ${message.turn ?? '?'}${run}`;
    }
    case 'sent':
      return `📨 sent to ${worker}'s running session; it takes it in between two turns`;
    case 'queued':
      if (message.queuedSteer === 'no-session')
        return `🕒 queued: no session of ${worker} was running, so its next session gets it`;
      if (message.queuedSteer === 'session-ended')
        return `🕒 queued: the session ended before taking it, so ${worker}'s next session gets it`;
      return `🕒 queued for ${worker}'s next session (a fix, a retry or \`/continue ${worker}\`)`;
    case 'unread':
      return `➖ not read: ${worker} was done before another session of it ran`;
    default: {
      const _exhaustive: never = message.state;
      return _exhaustive;
    }
  }
}
