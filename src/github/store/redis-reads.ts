import type { Redis } from 'ioredis';
import type { SharedReads } from './store.js';

/**
 * Keeps a build's read (ARGV[2], JSON) taken at ARGV[1] for ARGV[3] ms, unless the read kept
 * was taken later; an empty read forgets the one kept, unless it was taken later.
 */
const SAVE = `
local kept = tonumber(redis.call('HGET', KEYS[1], 'at') or '-1')
if kept > tonumber(ARGV[1]) then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) return 1 end
redis.call('HSET', KEYS[1], 'at', ARGV[1], 'read', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/**
 * The replicas' last reads of each build in Redis (a hash of its time and its JSON under
 * `baton:read:<build>`): a delivery that reaches a replica other than the one that last read
 * its build is judged against that read, as in one process, rather than costing a whole read
 * of its own. A save is one command sent without waiting; only a read at least as new
 * replaces the one kept. What is loaded is JSON anyone who reaches Redis may have written:
 * `LastReads` takes in only what has a read's shape (`sharedReadOf`).
 */
export function createRedisReads({
  redis,
  redisMs = (ms) => ms,
  onError,
}: {
  redis: Redis;
  /** A span of this process's clock as Redis times it. */
  redisMs?: (ms: number) => number;
  onError: (error: unknown) => void;
}): SharedReads {
  const keyOf = (build: string) => `baton:read:${build}`;
  return {
    save(build, read, keepMs) {
      const at = read?.at ?? Date.now();
      const json = read ? JSON.stringify(read) : '';
      void redis
        .eval(SAVE, 1, keyOf(build), String(at), json, String(redisMs(keepMs)))
        .catch(onError);
    },
    async load(build) {
      const value = await redis.hget(keyOf(build), 'read');
      try {
        return value === null ? null : (JSON.parse(value) as unknown);
      } catch {
        return null;
      }
    },
  };
}
