/**
 * What memory did across the builds shown (docs/memory.md, "How it is measured"): the
 * lessons their learn pull requests proposed and how many of those pull requests merged,
 * and how often their workers said they applied a lesson. Read off the snapshots alone.
 */
import { appliedLessons } from '../memory/applied-lessons.js';
import type { BuildSnapshot } from '../snapshot/snapshot.js';

export interface MemoryCounts {
  /** Lessons the builds' learn pull requests propose (their changed files). */
  proposed: number;
  /** Of those, the lessons in learn pull requests a person merged. */
  merged: number;
  /** Times a worker's report said it applied a lesson, each report's lessons counted once. */
  applied: number;
}

export function memoryCountsOf(
  snapshots: Iterable<Pick<BuildSnapshot, 'memoryPull' | 'completions'>>,
): MemoryCounts {
  const counts: MemoryCounts = { proposed: 0, merged: 0, applied: 0 };
  for (const { memoryPull, completions } of snapshots) {
    counts.proposed += memoryPull?.lessons ?? 0;
    if (memoryPull?.state === 'merged') counts.merged += memoryPull.lessons;
    const reports = Object.values(completions).flatMap((read) =>
      read.kind === 'valid' ? [read.completion] : [],
    );
    counts.applied += appliedLessons(reports).times;
  }
  return counts;
}
