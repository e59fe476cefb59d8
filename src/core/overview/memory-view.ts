/**
 * The page's memory view (docs/memory.md, "How it is measured"): per
 * repository, the lessons its builds' learn pull requests proposed, how many
 * of those merged, how often its workers said they applied one, and each learn
 * pull request with its state and link. Read off the builds' metadata alone,
 * as `memoryCountsOf` counts the whole overview: never a lesson's text.
 */
import type { BuildSnapshot, MemoryPull } from '../snapshot/snapshot.js';
import { type MemoryCounts, memoryCountsOf } from './memory-counts.js';

/** One build's learn pull request, as the memory view lists it. */
export interface LearnPullLine extends MemoryPull {
  /** The build's key on the page (`owner/name/build`) and how it is named. */
  key: string;
  label: string;
  title: string;
}

/** What memory did in one repository, over the builds of it the viewer may read. */
export interface RepositoryMemory {
  repository: string;
  /** The same counts as the overview's `memory`, of this repository's builds alone, repeats with them. */
  counts: MemoryCounts;
  /** Its builds' learn pull requests, the newest number first. */
  learnPulls: LearnPullLine[];
}

/** A build as the memory view reads it: its snapshot, and the row the viewer sees it by. */
export interface MemoryBuild {
  repository: string;
  snapshot: Pick<BuildSnapshot, 'memoryPull' | 'completions' | 'pulls'>;
  row: { key: string; label: string; title: string };
}

/**
 * Memory per repository of `builds` (those a viewer may read: the overview
 * filters them first). A repository shows where a build of it proposed a
 * lesson or a worker of it applied one; the rest have nothing to show.
 */
export function memoryByRepositoryOf(builds: readonly MemoryBuild[]): RepositoryMemory[] {
  const byRepository = new Map<string, MemoryBuild[]>();
  for (const build of builds) {
    const key = build.repository.toLowerCase();
    byRepository.set(key, [...(byRepository.get(key) ?? []), build]);
  }
  return [...byRepository.values()]
    .map((own) => ({
      repository: own[0]?.repository ?? '',
      counts: memoryCountsOf(own.map(({ snapshot }) => snapshot)),
      learnPulls: own
        .flatMap(({ snapshot, row }) =>
          snapshot.memoryPull
            ? [{ ...snapshot.memoryPull, key: row.key, label: row.label, title: row.title }]
            : [],
        )
        .sort((a, b) => b.number - a.number),
    }))
    .filter(
      ({ counts, learnPulls }) =>
        learnPulls.length > 0 || counts.applied > 0 || counts.rate !== null,
    )
    .sort((a, b) => a.repository.localeCompare(b.repository));
}
