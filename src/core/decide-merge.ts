import type { Action } from './action.js';
import type { DecideContext } from './decide-context.js';
import { compareByPriority } from './schedule.js';
import type { PullInfo } from './snapshot.js';
import type { WorkerState } from './worker-state.js';

/**
 * Merges into one build branch happen one at a time: of the PRs that are
 * approved and green, the most urgent one GitHub calls mergeable is merged
 * with the head that was judged. When none is, the first one that fell behind
 * is brought up to date; PRs are not updated after every merge, which would
 * cost a CI run each time.
 */
export function decideMerge({
  ctx,
  workers,
  chains,
}: {
  ctx: DecideContext;
  workers: WorkerState[];
  chains: Map<string, number>;
}): Action[] {
  const line = workers
    .filter((state) => state.state === 'approved' && state.pull?.state === 'open')
    .sort((a, b) => compareByPriority(chains)(a.worker.id, b.worker.id))
    .flatMap((state) => (state.pull ? [state.pull] : []));
  const next = line.find((pull) => canMergeNow(ctx, pull));
  if (next) {
    return [
      {
        kind: 'merge-pull',
        pull: next.number,
        worker: next.worker,
        sha: next.headSha,
        method: ctx.config.merge.method,
      },
    ];
  }
  const behind = line.find((pull) => pull.mergeState === 'behind');
  return behind
    ? [{ kind: 'update-pull-branch', pull: behind.number, expectedHeadSha: behind.headSha }]
    : [];
}

/** `unstable` means a check that is not required failed; that only matters when checks are required. */
function canMergeNow(ctx: DecideContext, pull: PullInfo): boolean {
  if (pull.mergeState === 'clean') return true;
  return pull.mergeState === 'unstable' && !ctx.config.merge.requireChecks;
}
