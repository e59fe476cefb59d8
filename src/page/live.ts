import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * How the page keeps itself current without costing GitHub anything: every
 * view carries an ETag of what it shows, and its one script (`POLL_SCRIPT`,
 * render/page-style.ts) asks for the same address every `POLL_SECONDS` (30) with
 * `If-None-Match`. The answer is worked out from the builds the app already
 * holds (the board), never read from GitHub for the poll: unchanged, it is a
 * 304 with no body. The viewer's own token lists their repositories at most
 * once a minute per session, conditionally (viewer-access.ts), as for any view.
 */
export { POLL_SECONDS } from './render/page-style.js';

/**
 * The ETag of a view's data: the viewer, the address and the data, with `now`
 * left out wherever it stands for "now" (the overview's time, a burndown's
 * last point, a running session's end), so only a change of a build changes it.
 */
export function etagOf({
  viewer,
  address,
  data,
  now,
}: {
  viewer: string | null;
  address: string;
  data: unknown;
  now: string;
}): string {
  const stable = JSON.stringify(data, (_, value) => (value === now ? undefined : value));
  const hash = createHash('sha256').update(`${viewer ?? ''}\n${address}\n${stable}`);
  return `"${hash.digest('base64url').slice(0, 32)}"`;
}

/** Answers 304 where the request already holds `etag`; says whether it did. */
export function answeredUnchanged(
  req: IncomingMessage,
  res: ServerResponse,
  etag: string,
): boolean {
  const held = req.headers['if-none-match'];
  if (!held?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) return false;
  res.setHeader('cache-control', 'no-store');
  res.setHeader('etag', etag);
  res.writeHead(304).end();
  return true;
}
