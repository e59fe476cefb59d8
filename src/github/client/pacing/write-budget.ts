import type { SessionRole } from '../../../core/sessions/session.js';
import { WRITES_PER_STARTED_WORKER } from '../../../core/snapshot/estimate.js';

/**
 * One installation's content-creating requests in GitHub's two windows (80 a
 * minute, 500 an hour: the secondary limits), so that Baton defers what can
 * wait before GitHub answers 403: status comment edits first, then the first
 * dispatch of a worker. Writes Baton owes (merges, the final pull request,
 * reviews and fixes of open pull requests) never wait for the budget.
 *
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits
 *
 * Counted: every write of the app's own client, and, for each session it
 * dispatches, the writes such a session makes with the app's installation
 * token (`SESSION_WRITES`). GitHub's answers carry no header for the
 * secondary limits, so the sessions' share is the expected one.
 *
 * Owed: a worker under way still owes writes that will not wait (its review,
 * merge, its sessions' pull request and review; a fix round once one is
 * certain), so a first dispatch goes only when the hour can hold what is
 * made, what is owed and everything the new worker sets in motion
 * (`WRITES_PER_STARTED_WORKER`); a build also holds room for the next worker
 * of each of its chains under way (`writesOwed`).
 * What is owed is derived from GitHub, not kept: each pass of a reconcile
 * (`act`) sets its build's figure from the build it acts on (`writesOwed`,
 * src/core/snapshot/estimate.ts), and
 * a dispatch adds its worker's share until the next reconcile sees the run.
 * A build whose first dispatch waits is woken (`wake`) when a reconcile of
 * any build sees owed writes paid, or, by one timer of the budget's, when
 * made writes leave the hour: the waiting builds do not poll, each with its
 * own timer and its own read of GitHub, for the same room.
 *
 * Fair between builds: once any build waits, room goes by turns. The builds
 * that wait are woken by their most urgent waiting worker (the longest chain
 * of workers waiting on it first, then the build that has waited longest; a
 * build passed over for `PASSED_OVER_MS` goes first), as many as the hour has
 * room for a worker each, and each holds a turn (room for one worker,
 * `TURN_MS` at most) until its reconcile dispatches or ends. Any other
 * dispatch goes only on room
 * beyond the turns held and the builds waiting before it, so a build whose own
 * events keep it reconciling takes no room from those waiting, and waits at
 * the back with one worker a turn. No build waits behind the others' whole
 * queues of workers: each gets a worker a round.
 *
 * In one process the counts live in its memory: it is pacing, and after a
 * restart the writes made start from nothing (the resync sets the owed ones
 * again), which at worst lets GitHub's own 403 and `retry-after` (the throttle
 * waits and retries) do the pacing for a while. Replicas share them through
 * a `SharedBudget` (Redis, src/github/store/redis-budget.ts): every change is
 * written through, and the budget reads the installation's whole state back
 * (`sync`) before it decides: as a reconcile starts and before a first dispatch.
 */
export interface WriteLimits {
  perMinute: number;
  perHour: number;
}

export const GITHUB_WRITE_LIMITS: WriteLimits = { perMinute: 80, perHour: 500 };

/** What may wait, and at which share of a window's budget it starts waiting. */
export type DeferrableWrite = 'status' | 'dispatch';
const DEFER_AT: Record<DeferrableWrite, number> = { status: 0.8, dispatch: 0.9 };

/**
 * API writes a session of each role makes as the app (src/session/publish):
 * a work, contract or fix session opens or updates its PR, a review posts one review, a
 * synthesis one comment on the issue, a learn session its lessons' pull request. Pushes (a validation's record and fix workers too) (plans, findings, summaries,
 * usage and adaptation records) are git, not API requests. Every role is
 * named, so a new role must say what it writes.
 */
export const SESSION_WRITES: Record<SessionRole, number> = {
  plan: 0,
  work: 1,
  contract: 1,
  fix: 1,
  review: 1,
  research: 0,
  summary: 0,
  synthesis: 1,
  validate: 0,
  learn: 1,
};

const MINUTE = 60_000;
const HOUR = 3_600_000;
/**
 * A dispatch that waits while what is owed alone fills the hour's share is
 * made when builds pay some of it (`wake`); if none does, the budget's timer
 * wakes the first waiter after this long (the periodic resync's interval).
 */
export const OWED_RETRY_MS = 10 * MINUTE;
/** How long a woken build's turn holds room for its worker, if its reconcile never says it ended. */
export const TURN_MS = 2 * MINUTE;
/**
 * How long a waiting build may be passed over by builds whose waiting worker
 * heads a longer chain: past it, the builds that have waited so long go
 * first, oldest first. A plan is the model's text, approved in one
 * repository: its chains must not keep another repository's builds of the
 * installation waiting for good.
 */
export const PASSED_OVER_MS = 30 * MINUTE;

export interface WriteBudget {
  /** Counts `count` content-creating requests made now. */
  note(count?: number): void;
  /** Writes in the last minute and the last hour. */
  used(): { minute: number; hour: number };
  /** Sets the writes build `key`'s work under way still owes (`writesOwed`); 0 forgets the build. */
  owe(key: string, writes: number): void;
  /** What build `key` owes; without a key, every build of the installation. */
  owed(key?: string): number;
  /**
   * Whether the writes made in the last hour and those owed reach the share at
   * which status edits wait (80%): the status pacer then edits each build's
   * status at most once a minute (`STRAINED_STATUS_EDIT_MS`).
   */
  strained(): boolean;
  /**
   * Calls `run` once, when a dispatch would go: build `key` has a first
   * dispatch waiting. Woken when builds pay what they owed, or when made
   * writes leave the windows (one timer for every waiter; after
   * `OWED_RETRY_MS` at most, when what is owed alone fills the hour). One
   * call per key stands (a later one sets its `chain`); waiters are woken
   * the longest `chain` first (the most urgent waiting worker: the longest
   * chain of workers waiting on it, itself included), then oldest first, as
   * many as the hour has room for a worker each (at least one), each with a
   * turn; a build waiting `PASSED_OVER_MS` or more goes before them all.
   */
  wake(key: string, run: () => void, chain?: number): void;
  /** Whether a build's first dispatch waits for room (`wake`): status edits then wait ten minutes. */
  waiting(): boolean;
  /** Build `key` made a first dispatch: its turn, if it held one, is spent. */
  dispatched(key: string): void;
  /** Build `key`'s reconcile ended: a turn it did not spend goes to the next waiter. */
  settled(key: string): void;
  /** Stops the budget's timer (shutdown, tests). */
  stop(): void;
  /**
   * Reads back what the other replicas sharing the budget wrote (`SharedBudget`); at once
   * for a budget of one process.
   */
  sync(): Promise<void>;
  /**
   * 0 if a write of this kind may go now; else the ms until both windows have
   * room for it. A dispatch needs room in the hour for the writes made, those
   * owed and `WRITES_PER_STARTED_WORKER`; build `key`'s, when builds wait,
   * its turn or room beyond the turns held and the builds waiting before it.
   */
  waitFor(kind: DeferrableWrite, key?: string): number;
}

/** An installation's budget as replicas share it: what each change writes, and the whole read back. */
export interface SharedBudget {
  note(at: number, count: number): void;
  owe(key: string, writes: number): void;
  wait(key: string, waiter: { chain: number; since: number }): void;
  unwait(key: string): void;
  turn(key: string, until: number): void;
  unturn(key: string): void;
  /** Wakes a build that waits on another replica (it is looked at now, wherever). */
  wakeElsewhere(key: string): void;
  load(): Promise<SharedBudgetState>;
}

export interface SharedBudgetState {
  /** [time, count], oldest first, within the hour. */
  log: Array<[number, number]>;
  owed: Map<string, number>;
  waiters: Map<string, { chain: number; since: number }>;
  turns: Map<string, number>;
}

export function createWriteBudget({
  limits = GITHUB_WRITE_LIMITS,
  clock = Date.now,
  setTimer = (run, ms) => {
    const timer = setTimeout(run, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
  shared,
}: {
  limits?: WriteLimits;
  clock?: () => number;
  /** Starts a timer; returns what cancels it. */
  setTimer?: (run: () => void, ms: number) => () => void;
  /** Where replicas share the budget; none: this process's alone. */
  shared?: SharedBudget;
} = {}): WriteBudget {
  // [time, count], oldest first, never older than an hour.
  const log: Array<[number, number]> = [];
  const owedBy = new Map<string, number>();
  const owedAll = () => [...owedBy.values()].reduce((sum, writes) => sum + writes, 0);
  // Waiting builds: what wakes each, its most urgent waiting worker's chain, and since when it waits.
  const waiters = new Map<string, { run: () => void; chain: number; since: number }>();
  /**
   * The waiting builds in the order they get room: those waiting `PASSED_OVER_MS` or
   * more first, oldest first; then the longest chain first, then the oldest.
   */
  const queue = () => {
    const overdue = clock() - PASSED_OVER_MS;
    return [...waiters].sort(
      ([, a], [, b]) =>
        Number(b.since <= overdue) - Number(a.since <= overdue) ||
        (a.since <= overdue ? 0 : b.chain - a.chain) ||
        a.since - b.since,
    );
  };
  const prune = (now: number) => {
    while (log.length > 0 && (log[0]?.[0] ?? 0) <= now - HOUR) log.shift();
  };
  const since = (from: number) =>
    log.reduce((sum, [at, count]) => (at > from ? sum + count : sum), 0);
  /** When the writes after `from` drop below `allowed`, as the oldest of them leave the window. */
  const roomAt = (now: number, windowMs: number, allowed: number): number => {
    let used = since(now - windowMs);
    for (const [at, count] of log) {
      if (used < allowed) break;
      if (at <= now - windowMs) continue;
      used -= count;
      if (used < allowed) return at + windowMs;
    }
    return now;
  };
  // Woken builds' turns: room for one worker each, until they dispatch, settle or the turn expires.
  const turns = new Map<string, number>();
  const roomWait = (kind: DeferrableWrite): number => {
    const now = clock();
    prune(now);
    const share = DEFER_AT[kind];
    const held = kind === 'dispatch' ? owedAll() + WRITES_PER_STARTED_WORKER : 0;
    const hourAllowed = Math.floor(limits.perHour * share - held);
    if (hourAllowed <= 0) return OWED_RETRY_MS;
    // When made writes leave the windows; owed ones paid sooner wake the build (`wake`).
    return (
      Math.max(
        roomAt(now, MINUTE, Math.floor(limits.perMinute * share)),
        roomAt(now, HOUR, hourAllowed),
      ) - now
    );
  };
  /** Workers the hour has room to start, past the turns held. */
  const freeWorkers = () => {
    const now = clock();
    for (const [key, until] of turns) if (until <= now) turns.delete(key);
    const room = limits.perHour * DEFER_AT.dispatch - since(now - HOUR) - owedAll();
    return Math.floor(room / WRITES_PER_STARTED_WORKER) - turns.size;
  };
  /** Waiting builds before `key` in the queue: all of them when it is not waiting. */
  const ahead = (key: string) => {
    let count = 0;
    for (const [waiter] of queue()) {
      if (waiter === key) break;
      count++;
    }
    return count;
  };
  const waitFor = (kind: DeferrableWrite, key?: string): number => {
    const wait = roomWait(kind);
    if (wait > 0 || kind !== 'dispatch' || key === undefined) return wait;
    if (turns.has(key) || (waiters.size === 0 && turns.size === 0)) return 0;
    // Builds take turns: room beyond the turns held and those waiting before this one, or its turn.
    return freeWorkers() > ahead(key) ? 0 : Math.max(1, roomWait('dispatch'));
  };
  /** Wakes the first waiting builds (`queue`), as many as the hour now has room for a worker each, each with a turn. */
  const wakeWaiters = ({ atLeastOne = false } = {}) => {
    if (roomWait('dispatch') > 0 && !atLeastOne) return;
    let count = Math.max(atLeastOne ? 1 : 0, freeWorkers());
    for (const [key, { run }] of queue()) {
      if (count-- <= 0) break;
      waiters.delete(key);
      turns.set(key, clock() + TURN_MS);
      shared?.unwait(key);
      shared?.turn(key, clock() + TURN_MS);
      run();
    }
  };
  // One timer for every waiter: when made writes leave the windows, the first waiters are woken.
  let cancelTimer: (() => void) | null = null;
  /** When a waiter may be woken: room in the windows, then a turn that ends (or expires). */
  const wakeWait = () => {
    const wait = roomWait('dispatch');
    if (wait > 0 || freeWorkers() > 0) return wait;
    const ends = Math.min(...turns.values());
    return Number.isFinite(ends) ? Math.max(1, ends - clock()) : OWED_RETRY_MS;
  };
  const armTimer = () => {
    if (cancelTimer || waiters.size === 0) return;
    const wait = wakeWait();
    cancelTimer = setTimer(
      () => {
        cancelTimer = null;
        // Past the retry, one waiter looks again even without room (what is owed may be stale).
        const fire = () => {
          wakeWaiters({ atLeastOne: wait >= OWED_RETRY_MS });
          armTimer();
        };
        // Shared, the installation's state is read back first; alone, the waiters are woken at once.
        if (shared) void sync().then(fire);
        else fire();
      },
      Math.max(wait, 1),
    );
  };
  /** Takes in the state the replicas share: a waiter of another replica is woken there. */
  const sync = async () => {
    if (!shared) return;
    const state = await shared.load().catch(() => null);
    if (!state) return;
    log.splice(0, log.length, ...state.log);
    owedBy.clear();
    for (const [key, writes] of state.owed) owedBy.set(key, writes);
    turns.clear();
    for (const [key, until] of state.turns) turns.set(key, until);
    for (const key of waiters.keys()) if (!state.waiters.has(key)) waiters.delete(key);
    for (const [key, { chain, since }] of state.waiters) {
      const run = waiters.get(key)?.run ?? (() => shared.wakeElsewhere(key));
      waiters.set(key, { run, chain, since });
    }
    armTimer();
  };
  return {
    note(count = 1) {
      const now = clock();
      prune(now);
      log.push([now, count]);
      shared?.note(now, count);
    },
    used() {
      const now = clock();
      prune(now);
      return { minute: since(now - MINUTE), hour: since(now - HOUR) };
    },
    owe(key, writes) {
      const before = owedBy.get(key) ?? 0;
      if (writes > 0) owedBy.set(key, writes);
      else owedBy.delete(key);
      if (writes !== before) shared?.owe(key, writes);
      if (writes < before && waiters.size > 0) {
        wakeWaiters();
        // Room may now come sooner than the timer was set for.
        cancelTimer?.();
        cancelTimer = null;
        armTimer();
      }
    },
    owed(key) {
      return key === undefined ? owedAll() : (owedBy.get(key) ?? 0);
    },
    strained() {
      const now = clock();
      prune(now);
      return since(now - HOUR) + owedAll() >= limits.perHour * DEFER_AT.status;
    },
    wake(key, run, chain = 1) {
      const waiting = waiters.get(key);
      // A build keeps its place in time; its chain is its most urgent worker's now.
      const since = waiting?.since ?? clock();
      waiters.set(key, { run: waiting?.run ?? run, chain, since });
      shared?.wait(key, { chain, since });
      armTimer();
    },
    waiting() {
      return waiters.size > 0;
    },
    dispatched(key) {
      if (turns.delete(key)) shared?.unturn(key);
    },
    settled(key) {
      if (!turns.delete(key)) return;
      shared?.unturn(key);
      if (waiters.size === 0) return;
      wakeWaiters();
      cancelTimer?.();
      cancelTimer = null;
      armTimer();
    },
    stop() {
      cancelTimer?.();
      cancelTimer = null;
    },
    sync,
    waitFor,
  };
}
