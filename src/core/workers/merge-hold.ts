/**
 * An approved worker pull request as GitHub's merge state (`mergeStateStatus`,
 * https://docs.github.com/en/graphql/reference/enums#mergestatestatus) has it:
 * whether it merges now, or what holds it and who moves it. Baton never says
 * "merge" where GitHub refuses, and never waits without a word where only a
 * person can move it.
 */
import type { PullInfo } from '../snapshot/snapshot.js';

/** Why GitHub will not merge an approved pull request until a person acts. */
export type MergeHold = 'review-required' | 'review-blocks' | 'merge-blocked' | 'checks-unseen';

const HOLDS: ReadonlySet<string> = new Set<MergeHold>([
  'review-required',
  'review-blocks',
  'merge-blocked',
  'checks-unseen',
]);

export function isMergeHold(reason: string): reason is MergeHold {
  return HOLDS.has(reason);
}

/**
 * Whether GitHub merges an approved pull request now. `clean`; `blocked` once,
 * as Baton publishes its approving `baton/review` check, which a rule may ask
 * for (`awaitsReviewCheck`); `unstable` ("mergeable with non-passing commit
 * status": nothing required fails, and the merge API takes it) where checks
 * are not required, or where what does not pass is a job of Baton's own that
 * ended red: a review or fix session that failed or was stopped leaves one on
 * the head, which no later run replaces, and Baton's rules have judged the
 * pull request without it (the repository's checks passed).
 */
export function mergesNow(pull: PullInfo, { requireChecks }: { requireChecks: boolean }): boolean {
  switch (pull.mergeState) {
    case 'clean':
      return true;
    case 'blocked':
      return awaitsReviewCheck(pull);
    case 'unstable':
      return !requireChecks || pull.ownChecks === 'failure';
    default:
      return false;
  }
}

/**
 * Why GitHub holds an approved pull request that only a person can move, or
 * null where it merges now or Baton waits for GitHub or itself (its check
 * published, its own session's jobs ending, GitHub computing, an update when
 * next in line). `blocked` is named by GitHub's `reviewDecision` where a rule
 * asks for reviews; any other rule shows only once Baton's approving check is
 * on the head and GitHub still holds it. `unstable` where checks are required
 * and none Baton reads failed: a check it does not read.
 */
export function mergeHold(
  pull: PullInfo,
  { requireChecks }: { requireChecks: boolean },
): MergeHold | null {
  if (pull.mergeState === 'blocked') {
    if (pull.reviewDecision === 'review-required') return 'review-required';
    if (pull.reviewDecision === 'changes-requested') return 'review-blocks';
    return awaitsReviewCheck(pull) ? null : 'merge-blocked';
  }
  if (pull.mergeState === 'unstable' && !mergesNow(pull, { requireChecks })) {
    return pull.ownChecks === 'pending' ? null : 'checks-unseen';
  }
  return null;
}

/** What GitHub asks before it merges, in a few words for the status table: each hold's reason. */
export const MERGE_HOLD_TEXTS: Record<MergeHold, string> = {
  'review-required':
    'GitHub requires an approving review by a person with write access before it merges (a rule of the build branch): approve the pull request',
  'review-blocks':
    "a person's review asks for changes, and GitHub holds the merge until they approve or the review is dismissed",
  'merge-blocked':
    "GitHub holds its merge by a rule of the build branch that Baton's approval does not meet (a required check, signed commits, resolved conversations, a merge queue): the pull request's merge box names it",
  'checks-unseen':
    "GitHub calls a check on its head not passing that Baton does not read (merge.requireChecks): the pull request's checks name it",
};

/** What an approved pull request that is not merging yet waits for, where GitHub or Baton moves it; null otherwise. */
export function mergeWaitText(pull: PullInfo): string | null {
  switch (pull.mergeState) {
    case 'behind':
      return 'behind the build branch; updated when next in line';
    case 'blocked':
      return "held by a rule of the build branch; Baton's approving baton/review check goes on its head and the merge is tried";
    case 'unstable':
      return pull.ownChecks === 'pending'
        ? "waiting for Baton's session on its head to end (GitHub counts its jobs as checks)"
        : null;
    case 'unknown':
      return 'waiting for GitHub to check mergeability';
    default:
      return null;
  }
}

/**
 * Whether GitHub holds an open PR that Baton's approval on its head might let
 * through: `blocked`, and no approving `baton/review` on the head yet. The
 * reconcile that publishes the check tries the merge at once (`decideMerge`),
 * since no event follows Baton's own check (src/github/reconcile/doors/echoes.ts);
 * a rule that asks for more (a person's review) refuses it, once per head.
 */
export function awaitsReviewCheck(pull: PullInfo): boolean {
  if (pull.state !== 'open' || pull.mergeState !== 'blocked') return false;
  const check = pull.reviewCheck;
  return !(check && check.sha === pull.headSha && check.verdict === 'approve');
}
