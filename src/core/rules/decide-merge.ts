import type { Action } from '../context/action.js';
import type { DecideContext } from '../context/decide-context.js';
import { compareByPriority } from '../plan/schedule.js';
import type { PullInfo } from '../snapshot/snapshot.js';
import { awaitsReviewCheck } from './decide-review.js';
import type { ScheduleInput } from './decide-workers.js';

/**
 * Merges the approved, green PRs GitHub calls mergeable into the build
 * branch, the most urgent first, each with the head that was judged. All of
 * them go in one pass (act stops at the first that does not go: a conflict
 * the earlier merges made waits for the next look), unless a PR of the build
 * has fallen behind: then the build branch asks for up-to-date PRs, every
 * merge puts the others behind, and one goes at a time. When none can merge,
 * the first one that fell behind is brought up to date; PRs are not updated
 * after every merge, which would cost a CI run each time.
 */
export function decideMerge({ ctx, workers, chains }: ScheduleInput): Action[] {
  const line = workers
    .filter((state) => state.state === 'approved' && state.pull?.state === 'open')
    .sort((a, b) => compareByPriority(chains)(a.worker.id, b.worker.id))
    .flatMap((state) => (state.pull ? [state.pull] : []));
  const upToDateRule = workers.some(
    (state) => state.pull?.state === 'open' && state.pull.mergeState === 'behind',
  );
  const ready = line.filter((pull) => canMergeNow(ctx, pull));
  if (ready.length > 0) {
    return ready.slice(0, upToDateRule ? 1 : ready.length).map((pull) => ({
      kind: 'merge-pull',
      pull: pull.number,
      worker: pull.worker,
      sha: pull.headSha,
      method: ctx.config.merge.method,
    }));
  }
  const behind = line.find((pull) => pull.mergeState === 'behind');
  return behind
    ? [{ kind: 'update-pull-branch', pull: behind.number, expectedHeadSha: behind.headSha }]
    : [];
}

/**
 * `unstable` means a check that is not required failed; that only matters when
 * checks are required. A PR GitHub holds (`blocked`) is tried once, as the
 * approving `baton/review` check is published, which the rule may wait for.
 */
function canMergeNow(ctx: DecideContext, pull: PullInfo): boolean {
  if (pull.mergeState === 'clean') return true;
  if (awaitsReviewCheck(pull)) return true;
  return pull.mergeState === 'unstable' && !ctx.config.merge.requireChecks;
}
