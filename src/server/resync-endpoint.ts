import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Handler } from './session-token.js';

/** Where a scheduler asks for a resync of every open build. */
export const RESYNC_ROUTE = '/api/baton/resync';

export interface ResyncEndpointDeps {
  /** BATON_RESYNC_TOKEN; unset or empty: the endpoint refuses everything. */
  token: string | undefined;
  /** Starts a resync; the answer does not wait for it. */
  resync: () => void;
}

/**
 * `POST /api/baton/resync` with `Authorization: Bearer <BATON_RESYNC_TOKEN>`:
 * for platforms that run the app only while requests arrive (Cloud Run with
 * no minimum instances, serverless), where the periodic resync never fires.
 * The token is compared in constant time (both sides hashed first, so their
 * lengths do not leak either).
 */
export function createResyncHandler(deps: ResyncEndpointDeps): Handler {
  return (req: IncomingMessage, res: ServerResponse) => {
    if ((req.url ?? '').split('?')[0] !== RESYNC_ROUTE) return false;
    if (req.method !== 'POST') return send(res, 405, { message: 'use POST' });
    if (!deps.token) return send(res, 404, { message: 'BATON_RESYNC_TOKEN is not set' });
    const presented = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!presented || !sameSecret(presented, deps.token))
      return send(res, 401, { message: 'a Bearer token (BATON_RESYNC_TOKEN) is required' });
    deps.resync();
    return send(res, 202, { status: 'resync started' });
  };
}

function sameSecret(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

function send(res: ServerResponse, status: number, body: object): true {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
  return true;
}
