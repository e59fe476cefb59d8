/** What the simulated trackers share: a request as they are handed it, their answer, a delivery they sign. */
import { createHmac, randomUUID } from 'node:crypto';

export interface TrackerRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface TrackerResponse {
  status: number;
  body: unknown;
}

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
