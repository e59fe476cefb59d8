/**
 * At most one edit of a build's status comment every `intervalMs`, with a
 * trailing edit guaranteed: an edit that comes too soon is deferred, and a
 * reconcile of the build is scheduled for when the interval is over, which
 * renders the truth as it then is. Edits are content-creating writes, and a
 * busy build changes its status many times a second.
 *
 * This is pacing, not state: a lost timer (a restart) costs a status that is
 * a little behind until the next event or the periodic resync renders it.
 */
export interface StatusPacer {
  /**
   * 0 if the status of `key` may be edited now (the edit is counted); else the
   * ms to wait. `leastMs` lengthens the interval for this ask (a strained write budget).
   */
  admit(key: string, leastMs?: number): number;
  /** Schedules `run` once for `key` after `ms`; a timer already set for `key` stands for it. */
  trail(key: string, ms: number, run: () => void): void;
  /** Stops every trailing timer (shutdown, tests). */
  stop(): void;
}

/** How often a status comment may change, unless `BATON_STATUS_EDIT_SECONDS` says otherwise. */
export const STATUS_EDIT_SECONDS = 5;

/**
 * How often a status comment may change while its installation's write budget
 * is strained (`WriteBudget.strained`: most of the hour's writes made or
 * owed): edits are the writes that can wait, so each build's status then
 * gathers a minute of changes into one edit rather than stopping altogether.
 */
export const STRAINED_STATUS_EDIT_MS = 60_000;

/**
 * How often a status comment may change while a worker's first dispatch waits
 * for room in its installation's hour (`WriteBudget.waiting`): each edit then
 * takes the room a worker needs to start, so a build's status gathers ten
 * minutes of changes into one edit, and never stops following the build.
 */
export const SATURATED_STATUS_EDIT_MS = 10 * 60_000;

export function statusEditSecondsFrom(env: Record<string, string | undefined>): number {
  const value = Number(env.BATON_STATUS_EDIT_SECONDS ?? STATUS_EDIT_SECONDS);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(
      `BATON_STATUS_EDIT_SECONDS must be a number of seconds, 0 or more (0 edits at once), not "${env.BATON_STATUS_EDIT_SECONDS}"`,
    );
  }
  return value;
}

export function createStatusPacer({
  intervalMs,
  clock = Date.now,
  setTimer = (run, ms) => {
    const timer = setTimeout(run, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
}: {
  intervalMs: number;
  clock?: () => number;
  /** Starts a timer; returns what cancels it. */
  setTimer?: (run: () => void, ms: number) => () => void;
}): StatusPacer {
  const lastEdit = new Map<string, number>();
  const timers = new Map<string, () => void>();
  return {
    admit(key, leastMs = 0) {
      const interval = Math.max(intervalMs, leastMs);
      if (interval <= 0) return 0;
      const now = clock();
      const last = lastEdit.get(key);
      if (last !== undefined && now - last < interval) return last + interval - now;
      lastEdit.set(key, now);
      forgetOld(lastEdit, now - Math.max(interval, SATURATED_STATUS_EDIT_MS));
      return 0;
    },
    trail(key, ms, run) {
      if (timers.has(key)) return;
      const cancel = setTimer(() => {
        timers.delete(key);
        run();
      }, ms);
      timers.set(key, cancel);
    },
    stop() {
      for (const cancel of timers.values()) cancel();
      timers.clear();
    },
  };
}

/** Builds not edited within the interval need no entry: memory stays flat over many builds. */
function forgetOld(lastEdit: Map<string, number>, before: number): void {
  if (lastEdit.size < 256) return;
  for (const [key, at] of lastEdit) if (at < before) lastEdit.delete(key);
}
