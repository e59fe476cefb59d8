/**
 * How a message to a worker's sessions (`/steer`, `/queue`) reaches them: the
 * app, once it took the comment (its 👀), records the comment's id as the name
 * of a hidden ref, `refs/baton/<build>/message/<worker>/<comment>`, which the
 * worker's sessions list with the read-only token they have (a conditional
 * read: an unchanged listing costs nothing against GitHub's limits). Only the
 * id travels: a session reads the comment itself, checks Baton's 👀 on it and
 * that it is a message for its worker, and quotes its text as untrusted. Once
 * a session took a message (its usage record says so), the app deletes the ref.
 */
import { WORKER_ID } from '../vocabulary/ids.js';

/** A message's ref, as the app and a session agree on it. */
export interface MessageRef {
  worker: string;
  comment: number;
}

/** `refs/baton/<build>/message/`, or a worker's own folder under it. */
export function messageRefPrefix(build: string, worker?: string): string {
  return `refs/baton/${build}/message/${worker ? `${worker}/` : ''}`;
}

export function messageRef(build: string, { worker, comment }: MessageRef): string {
  return `${messageRefPrefix(build, worker)}${comment}`;
}

/** A message ref's worker and comment, from its full name; null for anything else. */
export function parseMessageRef(build: string, ref: string): MessageRef | null {
  const prefix = messageRefPrefix(build);
  if (!ref.startsWith(prefix)) return null;
  const [worker = '', comment = '', ...rest] = ref.slice(prefix.length).split('/');
  if (rest.length > 0 || !WORKER_ID.test(worker) || !/^[1-9]\d{0,15}$/.test(comment)) return null;
  return { worker, comment: Number(comment) };
}
