/**
 * When this process last read each build whole, in a reconcile that left no
 * write failed. Any event lost before that reconcile began was read by it, so
 * the periodic resync passes over a build read within half its interval (and
 * looks at one read within two through its runs first: `scheduleResync`): a
 * lost event then heals within one and a half intervals instead of one, and
 * a build that events keep reading costs the resync nothing.
 *
 * Pacing, not state: after a restart nothing is remembered and the resync
 * reads every build, and a replica that did not read a build resyncs it.
 */
export interface RecentReconciles {
  /** Its clock, in ms: a reconcile notes the time it began reading. */
  now(): number;
  /** Build `key` was read whole at `at` (ms), by a reconcile that ended with no write failed. */
  note(key: string, at: number): void;
  /** Whether build `key` was read whole within the last `ms`. */
  readWithin(key: string, ms: number): boolean;
  /** When build `key` was last read whole, if within the hour this remembers. */
  readAt(key: string): number | undefined;
}

/** Builds unread for this long are forgotten, so memory stays flat over many builds. */
const FORGET_AFTER_MS = 3_600_000;

export function createRecentReconciles({
  clock = Date.now,
}: {
  clock?: () => number;
} = {}): RecentReconciles {
  const readAt = new Map<string, number>();
  return {
    now: clock,
    note(key, at) {
      if (at <= (readAt.get(key) ?? Number.NEGATIVE_INFINITY)) return;
      readAt.delete(key); // Map order is oldest read first.
      readAt.set(key, at);
      for (const [old, when] of readAt) {
        if (when >= clock() - FORGET_AFTER_MS) break;
        readAt.delete(old);
      }
    },
    readWithin(key, ms) {
      const at = readAt.get(key);
      return ms > 0 && at !== undefined && clock() - at < ms;
    },
    readAt(key) {
      const at = readAt.get(key);
      return at !== undefined && at >= clock() - FORGET_AFTER_MS ? at : undefined;
    },
  };
}
