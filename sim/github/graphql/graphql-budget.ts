import { HourWindow, type RateCharge } from '../hour-window.js';

/**
 * GitHub's primary rate limit of the GraphQL API for one installation: 5,000
 * points an hour, each call charged its cost (`graphqlCost`), the window
 * starting at the first call and resetting an hour later. Every answer carries
 * the `x-ratelimit-*` headers of the `graphql` resource; a call the budget no
 * longer holds is answered 200 with a `RATE_LIMITED` error and
 * `x-ratelimit-remaining: 0`, as GitHub answers it ("Rate limits and query
 * limits for the GraphQL API": exceeding the primary rate limit).
 */
export const GRAPHQL_POINTS_PER_HOUR = 5_000;

export class GraphqlBudget {
  readonly limit: number;
  readonly #hour: HourWindow;
  /** Every call's points, oldest first (what the bench and tests count). */
  readonly charges: { at: number; points: number; operation: string }[] = [];

  constructor(limit = GRAPHQL_POINTS_PER_HOUR) {
    this.limit = limit;
    this.#hour = new HourWindow({ limit, resource: 'graphql' });
  }

  /** Points charged so far, in all windows. */
  get spent(): number {
    return this.charges.reduce((sum, charge) => sum + charge.points, 0);
  }

  /** Charges one call of `points` at `now` (ms), or refuses it when the hour is spent. */
  charge(points: number, now: number, operation: string): RateCharge {
    const hour = this.#hour;
    hour.roll(now);
    const allowed = hour.used + points <= this.limit;
    if (allowed) {
      hour.used += points;
      this.charges.push({ at: now, points, operation });
    }
    return { allowed, headers: hour.headers(allowed ? this.limit - hour.used : 0) };
  }
}
