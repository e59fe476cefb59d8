import type { SessionRole } from '../core/session.js';

/**
 * One installation's content-creating requests in GitHub's two windows (80 a
 * minute, 500 an hour: the secondary limits), so that Baton defers what can
 * wait before GitHub answers 403: status comment edits first, then the first
 * dispatch of a worker. Writes Baton owes (merges, the final pull request,
 * reviews and fixes of open pull requests) never wait for the budget.
 *
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits
 *
 * Counted: every write of the app's own client, and, for each session it
 * dispatches, the writes such a session makes with the app's installation
 * token (`SESSION_WRITES`). GitHub's answers carry no header for the
 * secondary limits, so the sessions' share is the expected one. The count
 * lives in this process only: it is pacing, and after a restart it starts
 * from nothing, which at worst lets GitHub's own 403 and `retry-after` (the
 * throttle waits and retries) do the pacing for a while.
 */
export interface WriteLimits {
  perMinute: number;
  perHour: number;
}

export const GITHUB_WRITE_LIMITS: WriteLimits = { perMinute: 80, perHour: 500 };

/** What may wait, and at which share of a window's budget it starts waiting. */
export type DeferrableWrite = 'status' | 'dispatch';
const DEFER_AT: Record<DeferrableWrite, number> = { status: 0.8, dispatch: 0.9 };

/**
 * API writes a session of each role makes as the app (src/session/publish):
 * a work or fix session opens or updates its PR, a review posts one review, a
 * synthesis one comment on the issue. Pushes (plans, findings, summaries,
 * usage and adaptation records) are git, not API requests. Every role is
 * named, so a new role must say what it writes.
 */
export const SESSION_WRITES: Record<SessionRole, number> = {
  plan: 0,
  work: 1,
  fix: 1,
  review: 1,
  research: 0,
  summary: 0,
  synthesis: 1,
};

const MINUTE = 60_000;
const HOUR = 3_600_000;

export interface WriteBudget {
  /** Counts `count` content-creating requests made now. */
  note(count?: number): void;
  /** Writes in the last minute and the last hour. */
  used(): { minute: number; hour: number };
  /** 0 if a write of this kind may go now; else the ms until both windows have room for it. */
  waitFor(kind: DeferrableWrite): number;
}

export function createWriteBudget({
  limits = GITHUB_WRITE_LIMITS,
  clock = Date.now,
}: {
  limits?: WriteLimits;
  clock?: () => number;
} = {}): WriteBudget {
  // [time, count], oldest first, never older than an hour.
  const log: Array<[number, number]> = [];
  const prune = (now: number) => {
    while (log.length > 0 && (log[0]?.[0] ?? 0) <= now - HOUR) log.shift();
  };
  const since = (from: number) =>
    log.reduce((sum, [at, count]) => (at > from ? sum + count : sum), 0);
  /** When the writes after `from` drop below `allowed`, as the oldest of them leave the window. */
  const roomAt = (now: number, windowMs: number, allowed: number): number => {
    let used = since(now - windowMs);
    for (const [at, count] of log) {
      if (used < allowed) break;
      if (at <= now - windowMs) continue;
      used -= count;
      if (used < allowed) return at + windowMs;
    }
    return now;
  };
  return {
    note(count = 1) {
      const now = clock();
      prune(now);
      log.push([now, count]);
    },
    used() {
      const now = clock();
      prune(now);
      return { minute: since(now - MINUTE), hour: since(now - HOUR) };
    },
    waitFor(kind) {
      const now = clock();
      prune(now);
      const share = DEFER_AT[kind];
      const at = Math.max(
        roomAt(now, MINUTE, Math.floor(limits.perMinute * share)),
        roomAt(now, HOUR, Math.floor(limits.perHour * share)),
      );
      return at - now;
    },
  };
}
