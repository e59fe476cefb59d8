/**
 * When each build is looked at again without an event (the work queue's
 * "requeue after"): what the reconcile of a build that just ended leaves for
 * it (`nextLook`: a run under way, a write that failed, a run settling), and
 * looks others ask for sooner (the write budget waking a build). One look per
 * build; a reconcile's own replaces the one set before it began, since that
 * reconcile read everything the earlier look was for.
 *
 * In one process the looks are timers (`createLookSchedule`); with Redis they
 * are kept there, so whichever replica is alive takes a look that falls due
 * (src/github/store/redis-store.ts). Redis keeps a look's build key alone
 * (`owner/repo#build`): the replica that takes it asks GitHub for the rest
 * (the installation, the default branch), since what Redis holds is a hint
 * anyone who reaches it may have written. A look is pacing, not state: a
 * build with no look left is still reconciled by its next event and the
 * periodic resync.
 */

/** A look: how this process reconciles the build it is for. */
export interface Look {
  /** Queues the build's reconcile in this process. */
  again: () => void;
}

/** When a look falls due, and why it is taken. */
export interface LookTime {
  ms: number;
  /** What the build awaits, for the log: `review run 42`, `a write GitHub failed`. */
  why: string;
  /**
   * Work GitHub is finishing, whose completion comes with an event (`nextLook`), rather
   * than a session settling or a failed write, which no event follows.
   */
  awaited?: boolean;
}

export interface PendingLook {
  key: string;
  /** When it falls due (ms, the schedule's clock). */
  at: number;
  why: string;
}

export interface LookSchedule {
  /**
   * What a reconcile of build `key` that just ended leaves: its next look, the soonest of
   * `times` (none: no look), in place of any set before.
   */
  set(key: string, times: LookTime[], look: Look): void;
  /** Build `key` is looked at within `next.ms`: a sooner look already set stands. */
  within(key: string, next: LookTime, look: Look): void;
  /** Stops taking looks (shutdown, tests). */
  stop(): void;
}

/** The looks of one process, which it can list. */
export interface MemoryLookSchedule extends LookSchedule {
  /** The looks set and not yet taken, soonest first. */
  pending(): PendingLook[];
}

/** The soonest of some look times; null when there are none. */
export function soonest(times: LookTime[]): LookTime | null {
  return times.reduce<LookTime | null>(
    (first, time) => (first && first.ms <= time.ms ? first : time),
    null,
  );
}

/** Starts a timer; answers what cancels it. */
export type SetTimer = (run: () => void, ms: number) => () => void;

export const unrefTimer: SetTimer = (run, ms) => {
  const timer = setTimeout(run, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

/**
 * The looks of one process: a timer per build. `takes` may leave some to the
 * events (the conductor's job takes none it would outlive).
 */
export function createLookSchedule({
  clock = Date.now,
  setTimer = unrefTimer,
  takes = () => true,
}: {
  clock?: () => number;
  setTimer?: SetTimer;
  takes?: (next: LookTime) => boolean;
} = {}): MemoryLookSchedule {
  const looks = new Map<string, PendingLook & { cancel: () => void }>();
  const arm = (key: string, { ms, why }: LookTime, look: Look) => {
    looks.get(key)?.cancel();
    const wait = Math.max(0, ms);
    const cancel = setTimer(() => {
      looks.delete(key);
      look.again();
    }, wait);
    looks.set(key, { key, at: clock() + wait, why, cancel });
  };
  return {
    set(key, times, look) {
      looks.get(key)?.cancel();
      looks.delete(key);
      const next = soonest(times.filter(takes));
      if (next) arm(key, next, look);
    },
    within(key, next, look) {
      const set = looks.get(key);
      if ((set && set.at <= clock() + next.ms) || !takes(next)) return;
      arm(key, next, look);
    },
    pending() {
      return [...looks.values()]
        .map(({ key, at, why }) => ({ key, at, why }))
        .sort((a, b) => a.at - b.at);
    },
    stop() {
      for (const { cancel } of looks.values()) cancel();
      looks.clear();
    },
  };
}
