/** The logger a task's lines go to (the reconcile's, with its delivery and build). */
export interface TaskLog {
  error(details: object, message: string): void;
}

/**
 * Runs reconciles one build at a time per process, and coalesces: while one
 * runs, at most one more waits, and it will observe the latest truth anyway.
 * This is scheduling, not state: a lost queue loses nothing (docs/design-notes.md, "State without a store").
 */
export class BuildQueue {
  readonly #running = new Map<string, Promise<void>>();
  readonly #waiting = new Map<string, Promise<void>>();
  readonly #onError: (error: unknown, key: string, log?: TaskLog) => void;
  readonly #onSettled:
    | ((settled: { key: string; ms: number; failed: boolean }) => void)
    | undefined;

  /** `onSettled` hears of every task that ended, how long it took and whether it threw (metrics). */
  constructor(
    onError: (error: unknown, key: string, log?: TaskLog) => void,
    onSettled?: (settled: { key: string; ms: number; failed: boolean }) => void,
  ) {
    this.#onError = onError;
    this.#onSettled = onSettled;
  }

  /**
   * Queues `task` for `key`; a task already waiting for that key stands for it.
   * `log`, when given, is handed to `onError` if the task fails.
   */
  enqueue(key: string, task: () => Promise<void>, log?: TaskLog): Promise<void> {
    const waiting = this.#waiting.get(key);
    if (waiting) return waiting;
    const before = this.#running.get(key) ?? Promise.resolve();
    const next = before.then(async () => {
      this.#waiting.delete(key);
      this.#running.set(key, next);
      const started = Date.now();
      let failed = false;
      try {
        await task();
      } catch (error) {
        failed = true;
        this.#onError(error, key, log);
      } finally {
        this.#onSettled?.({ key, ms: Date.now() - started, failed });
        if (this.#running.get(key) === next) this.#running.delete(key);
      }
    });
    this.#waiting.set(key, next);
    return next;
  }

  /** Whether a task for `key` runs or waits. */
  busy(key: string): boolean {
    return this.#running.has(key) || this.#waiting.has(key);
  }

  /** Resolves once nothing is running or waiting. */
  async idle(): Promise<void> {
    while (this.#running.size > 0 || this.#waiting.size > 0) {
      await Promise.all([...this.#running.values(), ...this.#waiting.values()]);
    }
  }
}
