import { availableParallelism, loadavg } from 'node:os';

/**
 * The limits of the whole builds' waits, counted in the time the machine gave
 * them rather than on the wall. A build on two cores beside three others and a
 * CPU-bound job (a load of 20) runs ten times slower than alone, and a limit on
 * the wall that holds for one is a coin toss for the other; a hung build, on a
 * machine with nothing else to do, runs out as soon as it would alone.
 *
 * A clock here moves by the wall time that passed times the share of a core a
 * runnable process was given meanwhile: the cores over the load (the run queue
 * of the last minute, `os.loadavg`), at most 1 and at least `1 / MOST_STRETCH`.
 * A wait reads it at each look, so the shares of its minutes add up.
 */

/** How many times its length a limit stretches at most, on the wall, on a loaded machine. */
export const MOST_STRETCH = 12;

/** What the machine gives a runnable process: `cores` over `load`, at most 1. */
export interface MachineLoad {
  cores: number;
  /** The run queue's length, the last minute's average. */
  load: number;
}

/** The machine's load now. */
export function machineLoad(): MachineLoad {
  return { cores: availableParallelism(), load: loadavg()[0] ?? 0 };
}

/** The share of a core a runnable process gets, between `1 / MOST_STRETCH` and 1. */
export function shareOf({ cores, load }: MachineLoad): number {
  return Math.min(1, Math.max(1 / MOST_STRETCH, load > cores ? cores / load : 1));
}

/** A limit on a wait, in the machine's time; every wait of one stage or one build may share it. */
export interface MachineLimit {
  /** The limit, in milliseconds of the machine's time. */
  readonly limitMs: number;
  /** Whether it has run out (reading the clock). */
  ranOut(): boolean;
  /** The limit as it stands, for a message: the machine's time, the wall's, the load. */
  spent(): string;
  /** What ran out, for a failure's message: `what`, then `spent()`. */
  told(what: string): string;
}

/**
 * A limit of `limitMs` of the machine's time from now. `now` and `load` are
 * for a test: the wall in milliseconds, and the machine's load.
 */
export function machineLimit(
  limitMs: number,
  {
    now = () => performance.now(),
    load = machineLoad,
  }: { now?: () => number; load?: () => MachineLoad } = {},
): MachineLimit {
  const started = now();
  let last = started;
  let given = 0;
  let lastLoad = load();
  const read = (): number => {
    const at = now();
    lastLoad = load();
    given += (at - last) * shareOf(lastLoad);
    last = at;
    return given;
  };
  const spent = () => {
    const wall = Math.round((last - started) / 1000);
    return `${Math.round(limitMs / 1000)} s of the machine's time (${wall} s on the wall, at a load of ${lastLoad.load.toFixed(1)} on ${lastLoad.cores} cores)`;
  };
  return {
    limitMs,
    ranOut: () => read() >= limitMs,
    spent,
    told: (what) => `${what}: ran out of ${spent()}`,
  };
}

/**
 * The wall time a test runner's own limit (a test's, a hook's) gives what waits
 * within `limitMs` of the machine's time: it outlasts the most that limit
 * stretches to, so it is only a guard against a wait that never looks again.
 */
export function wallCeiling(limitMs: number): number {
  return limitMs * MOST_STRETCH + 60_000;
}

/**
 * Looks at `check` every `lookMs` until it answers something (truthy), within `limit` of the machine's time (or a limit it
 * shares); when that runs out, rejects naming `what`, with `more()` after.
 */
export async function pollWithin<T>({
  what,
  limit,
  check,
  lookMs = 100,
  more,
}: {
  what: string;
  limit: number | MachineLimit;
  check: () => T | null | undefined | false | Promise<T | null | undefined | false>;
  lookMs?: number;
  more?: () => string;
}): Promise<T> {
  const shared = typeof limit === 'number' ? machineLimit(limit) : limit;
  for (;;) {
    const found = await check();
    if (found) return found;
    if (shared.ranOut()) {
      const told = shared.told(`waiting for ${what}`);
      throw new Error(more ? `${told}\n${more()}` : told);
    }
    await new Promise((resolve) => setTimeout(resolve, lookMs));
  }
}

/**
 * Waits for `promise` within `limitMs` of the machine's time (or a limit it
 * shares with other stages), rejecting with a message naming `what` ran out.
 * It looks at the clock every `lookMs`; its timer keeps no process alive.
 */
export async function withinMachineTime<T>(
  what: string,
  limit: number | MachineLimit,
  promise: Promise<T>,
  lookMs = 250,
): Promise<T> {
  const shared = typeof limit === 'number' ? machineLimit(limit) : limit;
  let timer: ReturnType<typeof setInterval> | undefined;
  const ranOut = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      if (shared.ranOut()) reject(new Error(shared.told(`waiting for ${what}`)));
    }, lookMs);
    timer.unref();
  });
  try {
    return await Promise.race([promise, ranOut]);
  } finally {
    clearInterval(timer);
  }
}
