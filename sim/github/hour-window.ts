/**
 * The hour of one of GitHub's primary rate limits for an installation: it
 * starts at the first counted call and resets an hour later, and every answer
 * carries its `x-ratelimit-*` headers for the resource (`core` for REST,
 * `graphql`).
 */
export class HourWindow {
  readonly limit: number;
  readonly resource: string;
  used = 0;
  #resetAt = 0;

  constructor({ limit, resource }: { limit: number; resource: string }) {
    this.limit = limit;
    this.resource = resource;
  }

  /** Starts a new hour when the last one is over at `now` (ms). */
  roll(now: number): void {
    if (now >= this.#resetAt) {
      this.used = 0;
      this.#resetAt = now + HOUR_MS;
    }
  }

  /** The answer's `x-ratelimit-*` headers, with `remaining` as the caller counts it. */
  headers(remaining: number): Record<string, string> {
    return {
      'x-ratelimit-limit': String(this.limit),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-used': String(this.used),
      'x-ratelimit-reset': String(Math.ceil(this.#resetAt / 1000)),
      'x-ratelimit-resource': this.resource,
    };
  }
}

const HOUR_MS = 3_600_000;

/** Whether a call may go, and the headers its answer carries. */
export interface RateCharge {
  allowed: boolean;
  headers: Record<string, string>;
}
