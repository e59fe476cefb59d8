/**
 * What GitHub says is left of an installation's hourly GraphQL points: every
 * answer of the GraphQL endpoint carries `x-ratelimit-limit`, `-remaining`,
 * `-used`, `-reset` (epoch seconds) and `-resource: graphql`. An installation
 * has 5,000 points an hour (more for large ones); a call past them is refused
 * as rate limited until the reset. Baton reads the headers and, when little
 * is left, defers what can wait (the periodic resync) so that what a webhook
 * asks for still has points (docs/design-notes.md, "The hourly GraphQL budget").
 */
export interface GraphqlAllowance {
  /** Notes the rate-limit headers of one GraphQL answer. */
  note(headers: Record<string, string | number | undefined>, now: number): void;
  /** Whether what is left is at or under the reserve kept for webhooks, before the reset. */
  low(now: number): boolean;
  /** Ms until the hour's points come back (0 when unknown or past). */
  untilReset(now: number): number;
  /** The last reading: points left, of how many, reset at (ms); null before any. */
  reading(): { remaining: number; limit: number; resetAt: number } | null;
}

/** Share of the hour's points kept for reconciles a webhook asks for. */
export const GRAPHQL_RESERVE_SHARE = 0.2;

export function createGraphqlAllowance(reserveShare = GRAPHQL_RESERVE_SHARE): GraphqlAllowance {
  let last: { remaining: number; limit: number; resetAt: number } | null = null;
  return {
    note(headers, now) {
      if (headers['x-ratelimit-resource'] !== 'graphql') return;
      const remaining = Number(headers['x-ratelimit-remaining']);
      const limit = Number(headers['x-ratelimit-limit']);
      const reset = Number(headers['x-ratelimit-reset']);
      if (![remaining, limit, reset].every(Number.isFinite)) return;
      const resetAt = reset * 1000;
      // Answers may arrive out of order: within one hour, the least remaining is the latest.
      if (last && last.resetAt === resetAt && last.remaining < remaining && now < resetAt) return;
      last = { remaining, limit, resetAt };
    },
    low(now) {
      if (!last || now >= last.resetAt) return false;
      return last.remaining <= last.limit * reserveShare;
    },
    untilReset(now) {
      return last && now < last.resetAt ? last.resetAt - now : 0;
    },
    reading() {
      return last;
    },
  };
}
