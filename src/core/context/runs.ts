/**
 * The build's session runs, each judged once as the context is made: where it
 * stands, and for a success whose result is not in sight yet, how long it may
 * still take. Every rule reads these fields; none judges a run again.
 */

import type { SessionRole, SessionTrigger } from '../sessions/session.js';
import type { OverdueReason } from '../snapshot/overdue-runs.js';
import type { RunInfo, TimedRun } from '../snapshot/snapshot.js';
import type { Link } from '../status/status-view.js';
import type { Action } from './action.js';

/** `active`: queued or running within its time; `failed` covers every conclusion but success. */
export type RunOutcome = 'active' | 'succeeded' | 'failed';

/** A run of the build, judged. */
export interface JudgedRun extends TimedRun {
  /** Where it stands; an overdue run counts as failed already. */
  outcome: RunOutcome;
  /**
   * Milliseconds until a run that succeeded without its result in sight
   * counts as having ended without it (`SETTLE_MS`); null for any other run.
   */
  settlesInMs: number | null;
}

/**
 * How long a session run that succeeded may go without its result in sight
 * before it counts as having ended without one: 30 s.
 *
 * A reconcile reads the build query (pull requests, reviews, the record) and
 * then the run listing: two reads, not one instant. A run that writes its
 * result and completes between them is seen completed without the result it
 * wrote. Within this time after its end (`updatedAt`) such a run is still
 * finishing, and `decide` asks to look again when the time is over. On GitHub
 * a run completes seconds after its last step; 30 s covers a read retried
 * after a fault, and a run that really ended without its result is reported
 * 30 s late, which nobody waiting minutes for a session notices.
 *
 * `updatedAt` is GitHub's clock and `now` the app's: a skew moves the report
 * by as much (late if the app's clock is behind, early if ahead), never makes
 * it wrong, as a result seen in time is a result whatever the clocks say.
 */
export const SETTLE_MS = 30_000;

/** Judges every run once, given the runs given up on and the time now. */
export function judgeRuns({
  runs,
  overdue,
  nowMs,
}: {
  runs: TimedRun[];
  overdue: Map<number, OverdueReason>;
  /** The time now, in ms; null when it cannot be read. */
  nowMs: number | null;
}): JudgedRun[] {
  return runs.map((run) => {
    if (overdue.has(run.id)) return { ...run, outcome: 'failed', settlesInMs: null };
    if (run.status !== 'completed') return { ...run, outcome: 'active', settlesInMs: null };
    if (run.conclusion !== 'success') return { ...run, outcome: 'failed', settlesInMs: null };
    const ended = run.updatedMs;
    const left = !Number.isFinite(ended) || nowMs === null ? 0 : ended + SETTLE_MS - nowMs;
    return { ...run, outcome: 'succeeded', settlesInMs: left > 0 ? left : null };
  });
}

/** The run that answers one request, matched on role, worker and trigger. */
export function findRun(
  runs: JudgedRun[],
  key: { role: SessionRole; worker: string | null; trigger: SessionTrigger | null },
): JudgedRun | null {
  const match = runs.filter(
    (run) => run.role === key.role && run.worker === key.worker && run.trigger === key.trigger,
  );
  return match.at(-1) ?? null;
}

/** A run as the status links it: `work run`, `review run`, … */
export function runLink(run: RunInfo): Link {
  return { label: `${run.role} run`, url: run.url };
}

/** The soonest of some settle times, or null when none is set. */
export function soonest(times: (number | null)[]): number | null {
  const set = times.filter((ms): ms is number => ms !== null);
  return set.length > 0 ? Math.min(...set) : null;
}

/** One `look-again` for the soonest settle time a rule waited on, if any. */
export function lookAgain(times: (number | null)[]): Action[] {
  const inMs = soonest(times);
  return inMs === null ? [] : [{ kind: 'look-again', inMs }];
}
