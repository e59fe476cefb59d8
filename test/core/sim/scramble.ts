import type { BuildSnapshot, PullInfo } from '../../../src/core/snapshot/snapshot.js';
import type { Rng } from './world.js';

/**
 * The same truth as the adapter might hand it over another time: every list
 * shuffled, some entries listed twice (as across pages), records' keys in
 * another order. `decide` must not see the difference.
 */
export function scramble(snapshot: BuildSnapshot, rng: Rng): BuildSnapshot {
  const copy: BuildSnapshot = structuredClone(snapshot);
  return {
    ...copy,
    runs: jumble(copy.runs, rng),
    commands: jumble(copy.commands, rng),
    pulls: jumble(
      copy.pulls.map((pull) => scramblePull(pull, rng)),
      rng,
    ),
    branches: reorderKeys(copy.branches, rng),
    completions: reorderKeys(copy.completions, rng),
  };
}

function scramblePull(pull: PullInfo, rng: Rng): PullInfo {
  return {
    ...pull,
    reviews: jumble(pull.reviews, rng),
    labels: jumble(pull.labels, rng),
    checks: { ...pull.checks, failedRuns: jumble(pull.checks.failedRuns, rng) },
  };
}

/** Shuffled, with about one entry in five repeated. */
function jumble<T>(items: T[], rng: Rng): T[] {
  const repeated = items.flatMap((item) => (rng() < 0.2 ? [item, structuredClone(item)] : [item]));
  for (let i = repeated.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [repeated[i], repeated[j]] = [repeated[j] as T, repeated[i] as T];
  }
  return repeated;
}

function reorderKeys<T>(record: Record<string, T>, rng: Rng): Record<string, T> {
  return Object.fromEntries(jumble(Object.entries(record), rng).filter(unique()));
}

function unique<T>(): (entry: [string, T]) => boolean {
  const seen = new Set<string>();
  return ([key]) => !seen.has(key) && Boolean(seen.add(key));
}
