import {
  leastMinutesFor,
  WRITE_LIMITS,
  WRITES_PER_STARTED_WORKER,
  type WriteLimits,
} from '../../../core/snapshot/estimate.js';
import { type DueWrites, totalOf } from '../../../core/workers/write-forecast.js';
import type { SharedBudget } from './shared-budget.js';
import { HOUR, peakWindow, peakWith, shifted } from './write-windows.js';

/**
 * One installation's content-creating requests in GitHub's two windows (80 a
 * minute, 500 in any hour: the secondary limits, sliding windows), so that
 * Baton defers what can wait before GitHub answers 403: status comment edits
 * first, then the first dispatch of a worker. Writes Baton owes (merges, the
 * final pull request, reviews and fixes of open pull requests) never wait for
 * the budget.
 *
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits
 *
 * Counted: every write of the app's own client when it is made, and, for each
 * session it dispatches, the writes such a session makes with the app's
 * installation token (`SESSION_WRITES`), when they are due: after the role's
 * typical length. GitHub's answers carry no header for the secondary limits,
 * so the sessions' share is the expected one.
 *
 * Forecast: each build's work under way still owes writes that will not wait
 * (its reviews, merges, its sessions' pull requests and reviews; a fix round
 * once one is certain; room for the next worker of each chain under way), each
 * with when it is expected to land (`forecastWrites`, src/core/workers/write-forecast.ts).
 * What is owed is derived from GitHub, not kept: each pass of a reconcile
 * (`act`) sets its build's forecast from the build it acts on, and a dispatch
 * adds its worker's until the next reconcile sees the run.
 *
 * A first dispatch goes while the writes made, those forecast and everything
 * the new worker sets in motion (`startedWorkerWrites`) stay within
 * `PACE_SHARE` of the limit in every hour its writes fall in, and at a steady
 * pace: first dispatches are spaced by the least time the hour needs for a
 * worker's writes (`leastMinutesFor`), with `PACE_BURST_MS` of them allowed at
 * once, so that the hour's room is spread over the builds' length rather than
 * spent at their start, when the work that follows (a chain's next worker)
 * would find none. A build whose first dispatch waits is woken (`wake`) when a
 * reconcile of any build sees owed writes paid, or, by one timer of the
 * budget's, when the windows and the pace have room: the waiting builds do
 * not poll, each with its own timer and its own read of GitHub, for the same room.
 *
 * Fair between builds: once any build waits, room goes by turns in the queue's order (the
 * longest chain of workers waiting on a build's worker first, then the build that waited
 * longest; one passed over for `PASSED_OVER_MS` before them all), each build judged with its
 * own worker's writes and none before one ahead whose worker does not fit yet. A woken build
 * holds a turn (room for its worker, `TURN_MS` at most) and its place until it dispatches. Any
 * other dispatch goes only on room beyond the turns held and the builds waiting before it.
 *
 * In one process the counts live in its memory (pacing: after a restart GitHub's own 403 and
 * `retry-after` may pace for a while, the resync sets what is owed again). Replicas share them
 * through a `SharedBudget` (Redis, src/github/store/redis-budget.ts): every change is written
 * through, and the whole read back (`sync`) as a reconcile starts and before a first dispatch.
 */
export const GITHUB_WRITE_LIMITS: WriteLimits = WRITE_LIMITS;

/** What may wait, and at which share of a window's budget it starts waiting. */
export type DeferrableWrite = 'status' | 'dispatch';
const DEFER_AT: Record<DeferrableWrite, number> = { status: 0.8, dispatch: 0.9 };

/**
 * The share of the hour's limit a first dispatch keeps the forecast within: a
 * small margin for what the forecast cannot know (a session shorter than its
 * role's typical length lands its writes sooner; a person's command writes).
 */
export const PACE_SHARE = 0.96;

/**
 * How far ahead of the steady pace first dispatches may run: so many minutes'
 * worth of workers start at once, as builds approved together or a wave
 * unlocked by a merge ask, and the pace holds only beyond them.
 */
export const PACE_BURST_MS = 15 * 60_000;

/**
 * The share of the paced hour (`PACE_SHARE` of the limit) the forecast must
 * pass, with the new worker's writes, before the steady pace holds a first
 * dispatch: an installation whose hour has room to spare starts its workers
 * as soon as they may go (a build of twelve workers paced by the hour's share
 * for a worker would wait minutes for nothing).
 */
export const PACE_FROM = 0.5;

const MINUTE = 60_000;
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
  /** The budget's clock, ms. */
  now(): number;
  /** Counts `count` content-creating requests made now, or due at `at` (a session's). */
  note(count?: number, at?: number): void;
  /** Writes made in the last minute and the last hour. */
  used(): { minute: number; hour: number };
  /** Sets the writes build `key`'s work under way still owes, when each is due (`forecastWrites`); none forgets the build. */
  owe(key: string, writes: readonly DueWrites[]): void;
  /** What build `key` owes, in writes; without a key, every build of the installation. */
  owed(key?: string): number;
  /** What build `key` owes, when each is due. */
  forecast(key: string): DueWrites[];
  /**
   * Whether the writes made and those forecast reach, in some hour from now on,
   * the share at which status edits wait (80%): the status pacer then edits each
   * build's status at most once a minute (`STRAINED_STATUS_EDIT_MS`).
   */
  strained(): boolean;
  /**
   * Calls `run` once, when a dispatch would go: build `key` has a first
   * dispatch waiting. Woken when builds pay what they owed, or when the windows
   * and the pace have room (one timer for every waiter; after `OWED_RETRY_MS`
   * at most, when what is owed alone fills the hour). One call per key stands
   * (a later one sets its `chain`; the worker's writes its dispatch last asked room for are
   * the waiter's); waiters are woken in the queue's order (the longest `chain` first: the
   * longest chain of workers waiting on it, itself included; then oldest first; a build
   * waiting `PASSED_OVER_MS` or more before them all), each with a turn, while each one's
   * worker fits (at least one, the retry).
   */
  wake(key: string, run: () => void, chain?: number): void;
  /** Whether a build's first dispatch waits for room (`wake`): status edits then wait ten minutes. */
  waiting(): boolean;
  /** Build `key` made a first dispatch of a worker whose writes are `writes`: its turn, if it held one, is spent, and the pace moves on. */
  dispatched(key: string, writes?: readonly DueWrites[]): void;
  /**
   * Build `key`'s reconcile ended: a turn it did not spend goes to the next waiter. A woken
   * build that `waits` still (the room went before it asked) keeps its place; one that no
   * longer asks waits no more.
   */
  settled(key: string, waits?: boolean): void;
  /** Stops the budget's timer (shutdown, tests). */
  stop(): void;
  /**
   * Reads back what the other replicas sharing the budget wrote (`SharedBudget`); at once
   * for a budget of one process.
   */
  sync(): Promise<void>;
  /**
   * 0 if a write of this kind may go now; else the ms until there is room for
   * it. A dispatch of a worker whose writes are `writes` (`startedWorkerWrites`;
   * unsaid, the last one asked about, or a worker's whole share at once) needs
   * room for them in every hour they fall in, beside the writes made and
   * forecast, and the pace; build `key`'s, when builds wait, its turn or room
   * beyond the turns held and the builds waiting before it.
   */
  waitFor(kind: DeferrableWrite, key?: string, writes?: readonly DueWrites[]): number;
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
  // [time, count], by time, never older than an hour; a session's writes are kept at when they are due.
  const log: Array<[number, number]> = [];
  const owedBy = new Map<string, DueWrites[]>();
  const owedAll = () => [...owedBy.values()].reduce((sum, writes) => sum + totalOf(writes), 0);
  const cap = limits.perHour * PACE_SHARE;
  // The pace's next slot (the theoretical arrival time of a cell rate algorithm).
  let paceAt = 0;
  // A worker's writes as the last dispatch asked, from its dispatch: the shape of the next.
  let shape: DueWrites[] = [{ at: 0, count: WRITES_PER_STARTED_WORKER }];
  const workerAt = (now: number, writes?: readonly DueWrites[]) =>
    writes ? [...writes] : shifted(shape, now);
  // Waiting builds: what wakes each, its most urgent waiting worker's chain, since when it
  // waits, and that worker's writes from 0 (as its dispatch last asked). A woken build stays
  // until it dispatches, or its reconcile ends asking no more (`settled`).
  const waiters = new Map<
    string,
    { run: () => void; chain: number; since: number; writes: DueWrites[] }
  >();
  // What each build's first dispatch last asked room for, from 0: the writes it waits with.
  const asked = new Map<string, DueWrites[]>();
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
  /** Writes made after `from`, up to now. */
  const since = (from: number, now: number) =>
    log.reduce((sum, [at, count]) => (at > from && at <= now ? sum + count : sum), 0);
  /** When the writes made after `from` drop below `allowed`, as the oldest of them leave the window. */
  const roomAt = (now: number, windowMs: number, allowed: number): number => {
    let used = since(now - windowMs, now);
    for (const [at, count] of log) {
      if (used < allowed) break;
      if (at <= now - windowMs || at > now) continue;
      used -= count;
      if (used < allowed) return at + windowMs;
    }
    return now;
  };
  /** Every write made, due or forecast. */
  const points = (): DueWrites[] => [
    ...log.map(([at, count]) => ({ at, count })),
    ...[...owedBy.values()].flat(),
  ];
  /** Whether `workers` (each a worker's writes) fit beside the rest in every hour they fall in. */
  const fits = (workers: readonly DueWrites[]) => peakWith(points(), workers) <= cap;
  /** Whether the hour's forecast with a worker of `writes` passes the share where the pace binds. */
  const paceBinds = (now: number, writes?: readonly DueWrites[]) =>
    peakWith(points(), workerAt(now, writes)) > cap * PACE_FROM;
  /** ms until the pace has a slot for a worker of `writes`; none while the hour has room to spare. */
  const paceWait = (now: number, writes?: readonly DueWrites[]) =>
    paceBinds(now, writes) ? Math.max(0, paceAt - PACE_BURST_MS - now) : 0;
  /** ms until `writes` (a worker's, from now) fit the windows, past the minute's writes made; `OWED_RETRY_MS` past an hour. */
  const windowWait = (now: number, writes: readonly DueWrites[]): number => {
    // What is owed alone leaves no room: looked at again once it may have changed.
    if (peakWith([...owedBy.values()].flat(), writes) > cap) return OWED_RETRY_MS;
    const minute = roomAt(now, MINUTE, Math.floor(limits.perMinute * DEFER_AT.dispatch));
    for (let wait = Math.max(0, minute - now); wait <= HOUR; wait += MINUTE) {
      if (fits(shifted(writes, wait))) return wait;
    }
    return OWED_RETRY_MS;
  };
  // Woken builds' turns: room for one worker each, until they dispatch, settle or the turn expires.
  const turns = new Map<string, number>();
  const roomWait = (kind: DeferrableWrite, writes?: readonly DueWrites[], paced = true) => {
    const now = clock();
    prune(now);
    if (kind === 'status') {
      const share = DEFER_AT.status;
      return (
        Math.max(
          roomAt(now, MINUTE, Math.floor(limits.perMinute * share)),
          roomAt(now, HOUR, Math.floor(limits.perHour * share)),
        ) - now
      );
    }
    const windows = windowWait(now, workerAt(now, writes));
    return paced ? Math.max(windows, paceWait(now, writes)) : windows;
  };
  /** The steady pace between first dispatches: the least time the paced hour needs for a worker's writes. */
  const paceInterval = (writes: readonly DueWrites[] = shape) =>
    Math.max(
      1,
      leastMinutesFor(totalOf(writes), { perMinute: limits.perMinute, perHour: cap }) * MINUTE,
    );
  /** Workers the pace has a slot for now: any number while the hour has room to spare. */
  const paceSlots = (now: number) =>
    paceBinds(now)
      ? Math.max(0, Math.floor((now + PACE_BURST_MS - Math.max(paceAt, now)) / paceInterval()) + 1)
      : Number.POSITIVE_INFINITY;
  /** Build `key`'s waiting worker's writes from now: as its dispatch last asked. */
  const writesOf = (key: string, now: number) =>
    shifted(waiters.get(key)?.writes ?? asked.get(key) ?? shape, now);
  /** How many of `workers` (each a worker's writes from now) fit in the hour and the pace, in turn from the first. */
  const fitting = (now: number, workers: readonly DueWrites[][]) => {
    const most = paceSlots(now);
    const added: DueWrites[] = [];
    let count = 0;
    for (const writes of workers) {
      if (count >= most) break;
      added.push(...writes);
      if (!fits(added)) break;
      count++;
    }
    return count;
  };
  /**
   * The turns held, and the builds waiting without one in the queue's order. A turn that lapsed
   * (its reconcile never ended) is dropped with its build's place: the build asks again at its
   * next reconcile, behind those that waited meanwhile, so none waits on a build that is stuck.
   */
  const lineUp = (now: number) => {
    for (const [key, until] of turns) {
      if (until > now) continue;
      turns.delete(key);
      if (waiters.delete(key)) shared?.unwait(key);
    }
    const waiting = queue()
      .map(([key]) => key)
      .filter((key) => !turns.has(key));
    return { held: [...turns.keys()], waiting };
  };
  /**
   * The waiting builds there is room to wake now: beside the turns held, each with its own
   * worker's writes, in the queue's order; the first whose worker does not fit stops the line,
   * so a build with more to write is not passed by those behind it.
   */
  const wakeable = (now: number) => {
    const { held, waiting } = lineUp(now);
    const room = fitting(
      now,
      [...held, ...waiting].map((key) => writesOf(key, now)),
    );
    return waiting.slice(0, Math.max(0, room - held.length));
  };
  const waitFor = (kind: DeferrableWrite, key?: string, writes?: readonly DueWrites[]): number => {
    const now = clock();
    if (kind === 'dispatch' && writes) {
      shape = shifted(writes, -now);
      if (key !== undefined) asked.set(key, shape);
    }
    // A build's turn is its slot of the pace: it waits only for the windows.
    const turn = key !== undefined && turns.has(key);
    const wait = roomWait(kind, writes, !turn);
    if (wait > 0 || kind !== 'dispatch' || key === undefined) return wait;
    if (turn || (waiters.size === 0 && turns.size === 0)) return 0;
    // Builds take turns: room for the turns held, the builds waiting before this one, and its worker.
    const { held, waiting } = lineUp(now);
    const place = waiting.indexOf(key);
    const line = [...held, ...(place < 0 ? waiting : waiting.slice(0, place))].map((waiter) =>
      writesOf(waiter, now),
    );
    line.push(workerAt(now, writes));
    return fitting(now, line) === line.length ? 0 : Math.max(1, roomWait('dispatch', writes));
  };
  /**
   * Wakes the first waiting builds (`wakeable`), each with a turn (a build holding one is not
   * woken again). `atLeastOne` without room (the retry): the first looks again anyway, what is
   * owed may be stale. A woken build keeps its place until it dispatches: finding no room after
   * all, it is not behind the builds that came after it.
   */
  const wakeWaiters = ({ atLeastOne = false } = {}) => {
    const now = clock();
    const head = lineUp(now).waiting[0];
    if (head === undefined) return;
    const room = roomWait('dispatch', writesOf(head, now)) === 0;
    if (!room && !atLeastOne) return;
    const woken = room ? wakeable(now) : [];
    if (woken.length === 0 && atLeastOne) woken.push(head);
    for (const key of woken) {
      turns.set(key, now + TURN_MS);
      shared?.turn(key, now + TURN_MS);
      waiters.get(key)?.run();
    }
  };
  // One timer for every waiter: when the windows and the pace have room, the first waiters are woken.
  let cancelTimer: (() => void) | null = null;
  /** When a waiter may be woken: room in the windows and the pace for the first, then a turn that ends (or expires). */
  const wakeWait = () => {
    const now = clock();
    const head = lineUp(now).waiting[0];
    if (head !== undefined) {
      const wait = roomWait('dispatch', writesOf(head, now));
      if (wait > 0 || wakeable(now).length > 0) return wait;
    }
    const ends = Math.min(...turns.values());
    return Number.isFinite(ends) ? Math.max(1, ends - now) : OWED_RETRY_MS;
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
  const rearm = () => {
    cancelTimer?.();
    cancelTimer = null;
    armTimer();
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
    paceAt = Math.max(paceAt, state.pace);
    for (const key of waiters.keys()) if (!state.waiters.has(key)) waiters.delete(key);
    for (const [key, { chain, since, writes }] of state.waiters) {
      const run = waiters.get(key)?.run ?? (() => shared.wakeElsewhere(key));
      waiters.set(key, { run, chain, since, writes });
    }
    armTimer();
  };
  return {
    now: clock,
    note(count = 1, at = clock()) {
      prune(clock());
      const index = log.findIndex(([when]) => when > at);
      log.splice(index < 0 ? log.length : index, 0, [at, count]);
      shared?.note(at, count);
    },
    used() {
      const now = clock();
      prune(now);
      return { minute: since(now - MINUTE, now), hour: since(now - HOUR, now) };
    },
    owe(key, writes) {
      const before = owedBy.get(key) ?? [];
      const paid = totalOf(writes) < totalOf(before);
      if (writes.length > 0) owedBy.set(key, [...writes]);
      else owedBy.delete(key);
      if (JSON.stringify(writes) !== JSON.stringify(before)) shared?.owe(key, writes);
      if (paid && waiters.size > 0) {
        wakeWaiters();
        // Room may now come sooner than the timer was set for.
        rearm();
      }
    },
    owed(key) {
      return key === undefined ? owedAll() : totalOf(owedBy.get(key) ?? []);
    },
    forecast(key) {
      return [...(owedBy.get(key) ?? [])];
    },
    strained() {
      const now = clock();
      prune(now);
      return peakWindow(points(), { from: now }) >= limits.perHour * DEFER_AT.status;
    },
    wake(key, run, chain = 1) {
      const waiting = waiters.get(key);
      // A build keeps its place in time; its chain is its most urgent worker's now.
      const since = waiting?.since ?? clock();
      const writes = asked.get(key) ?? waiting?.writes ?? shape;
      waiters.set(key, { run: waiting?.run ?? run, chain, since, writes });
      shared?.wait(key, { chain, since, writes });
      armTimer();
    },
    waiting() {
      return waiters.size > 0;
    },
    dispatched(key, writes) {
      const now = clock();
      // The pace counts the workers it held back for: none while the hour has room to spare.
      if (paceBinds(now, writes)) {
        paceAt = Math.max(paceAt, now) + paceInterval(writes ?? shape);
        shared?.pace(paceAt);
      }
      if (turns.delete(key)) shared?.unturn(key);
      // A build that dispatches waits no more (one woken kept its place until now).
      asked.delete(key);
      if (waiters.delete(key)) shared?.unwait(key);
    },
    settled(key, waits = false) {
      if (!waits) {
        asked.delete(key);
        if (waiters.delete(key)) shared?.unwait(key);
      }
      if (!turns.delete(key)) return;
      shared?.unturn(key);
      if (waiters.size === 0) return;
      wakeWaiters();
      rearm();
    },
    stop() {
      cancelTimer?.();
      cancelTimer = null;
    },
    sync,
    waitFor,
  };
}
