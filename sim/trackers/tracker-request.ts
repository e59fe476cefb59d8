/** What the simulated trackers share: a request as they are handed it, their answer, a delivery they sign. */
import { createHmac, randomUUID } from 'node:crypto';

export interface TrackerRequest {
  method: string;
  path: string;
  /** The query string, with its `?` (empty where none). */
  query?: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface TrackerResponse {
  status: number;
  body: unknown;
  /** Headers besides `content-type` (a rate limit's `Retry-After`). */
  headers?: Record<string, string>;
}

/**
 * A refusal a simulated tracker's API is told to give the next `times` calls:
 * bad credentials (401), or its rate limit with a wait of `waitMs`.
 */
export type TrackerRefusing = {
  kind: 'unauthenticated' | 'rate-limited';
  times: number;
  waitMs?: number;
};

/** A webhook delivery as the tracker sends it: its headers and its raw body. */
export interface SignedDelivery {
  headers: Record<string, string>;
  body: string;
}

/** The hex HMAC-SHA256 of `body` under `secret`: what both trackers sign with. */
export function hmacHex(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** A delivery's id, new each time (a replay reuses one). */
export function deliveryId(): string {
  return randomUUID();
}
