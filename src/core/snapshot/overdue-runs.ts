import type { Config } from '../config/config.js';
import { isReviewedInRun } from '../sessions/session.js';
import type { TimedRun } from './snapshot.js';

/** Why a session run that has not finished is given up on. */
export type OverdueReason = 'run-timeout' | 'queued-too-long';

const MINUTE = 60_000;

/**
 * Runs still queued after `session.queuedMinutes` or running after
 * `session.timeoutMinutes`, by run id. They are cancelled and count as failed.
 */
export function findOverdueRuns({
  runs,
  session,
  nowMs,
}: {
  runs: TimedRun[];
  session: Config['session'];
  /** The time now, in ms; null when it cannot be read (then none is overdue). */
  nowMs: number | null;
}): Map<number, OverdueReason> {
  const overdue = new Map<number, OverdueReason>();
  if (nowMs === null) return overdue;
  for (const run of runs) {
    const reason = overdueReason({ run, session, nowMs });
    if (reason) overdue.set(run.id, reason);
  }
  return overdue;
}

function overdueReason({
  run,
  session,
  nowMs,
}: {
  run: TimedRun;
  session: Config['session'];
  nowMs: number;
}): OverdueReason | null {
  const at = overdueAt(run, session);
  if (at === null || nowMs <= at) return null;
  return run.status === 'queued' ? 'queued-too-long' : 'run-timeout';
}

/**
 * When a run that has not finished is given up on (ms): queued past
 * `session.queuedMinutes` since it was made, or running past
 * `session.timeoutMinutes` since it started (`runMinutes`); null for a finished run.
 */
export function overdueAt(run: TimedRun, session: Config['session']): number | null {
  if (run.status === 'queued') return minutesAfter(run.createdMs, session.queuedMinutes);
  if (run.status === 'in_progress') return minutesAfter(run.startedMs, runMinutes(run, session));
  return null;
}

/**
 * How long a run may go: a session's `session.timeoutMinutes`, twice that for a work,
 * contract or fix session's run, whose review follows in it (each job holds its own
 * session to the time by its `timeout-minutes`; the app's cancel is for a run past both).
 */
function runMinutes(run: TimedRun, session: Config['session']): number {
  return isReviewedInRun(run.role) ? 2 * session.timeoutMinutes : session.timeoutMinutes;
}

/** `minutes` after `since` (ms), or null when `since` could not be read. */
function minutesAfter(since: number, minutes: number): number | null {
  return Number.isFinite(since) ? since + minutes * MINUTE : null;
}
