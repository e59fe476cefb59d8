/**
 * What memory did across the builds shown (docs/memory.md, "How it is measured"): the
 * lessons their learn pull requests proposed and how many of those pull requests merged,
 * how often their workers said they applied a lesson, and how often Baton's reviews found
 * a lesson's mistake again, with each lesson named. Read off the snapshots alone (per
 * repository: `memoryByRepositoryOf`, memory-view.ts).
 */
import { appliedLessons } from '../memory/applied-lessons.js';
import { mostFirst } from '../memory/most-first.js';
import { repeatRate, reviewLessonsOf } from '../memory/repeat-rate.js';
import type { BuildSnapshot } from '../snapshot/snapshot.js';

export interface MemoryTotals {
  /** Lessons the builds' learn pull requests propose (their changed files). */
  proposed: number;
  /** Of those, the lessons in learn pull requests a person merged. */
  merged: number;
  /** Times a worker's report said it applied a lesson, each report's lessons counted once. */
  applied: number;
  /** Findings of Baton's reviews given at least one lesson: the ones that could repeat one. */
  findings: number;
  /** Of those, the findings that repeat a lesson the review was given. */
  repeats: number;
  /** `repeats / findings`; null when no such finding was made. */
  rate: number | null;
}

/** A lesson named by a report or a review: its uses (reports that applied it) and its repeats. */
export interface LessonCount {
  slug: string;
  uses: number;
  repeats: number;
}

export interface MemoryCounts extends MemoryTotals {
  /** The lessons reports applied or reviews found repeated, the most used first (ties: by slug). */
  lessons: LessonCount[];
}

export function memoryCountsOf(
  snapshots: readonly Pick<BuildSnapshot, 'memoryPull' | 'completions' | 'pulls'>[],
): MemoryCounts {
  let proposed = 0;
  let merged = 0;
  for (const snapshot of snapshots) {
    proposed += snapshot.memoryPull?.lessons ?? 0;
    if (snapshot.memoryPull?.state === 'merged') merged += snapshot.memoryPull.lessons;
  }
  const applied = appliedLessons(
    snapshots.flatMap((snapshot) =>
      Object.values(snapshot.completions).flatMap((read) =>
        read.kind === 'valid' ? [read.completion] : [],
      ),
    ),
  );
  const repeats = repeatRate(snapshots.flatMap((snapshot) => reviewLessonsOf(snapshot)));
  const lessons = new Map<string, LessonCount>();
  const lesson = (slug: string): LessonCount => {
    const known = lessons.get(slug);
    if (known) return known;
    const added = { slug, uses: 0, repeats: 0 };
    lessons.set(slug, added);
    return added;
  };
  for (const { slug, times } of applied.bySlug) lesson(slug).uses = times;
  for (const { slug, repeats: n } of repeats.bySlug) lesson(slug).repeats = n;
  return {
    proposed,
    merged,
    applied: applied.times,
    findings: repeats.findings,
    repeats: repeats.repeats,
    rate: repeats.rate,
    lessons: [...lessons.values()].sort(mostFirst((lesson) => lesson.uses)),
  };
}
