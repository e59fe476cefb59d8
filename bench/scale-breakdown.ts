import type { SimRequestLog } from '../sim/github/fake-github.js';

/**
 * Requests by endpoint and by why the app made them (bench/scale.ts). Routes
 * are from the simulator's log. The reason never leaves the app (GitHub is
 * sent no header of Baton's own): the app counts each request by route,
 * status and the reason in force where it was made
 * (`baton_github_requests_total`, src/server/metrics.ts), and the bench reads
 * that counter from the app's `/metrics` before and after (`reasonsBetween`);
 * a request made with no reason in force counts as `none`.
 *
 * Counted is what GitHub counts: a `304 Not Modified` answer to a
 * conditional request does not count against the primary rate limit, so it
 * is not a request here, and is given apart (`notModified`). Writes are REST
 * requests but GET and HEAD (GraphQL mutations are none here: Baton sends
 * only `enablePullRequestAutoMerge` and `updateRefs`, at a build's end).
 */
export interface Breakdown {
  /** Requests GitHub counts (a 304 is not). */
  requests: number;
  writes: number;
  /** Answers of 304 Not Modified: conditional reads GitHub does not count. */
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
export function breakdownOf(calls: SimRequestLog[]): Omit<Breakdown, 'byReason'> {
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
  };
}

/** `baton_github_requests_total`'s samples in a `/metrics` text: "route\tstatus\treason" → count. */
export function requestCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const sample =
    /^baton_github_requests_total\{route="([^"]*)",status="([^"]*)",reason="([^"]*)"\} (\d+)$/;
  for (const line of text.split('\n')) {
    const m = sample.exec(line);
    if (m) counts.set(`${m[1]}\t${m[2]}\t${m[3]}`, Number(m[4]));
  }
  return counts;
}

/**
 * Requests by reason, from the app's counter read at two moments: every
 * request the app made in between (token requests left out, as in the routes).
 */
export function reasonsBetween(
  before: Map<string, number>,
  after: Map<string, number>,
): BreakdownRow[] {
  const rows = new Map<string, BreakdownRow>();
  for (const [key, count] of after) {
    const n = count - (before.get(key) ?? 0);
    const [route = '', status = '', reason = ''] = key.split('\t');
    if (n <= 0 || route.includes('/access_tokens')) continue;
    const row = rows.get(reason) ?? { key: reason, requests: 0, writes: 0, notModified: 0 };
    const method = route.split(' ')[0] ?? '';
    if (status === '304') row.notModified += n;
    else {
      row.requests += n;
      if (isWrite({ method, route })) row.writes += n;
    }
    rows.set(reason, row);
  }
  return [...rows.values()].sort(
    (a, b) => b.requests - a.requests || b.notModified - a.notModified,
  );
}
