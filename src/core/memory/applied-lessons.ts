/**
 * How often a build's sessions said they applied a lesson (docs/memory.md, "How it is
 * measured"): the `lessons` of the completion reports on the build branch, each report's
 * slugs counted once. A session's word, never checked against what it did; review results
 * and lessons a session was given without applying them are not counted.
 */
import type { Completion } from '../records/completion.js';
import { code } from '../vocabulary/markdown.js';
import { mostFirst } from './most-first.js';

/** Each lesson applied and by how many reports, the most applied first (ties: by slug). */
export interface AppliedLessons {
  times: number;
  bySlug: { slug: string; times: number }[];
}

export function appliedLessons(completions: Iterable<Pick<Completion, 'lessons'>>): AppliedLessons {
  const counts = new Map<string, number>();
  for (const completion of completions) {
    // A report that names a lesson twice applied it once.
    for (const slug of new Set(completion.lessons ?? [])) {
      counts.set(slug, (counts.get(slug) ?? 0) + 1);
    }
  }
  const bySlug = [...counts]
    .map(([slug, times]) => ({ slug, times }))
    .sort(mostFirst((lesson) => lesson.times));
  return { times: bySlug.reduce((sum, lesson) => sum + lesson.times, 0), bySlug };
}

/** "Lessons applied: 3 (`a` ×2, `b`)."; null when no report named one. */
export function appliedLessonsLine({ times, bySlug }: AppliedLessons): string | null {
  if (times === 0) return null;
  const slugs = bySlug.map(({ slug, times: n }) => (n > 1 ? `${code(slug)} ×${n}` : code(slug)));
  return `**Lessons applied:** ${times} (${slugs.join(', ')}).`;
}
