import type { Redis } from 'ioredis';
import { type Look, type LookSchedule, type LookTarget, soonest } from './look-schedule.js';

/** The sorted set of every build's next look (score: when, Redis's clock, ms), and their targets. */
export const LOOKS = 'baton:looks';
export const LOOK_TARGETS = 'baton:look-targets';

/**
 * Sets a build's look `ms` from Redis's clock, in place of its own (`replace` 1)
 * or only if sooner (0), and keeps its target; `ms` -1 forgets the look.
 */
const SET_LOOK = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
if tonumber(ARGV[2]) < 0 then
  redis.call('ZREM', KEYS[1], ARGV[1])
elseif ARGV[3] == '1' then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
else
  redis.call('ZADD', KEYS[1], 'LT', now + tonumber(ARGV[2]), ARGV[1])
end
return 1`;

/** Looks at a build now, if it was ever looked at (its target is kept). */
const LOOK_NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
  redis.call('ZADD', KEYS[1], 'LT', now, ARGV[1])
end
return 1`;

/**
 * Takes the looks due by Redis's clock, at most ARGV[1], each pushed back by
 * ARGV[2] ms rather than removed: a replica that dies before its reconcile
 * leaves the look to another after that long. Answers key, target pairs.
 */
const TAKE_DUE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
local taken = {}
for _, key in ipairs(due) do
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), key)
  table.insert(taken, key)
  table.insert(taken, redis.call('HGET', KEYS[2], key) or '')
end
return taken`;

export interface RedisLooks extends LookSchedule {
  /** Looks at build `key` now, on whichever replica takes it (a waiter another replica woke). */
  now(key: string): void;
  /** Starts taking due looks every `pollMs`, each handed to `run`. */
  start(run: (target: LookTarget) => void): void;
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
  const send = (key: string, ms: number, replace: boolean, target: LookTarget | null) =>
    void redis
      .eval(
        SET_LOOK,
        2,
        LOOKS,
        LOOK_TARGETS,
        key,
        String(ms < 0 ? -1 : Math.round(redisMs(ms))),
        replace ? '1' : '0',
        JSON.stringify(target),
      )
      .catch(onError);
  return {
    set(key, times, look) {
      const next = soonest(times);
      send(key, next ? next.ms : -1, true, look.target);
    },
    within(key, next, look: Look) {
      send(key, next.ms, false, look.target);
    },
    now(key) {
      void redis.eval(LOOK_NOW, 2, LOOKS, LOOK_TARGETS, key).catch(onError);
    },
    start(run) {
      if (timer) return;
      let taking = false;
      timer = setInterval(() => {
        if (taking) return;
        taking = true;
        void (
          redis.eval(TAKE_DUE, 2, LOOKS, LOOK_TARGETS, '20', String(redisMs(leaseMs))) as Promise<
            string[]
          >
        )
          .then((taken) => {
            for (let i = 0; i + 1 < taken.length; i += 2) {
              const target = parseTarget(taken[i + 1] ?? '');
              if (target) run(target);
            }
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

function parseTarget(text: string): LookTarget | null {
  try {
    const target = JSON.parse(text) as LookTarget | null;
    return target && typeof target.build === 'string' ? target : null;
  } catch {
    return null;
  }
}
