import type { SimRequestLog } from '../sim/github/fake-github.js';

/**
 * Requests by endpoint and by why the app made them (bench/scale.ts). The
 * reason is what the app says of each request, the header `x-baton-reason`
 * (src/github/client/request-reason.ts), which the simulator logs; a request
 * made with no reason in force counts as `untagged`.
 *
 * Counted is what GitHub counts: a `304 Not Modified` answer to a
 * conditional request does not count against the primary rate limit, so it
 * is not a request here, and is given apart (`notModified`). Writes are REST
 * requests but GET and HEAD (GraphQL mutations are none here: Baton sends
 * only `enablePullRequestAutoMerge` and `updateRefs`, at a build's end).
 */
export interface Breakdown {
  requests: number;
  writes: number;
  notModified: number;
  byRoute: BreakdownRow[];
  byReason: BreakdownRow[];
}

export interface BreakdownRow {
  /** A route template (`GET /repos/{owner}/{repo}/…`) or a reason (`reconcile-read`, …). */
  key: string;
  requests: number;
  writes: number;
  notModified: number;
}

export const isWrite = (entry: { method: string; route: string }) =>
  !['GET', 'HEAD'].includes(entry.method) && entry.route !== 'POST /graphql';

/** The breakdown of some requests of the simulator's log. */
export function breakdownOf(calls: SimRequestLog[]): Breakdown {
  const tally = (keyOf: (entry: SimRequestLog) => string): BreakdownRow[] => {
    const rows = new Map<string, BreakdownRow>();
    for (const entry of calls) {
      const key = keyOf(entry);
      const row = rows.get(key) ?? { key, requests: 0, writes: 0, notModified: 0 };
      if (entry.status === 304) row.notModified += 1;
      else {
        row.requests += 1;
        if (isWrite(entry)) row.writes += 1;
      }
      rows.set(key, row);
    }
    return [...rows.values()].sort(
      (a, b) => b.requests - a.requests || b.notModified - a.notModified,
    );
  };
  const counted = calls.filter((entry) => entry.status !== 304);
  return {
    requests: counted.length,
    writes: counted.filter(isWrite).length,
    notModified: calls.length - counted.length,
    byRoute: tally((entry) => entry.route),
    byReason: tally((entry) => entry.reason ?? 'untagged'),
  };
}
