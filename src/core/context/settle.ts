import { timeOf } from '../snapshot/normalize-snapshot.js';
import type { RunInfo } from '../snapshot/snapshot.js';
import type { Action } from './action.js';
import type { DecideContext } from './decide-context.js';

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

/**
 * Milliseconds until a successful run without its result counts as having
 * ended without it; null for a run that is not successful or has settled.
 */
export function settlesInMs(ctx: DecideContext, run: RunInfo): number | null {
  if (ctx.overdue.has(run.id)) return null;
  if (run.status !== 'completed' || run.conclusion !== 'success') return null;
  const ended = timeOf(run.updatedAt);
  const now = timeOf(ctx.now);
  if (ended === null || now === null) return null;
  const left = ended + SETTLE_MS - now;
  return left > 0 ? left : null;
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
