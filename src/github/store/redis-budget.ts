import type { Redis } from 'ioredis';
import type { SharedBudget, SharedBudgetState } from '../client/pacing/write-budget.js';

const HOUR = 3_600_000;

/**
 * An installation's write budget in Redis, for `createWriteBudget({ shared })`:
 * the writes made (a sorted set of `<time>:<count>:<unique>` by time, kept an
 * hour), what each build owes, the builds waiting and the turns held (hashes).
 * Every change is one command, sent without waiting (ioredis keeps them in
 * order on its connection); `load` reads all four in one round trip. A
 * failed write-through is logged: the budget then decides on what it read
 * last, and readiness says the store does not answer.
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
  let unique = 0;
  const send = (sent: Promise<unknown>) => void sent.catch(onError);
  return {
    note(at, count) {
      send(
        redis
          .multi()
          .zadd(writes, at, `${at}:${count}:${process.pid}-${++unique}`)
          .zremrangebyscore(writes, '-inf', at - HOUR)
          .pexpire(writes, HOUR)
          .exec(),
      );
    },
    owe(key, count) {
      send(count > 0 ? redis.hset(owed, key, String(count)) : redis.hdel(owed, key));
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
    wakeElsewhere,
    async load(): Promise<SharedBudgetState> {
      const since = Date.now() - HOUR;
      const answers = await redis
        .multi()
        .zrangebyscore(writes, since, '+inf')
        .hgetall(owed)
        .hgetall(waiters)
        .hgetall(turns)
        .exec();
      if (!answers) throw new Error('the budget read was refused');
      const [made, owing, waiting, held] = answers.map(([error, value]) => {
        if (error) throw error;
        return value;
      }) as [string[], Record<string, string>, Record<string, string>, Record<string, string>];
      return {
        log: made.map((member) => {
          const [at = '0', count = '1'] = member.split(':');
          return [Number(at), Number(count)];
        }),
        owed: numbers(owing),
        waiters: new Map(
          Object.entries(waiting).map(([key, value]) => [
            key,
            JSON.parse(value) as { chain: number; since: number },
          ]),
        ),
        turns: numbers(held),
      };
    },
  };
}

function numbers(hash: Record<string, string>): Map<string, number> {
  return new Map(Object.entries(hash).map(([key, value]) => [key, Number(value)]));
}
