/** A timer set on a `ManualTimers` clock: when it fires, and what it runs. */
export interface ManualTimer {
  at: number;
  run: () => void;
}

/**
 * A clock in ms and timers that only the test moves: what the status pacer and
 * the write budget take as `clock` and `setTimer`, so a test (or the bench)
 * plays minutes and hours at once.
 */
export interface ManualTimers {
  now(): number;
  /** Sets a timer for `ms` from now; returns what cancels it. */
  setTimer(run: () => void, ms: number): () => void;
  /** The timers set and neither fired nor cancelled. */
  pending(): readonly ManualTimer[];
  /** Moves the clock by `ms` and fires the timers then due. */
  advance(ms: number): void;
}

export function manualTimers(start = 0): ManualTimers {
  let now = start;
  let timers: ManualTimer[] = [];
  return {
    now: () => now,
    setTimer(run, ms) {
      const timer = { at: now + ms, run };
      timers.push(timer);
      return () => {
        timers = timers.filter((t) => t !== timer);
      };
    },
    pending: () => timers,
    advance(ms) {
      now += ms;
      const due = timers.filter((timer) => timer.at <= now);
      timers = timers.filter((timer) => timer.at > now);
      for (const timer of due) timer.run();
    },
  };
}
