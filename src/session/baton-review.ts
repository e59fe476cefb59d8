import { z } from 'zod';
import { parseVerdictMarker } from '../core/sessions/verdict-marker.js';

/** A review as GitHub lists them, with what tells Baton's own apart. */
export const ListedReview = z.object({
  id: z.number(),
  body: z.string().nullable().optional(),
  commit_id: z.string().nullable().optional(),
  user: z.object({ type: z.string().optional() }).nullable().optional(),
});
export type ListedReview = z.infer<typeof ListedReview>;

/** Reviews of one PR read when looking for Baton's own; GitHub lists 100 a page. */
export const REVIEW_PAGES_MAX = 10;

/**
 * Baton's review of one head, if one is posted: a bot's review on that commit
 * that carries the verdict marker (only publish writes it; models' text has
 * its markers neutralized). Twin review runs of one head (two replicas'
 * dispatches, run one after another by the workflow's concurrency group) use
 * it to post one review and call the model once. Another app forging the
 * marker could only hold a review back, and the app then asks a person; a
 * verdict still counts only from Baton's own bot (src/github/observe/read-pulls.ts).
 */
export function findBatonReviewOf(reviews: readonly ListedReview[], sha: string): number | null {
  const found = reviews.find(
    (review) =>
      review.user?.type === 'Bot' &&
      review.commit_id === sha &&
      parseVerdictMarker(review.body ?? '') !== null,
  );
  return found?.id ?? null;
}
