import type { Redis } from 'ioredis';
import type { LookSchedule } from './look-schedule.js';
import { soonest } from './look-schedule.js';

/**
 * The sorted set of every build's next look (score: when, Redis's clock, ms), and the set
 * of builds ever looked at: build keys (`owner/repo#build`) and nothing else. Whoever
 * reaches Redis can write them, so a key is a hint: the replica that takes a look asks
 * GitHub for everything else (src/index.ts, `lookAt`).
 */
export const LOOKS = 'baton:looks';
export const LOOKED = 'baton:looked';
/** The builds whose look is a wake (`now`): a waiting dispatch the write budget has room for. */
export const WOKEN = 'baton:woken';

/**
 * Sets a build's look `ms` from Redis's clock, in place of its own (`replace` 1)
 * or only if sooner (0), and notes the build as looked at; `ms` -1 forgets the look.
 */
const SET_LOOK = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('SADD', KEYS[2], ARGV[1])
if tonumber(ARGV[2]) < 0 then
  redis.call('ZREM', KEYS[1], ARGV[1])
elseif ARGV[3] == '1' then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
else
  redis.call('ZADD', KEYS[1], 'LT', now + tonumber(ARGV[2]), ARGV[1])
end
return 1`;

/** Looks at a build now, if it was ever looked at, and notes the look as a wake. */
const LOOK_NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then
  redis.call('ZADD', KEYS[1], 'LT', now, ARGV[1])
  redis.call('SADD', KEYS[3], ARGV[1])
end
return 1`;

/**
 * Takes the looks due by Redis's clock, at most ARGV[1], each pushed back by
 * ARGV[2] ms rather than removed: a replica that dies before its reconcile
 * leaves the look to another after that long. Answers their keys, each
 * followed by 1 if the look was a wake (taken off the set of wakes), else 0.
 */
const TAKE_DUE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
local taken = {}
for _, key in ipairs(due) do
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), key)
  table.insert(taken, key)
  table.insert(taken, tostring(redis.call('SREM', KEYS[3], key)))
end
return taken`;

export interface RedisLooks extends LookSchedule {
  /** Looks at build `key` now, on whichever replica takes it (a waiter another replica woke): a wake. */
  now(key: string): void;
  /** Starts taking due looks every `pollMs`, each build's key handed to `run`, and whether it is a wake. */
  start(run: (key: string, woken: boolean) => void): void;
}

/**
 * The looks of every replica, in Redis: any replica alive takes one that falls
 * due (`TAKE_DUE`), so a build whose replica died is looked at by another.
 */
export function createRedisLooks({
  redis,
  pollMs,
  leaseMs,
  redisMs = (ms) => ms,
  onError,
}: {
  redis: Redis;
  pollMs: number;
  /** How long a taken look waits before another replica may take it again. */
  leaseMs: number;
  /** A span of this process's clock as Redis times it (`clockRate` of the store). */
  redisMs?: (ms: number) => number;
  onError: (error: unknown) => void;
}): RedisLooks {
  let timer: ReturnType<typeof setInterval> | null = null;
  const send = (key: string, ms: number, replace: boolean) =>
    void redis
      .eval(
        SET_LOOK,
        2,
        LOOKS,
        LOOKED,
        key,
        String(ms < 0 ? -1 : Math.round(redisMs(ms))),
        replace ? '1' : '0',
      )
      .catch(onError);
  return {
    set(key, times) {
      const next = soonest(times);
      send(key, next ? next.ms : -1, true);
    },
    within(key, next) {
      send(key, next.ms, false);
    },
    now(key) {
      void redis.eval(LOOK_NOW, 3, LOOKS, LOOKED, WOKEN, key).catch(onError);
    },
    start(run) {
      if (timer) return;
      let taking = false;
      timer = setInterval(() => {
        if (taking) return;
        taking = true;
        void (
          redis.eval(TAKE_DUE, 3, LOOKS, LOOKED, WOKEN, '20', String(redisMs(leaseMs))) as Promise<
            string[]
          >
        )
          .then((taken) => {
            for (let i = 0; i + 1 < taken.length; i += 2) run(taken[i] ?? '', taken[i + 1] === '1');
          })
          .catch(onError)
          .finally(() => {
            taking = false;
          });
      }, pollMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
