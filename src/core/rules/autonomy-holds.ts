/**
 * Merge autonomy by risk (docs/verification.md), a guard beside the holds of
 * `worker-holds.ts`: an approved worker whose evidence shows a class of
 * `verification.autonomy.waitFor` waits for a person instead of merging, and
 * its row says why. A person is asked for every such worker together, once the
 * build cannot go on without them (`standsFor`, and the notice of
 * decide-notices.ts), never in a comment each. A person's approval of the head
 * or a `/merge` of it (given after the pull request opened, with no fix session
 * since: `forced`) lets it go on.
 */
import type { DecideContext } from '../context/decide-context.js';
import { autonomyWait, waitNote } from '../verification/autonomy.js';
import { contractVettingOf } from '../verification/risk.js';
import { isRunning, MOVING, type WorkerState } from '../workers/worker-state.js';

/** The workers with the waits applied: a waiting one is `needs-human`, no longer `approved`, so no rule merges it. */
export function applyAutonomy(ctx: DecideContext, workers: WorkerState[]): WorkerState[] {
  return workers.map((state): WorkerState => {
    const { pull, assessment } = state;
    if (state.state !== 'approved' || pull?.state !== 'open' || !assessment) return state;
    if (assessment.forced) return state;
    const wait = autonomyWait(pull, ctx.config.verification, {
      contract: contractVettingOf(ctx.snapshot, pull.worker),
    });
    if (!wait) return state;
    return { ...state, state: 'needs-human', note: waitNote(wait), wait };
  });
}

/**
 * The workers the build waits on a person for by risk, once it cannot go on
 * without them: no worker moves by itself (a ready one moves only while fewer
 * than `maxParallel` hold a slot, and a waiting one holds its slot), no
 * validation or adapt session runs and no session's result is still settling.
 * Empty while anything goes on (the status row still says why each waits).
 */
export function standsFor(
  workers: WorkerState[],
  { sessionsUnderWay, maxParallel }: { sessionsUnderWay: boolean; maxParallel: number },
): WorkerState[] {
  const waiting = workers.filter((state) => state.wait);
  if (waiting.length === 0 || sessionsUnderWay) return [];
  const slotFree = workers.filter(isRunning).length < maxParallel;
  const moving = workers.some(
    (state) =>
      MOVING.has(state.state) ||
      (state.state === 'ready' && slotFree) ||
      state.settlesInMs !== null,
  );
  return moving ? [] : waiting;
}
