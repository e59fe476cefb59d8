import type { PullInfo, ReviewInfo } from './snapshot.js';

/**
 * The heads that hold the same work as the pull request's head: the head, and
 * the heads Baton's updates of the branch (merges of the build branch, nothing
 * of their own) were made on, however many in a row.
 */
export function workHeads(pull: Pick<PullInfo, 'headSha' | 'updatedFrom'>): Set<string> {
  return new Set([pull.headSha, ...(pull.updatedFrom ?? [])]);
}

/** What the reviews of a PR's current head add up to. */
export type PullVerdict =
  | { kind: 'none' }
  | { kind: 'approve'; by: 'baton' | 'human' }
  /** Baton approved, but `review.requireHuman` wants a person's approval too. */
  | { kind: 'awaiting-human' }
  | { kind: 'changes-requested'; review: ReviewInfo };

/**
 * The verdict on a PR's head: a person's latest word outranks Baton's (a
 * person asking for changes blocks; a person approving is enough), and
 * Baton's newest review decides when no person has spoken. Reviews of an
 * earlier head count only when the head merely merged the build branch in.
 */
export function pullVerdict({
  pull,
  requireHuman,
}: {
  pull: PullInfo;
  requireHuman: boolean;
}): PullVerdict {
  const heads = workHeads(pull);
  const decisive = pull.reviews.filter(
    (review) => heads.has(review.commitSha) && review.verdict !== 'comment',
  );
  const human = latestByAuthor(decisive.filter((review) => !review.byBaton));
  const humanChanges = human.filter((review) => review.verdict === 'changes-requested').at(-1);
  if (humanChanges) return { kind: 'changes-requested', review: humanChanges };
  if (human.some((review) => review.verdict === 'approve')) return { kind: 'approve', by: 'human' };
  const baton = decisive.filter((review) => review.byBaton).at(-1);
  if (!baton) return { kind: 'none' };
  if (baton.verdict === 'changes-requested') return { kind: 'changes-requested', review: baton };
  return requireHuman ? { kind: 'awaiting-human' } : { kind: 'approve', by: 'baton' };
}

/** Each author's newest review, in the order they were given (reviews come oldest first). */
function latestByAuthor(reviews: ReviewInfo[]): ReviewInfo[] {
  const latest = new Map<string, ReviewInfo>();
  for (const review of reviews) {
    latest.delete(review.author);
    latest.set(review.author, review);
  }
  return [...latest.values()];
}
