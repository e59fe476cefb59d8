/**
 * What this process keeps of what it learned from GitHub: caches whose loss
 * costs requests, never correctness (GitHub is the database). Each is made
 * through `remembered`, so that all can be forgotten at once: a test that
 * plays a new GitHub in the same process starts as a new process would.
 */
export interface Forgettable {
  clear(): void;
}

const kept = new Set<Forgettable>();

/** Keeps `memory` among what `forgetAll` clears, and answers it. */
export function remembered<T extends Forgettable>(memory: T): T {
  kept.add(memory);
  return memory;
}

/** Forgets everything this process learned (tests, between simulated GitHubs). */
export function forgetAll(): void {
  for (const memory of kept) memory.clear();
}
