import type { Redis } from 'ioredis';
import { WRITES_PER_STARTED_WORKER } from '../../core/snapshot/estimate.js';
import type { DueWrites } from '../../core/workers/write-forecast.js';
import type {
  SharedBudget,
  SharedBudgetState,
  SharedWaiter,
} from '../client/pacing/shared-budget.js';

const HOUR = 3_600_000;
/** The most writes one build's forecast is read with: a build of hundreds of workers forecasts fewer. */
const FORECAST_MAX = 2_000;

/**
 * An installation's write budget in Redis, for `createWriteBudget({ shared })`:
 * the writes made and the sessions' writes due (a sorted set of
 * `<time>:<count>:<unique>` by time, kept an hour past now), what each build
 * owes (a hash of forecasts, JSON), the builds waiting and the turns held
 * (hashes), and the steady pace's next slot (a sorted set of one member that
 * only a later slot replaces, `ZADD GT`). Every change is one command, sent
 * without waiting (ioredis keeps them in order on its connection); `load`
 * reads all five in one round trip. A failed write-through is logged: the
 * budget then decides on what it read last, and readiness says the store does
 * not answer. What Redis holds is read as anyone who reaches it may have
 * written it: a forecast that is not a list of times and counts is read as none.
 */
export function createRedisBudget({
  redis,
  installation,
  wakeElsewhere,
  onError,
}: {
  redis: Redis;
  /** The throttle id of the installation (`installation-<id>`). */
  installation: string;
  /** Looks at a build now, on whichever replica takes the look. */
  wakeElsewhere: (key: string) => void;
  onError: (error: unknown) => void;
}): SharedBudget {
  const base = `baton:budget:${installation}`;
  const writes = `${base}:writes`;
  const owed = `${base}:owed`;
  const waiters = `${base}:waiters`;
  const turns = `${base}:turns`;
  const pace = `${base}:pace`;
  let unique = 0;
  const send = (sent: Promise<unknown>) => void sent.catch(onError);
  return {
    note(at, count) {
      send(
        redis
          .multi()
          .zadd(writes, at, `${at}:${count}:${process.pid}-${++unique}`)
          .zremrangebyscore(writes, '-inf', Date.now() - HOUR)
          .pexpire(writes, Math.max(at - Date.now(), 0) + HOUR)
          .exec(),
      );
    },
    owe(key, due) {
      send(due.length > 0 ? redis.hset(owed, key, JSON.stringify(due)) : redis.hdel(owed, key));
    },
    wait(key, waiter) {
      send(redis.hset(waiters, key, JSON.stringify(waiter)));
    },
    unwait(key) {
      send(redis.hdel(waiters, key));
    },
    turn(key, until) {
      send(redis.hset(turns, key, String(until)));
    },
    unturn(key) {
      send(redis.hdel(turns, key));
    },
    pace(at) {
      send(redis.multi().zadd(pace, 'GT', at, 'next').pexpire(pace, HOUR).exec());
    },
    wakeElsewhere,
    async load(): Promise<SharedBudgetState> {
      const since = Date.now() - HOUR;
      const answers = await redis
        .multi()
        .zrangebyscore(writes, since, '+inf')
        .hgetall(owed)
        .hgetall(waiters)
        .hgetall(turns)
        .zscore(pace, 'next')
        .exec();
      if (!answers) throw new Error('the budget read was refused');
      const [made, owing, waiting, held, next] = answers.map(([error, value]) => {
        if (error) throw error;
        return value;
      }) as [
        string[],
        Record<string, string>,
        Record<string, string>,
        Record<string, string>,
        string | null,
      ];
      return {
        log: made.map((member) => {
          const [at = '0', count = '1'] = member.split(':');
          return [Number(at), Number(count)];
        }),
        owed: new Map(Object.entries(owing).map(([key, value]) => [key, forecastOf(value)])),
        waiters: new Map(
          Object.entries(waiting).flatMap(([key, value]) => {
            const waiter = waiterOf(value);
            return waiter ? [[key, waiter] as const] : [];
          }),
        ),
        turns: numbers(held),
        pace: Number(next ?? 0) || 0,
      };
    },
  };
}

function numbers(hash: Record<string, string>): Map<string, number> {
  return new Map(Object.entries(hash).map(([key, value]) => [key, Number(value)]));
}

/**
 * A waiting build as Redis holds it: its chain, since when, and its worker's writes (a
 * forecast; a worker's whole share at once if none is read); anything else is no waiter (its
 * build asks again at its next reconcile).
 */
function waiterOf(value: string): SharedWaiter | null {
  const parsed = parsedOf(value) as Partial<Record<keyof SharedWaiter, unknown>> | null;
  const { chain, since } = parsed ?? {};
  if (typeof chain !== 'number' || typeof since !== 'number') return null;
  if (!Number.isFinite(chain) || !Number.isFinite(since)) return null;
  const writes = dueWritesOf(parsed?.writes);
  return {
    chain,
    since,
    writes: writes.length > 0 ? writes : [{ at: 0, count: WRITES_PER_STARTED_WORKER }],
  };
}

/** A build's forecast as Redis holds it; anything but a list of finite times and counts is none. */
function forecastOf(value: string): DueWrites[] {
  return dueWritesOf(parsedOf(value));
}

function parsedOf(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
}

function dueWritesOf(parsed: unknown): DueWrites[] {
  if (!Array.isArray(parsed) || parsed.length > FORECAST_MAX) return [];
  const due: DueWrites[] = [];
  for (const item of parsed) {
    const { at, count } = (item ?? {}) as { at?: unknown; count?: unknown };
    if (typeof at !== 'number' || typeof count !== 'number') return [];
    if (!Number.isFinite(at) || !Number.isFinite(count) || count < 0 || count > FORECAST_MAX)
      return [];
    due.push({ at, count });
  }
  return due;
}
