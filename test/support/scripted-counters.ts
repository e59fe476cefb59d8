import type { FakeGitHub } from '../../sim/github/fake-github.js';

/**
 * What a world's scripted sessions have counted so far, per worker (or milestone): how
 * many work attempts worked, reviews gave a verdict, fixes ran, pushes landed, validations
 * ran. A script's answers are asked by these numbers (`SessionScript.review(worker, round)`).
 */
export interface Counters {
  attempts: Map<string, number>;
  reviews: Map<string, number>;
  fixes: Map<string, number>;
  pushes: Map<string, number>;
  validations: Map<string, number>;
}

const counters = new WeakMap<FakeGitHub, Counters>();

/** The counters of one simulated GitHub, started at nothing the first time they are asked for. */
export function countersOf(gh: FakeGitHub): Counters {
  let found = counters.get(gh);
  if (!found) {
    found = {
      attempts: new Map(),
      reviews: new Map(),
      fixes: new Map(),
      pushes: new Map(),
      validations: new Map(),
    };
    counters.set(gh, found);
  }
  return found;
}

/** Counts one more for `key`; answers the new count (from 1). */
export function bump(map: Map<string, number>, key: string): number {
  const next = (map.get(key) ?? 0) + 1;
  map.set(key, next);
  return next;
}
