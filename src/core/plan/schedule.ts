import { compareWorkerIds } from '../vocabulary/ids.js';
import type { PlanWorker } from './plan.js';

/**
 * For each worker, the length of the longest chain of workers waiting on it,
 * itself included: a worker nothing depends on has 1. Starting the longest
 * chains first shortens the whole build (critical-path scheduling).
 */
export function dependentChainLengths(workers: PlanWorker[]): Map<string, number> {
  const dependents = new Map<string, string[]>();
  for (const worker of workers) {
    for (const dep of worker.depends_on)
      dependents.set(dep, [...(dependents.get(dep) ?? []), worker.id]);
  }
  const lengths = new Map<string, number>();
  const visiting = new Set<string>();
  function lengthOf(id: string): number {
    const known = lengths.get(id);
    if (known !== undefined) return known;
    // A cycle never passes validation; cutting it here keeps this total anyway.
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const longest = Math.max(0, ...(dependents.get(id) ?? []).map(lengthOf));
    visiting.delete(id);
    lengths.set(id, longest + 1);
    return longest + 1;
  }
  for (const worker of workers) lengthOf(worker.id);
  return lengths;
}

/** Longest chain of dependents first, then by id. */
export function compareByPriority(chains: Map<string, number>): (a: string, b: string) => number {
  return (a, b) => (chains.get(b) ?? 0) - (chains.get(a) ?? 0) || compareWorkerIds(a, b);
}

/**
 * Which of the ready workers to start now: as many as `maxParallel` leaves
 * room for beside the running ones, most urgent first. Waves are no barrier:
 * a worker is ready as soon as its own dependencies are done.
 */
export function pickDispatches({
  ready,
  running,
  maxParallel,
  chains,
}: {
  ready: string[];
  running: number;
  maxParallel: number;
  chains: Map<string, number>;
}): string[] {
  const slots = Math.max(0, maxParallel - running);
  return [...ready].sort(compareByPriority(chains)).slice(0, slots);
}
