/**
 * Whether a lesson kept a mistake from coming back (docs/memory.md, "How it is measured"):
 * a finding of Baton's review that asks again for the correction a lesson it was given
 * teaches is a repeat of that lesson. The review's session says so per finding, naming
 * the lesson's slug in a structured field its code checks against the lessons it was
 * given, and publish carries the counts in the review's marker (`ReviewLessons`): nothing
 * here reads a review's words. A session is given only lessons on the default branch, so a
 * repeat always comes after its lesson merged, and the findings that taught a lesson,
 * made before it existed, are never counted against it.
 */
import type { ReviewLessons } from '../sessions/verdict-marker.js';
import type { BuildSnapshot } from '../snapshot/snapshot.js';
import { code } from '../vocabulary/markdown.js';
import { mostFirst } from './most-first.js';

export interface RepeatRate {
  /** Findings of reviews given at least one lesson: the ones that could repeat one. */
  findings: number;
  /** Of those, the findings that repeat a lesson the review was given. */
  repeats: number;
  /** `repeats / findings`; null when no review given a lesson made a finding. */
  rate: number | null;
  /** Each lesson repeated, with how many findings repeat it, the most first (ties: by slug). */
  bySlug: { slug: string; repeats: number }[];
}

export function repeatRate(reviews: Iterable<ReviewLessons>): RepeatRate {
  const counts = new Map<string, number>();
  let findings = 0;
  let repeats = 0;
  for (const review of reviews) {
    if (review.lessons <= 0) continue;
    findings += review.findings;
    // A finding repeats one lesson at most: a marker naming more than its findings counts no more than them.
    for (const slug of review.repeats.slice(0, review.findings)) {
      repeats += 1;
      counts.set(slug, (counts.get(slug) ?? 0) + 1);
    }
  }
  const bySlug = [...counts]
    .map(([slug, n]) => ({ slug, repeats: n }))
    .sort(mostFirst((lesson) => lesson.repeats));
  return { findings, repeats, rate: findings === 0 ? null : repeats / findings, bySlug };
}

/** What each of Baton's reviews of the build's worker pull requests said of the lessons it was given. */
export function reviewLessonsOf(snapshot: Pick<BuildSnapshot, 'pulls'>): ReviewLessons[] {
  return snapshot.pulls.flatMap((pull) =>
    pull.reviews.flatMap((review) => (review.byBaton && review.memory ? [review.memory] : [])),
  );
}

/** "Lessons repeated: 1 of 4 findings (25%; `log-it` ×1)."; null when no review given a lesson made a finding. */
export function repeatLine({ findings, repeats, rate, bySlug }: RepeatRate): string | null {
  if (rate === null) return null;
  const slugs = bySlug.map(({ slug, repeats: n }) => `${code(slug)} ×${n}`);
  return `**Lessons repeated:** ${repeats} of ${findings} review finding${findings === 1 ? '' : 's'} (${percent(rate)}${slugs.length > 0 ? `; ${slugs.join(', ')}` : ''}).`;
}

function percent(rate: number): string {
  return `${Math.round(rate * 100)}%`;
}
