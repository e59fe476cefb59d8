import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createPacerRegistry } from '../client/pacing/pace-requests.js';
import type { PaceRules } from '../client/pacing/request-pacer.js';
import { createWriteBudget } from '../client/pacing/write-budget.js';
import { createRedisBudget } from './redis-budget.js';
import { createRedisLooks } from './redis-looks.js';
import { createRedisPacing } from './redis-pacing.js';
import { createRedisReads } from './redis-reads.js';
import type { BatonStore, BuildHold } from './store.js';

/** How long a replica holds a build, a look it took, or the lead, unless it renews them. */
export const LEASE_MS = 30_000;
/**
 * How many leases one reconcile may hold its build (five minutes at the default lease): a
 * reconcile paced by GitHub's limits takes seconds, and one that hangs (a promise that never
 * settles) must not hold its build from every replica for as long as its process lives.
 */
const MAX_HOLD_LEASES = 10;
/** How long a command may wait for Redis before it fails. */
const COMMAND_TIMEOUT_MS = 2_000;
/** How long a handled delivery's id is kept: GitHub's duplicates come within it. */
const DELIVERY_MS = 24 * 3_600_000;

/** Lets a lease go, if still this replica's. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;
/**
 * Renews a lease this replica holds (1), or takes it when free (2: it lapsed meanwhile, and
 * another may have held it in between); 0 when another replica holds it.
 */
const RENEW = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 2 end
return 0`;

export interface RedisStoreOptions {
  /** `REDIS_URL`: `redis://[user:password@]host:port[/db]` or `rediss://…`. */
  url: string;
  /** `REDIS_PASSWORD`: the password, where the URL carries none (a password in the URL wins). */
  password?: string;
  rules: PaceRules;
  leaseMs?: number;
  /** How often each replica looks for due looks. */
  pollMs?: number;
  /**
   * How many milliseconds of this process's clock pass in one of Redis's: 1 (the default) but
   * in a simulation whose app runs on a faster clock (bench/fast-clock.mjs), where the
   * leases and looks Redis times must pass as fast as the app's own, and the waits that
   * stand for Redis's answering (a command's time-out, Bottleneck's heartbeat) must not.
   */
  clockRate?: number;
  log: { error(details: object, message: string): void };
  /** How long one reconcile may hold its build; default `MAX_HOLD_LEASES` leases. */
  maxHoldMs?: number;
}

/**
 * The store of replicas that share one Redis (or Valkey): what `BatonStore`
 * names, each in a few keys under `baton:`. A command Redis does not answer
 * within `COMMAND_TIMEOUT_MS` (or after one reconnection) fails: a reconcile
 * then fails before it writes anything rather than pace on counts it cannot
 * read, `/readyz` says why, and the build's looks, kept in Redis, resume once
 * it answers.
 */
export function createRedisStore({
  url,
  password,
  rules,
  leaseMs = LEASE_MS,
  pollMs = 250,
  clockRate = 1,
  log,
  maxHoldMs = MAX_HOLD_LEASES * leaseMs,
}: RedisStoreOptions): BatonStore {
  /** A span of this process's clock as Redis times it (`clockRate`). */
  const redisMs = (ms: number) => Math.max(1, Math.round(ms / clockRate));
  // Its own timers run on this process's clock: the command's wait is Redis's 2 s.
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    commandTimeout: COMMAND_TIMEOUT_MS * clockRate,
    ...(password ? { password } : {}),
  });
  const me = `${process.pid}-${randomUUID()}`;
  let lastError = '';
  const onError = (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    if (message !== lastError)
      log.error({ err: error }, `baton: the store at REDIS_URL failed: ${message}`);
    lastError = message;
  };
  redis.on('error', onError);
  redis.on('ready', () => {
    lastError = '';
  });
  const looks = createRedisLooks({ redis, pollMs, leaseMs, redisMs, onError });
  const pacing = createRedisPacing({ redis, rules, clockRate });
  const registry = createPacerRegistry(rules, {
    take: (id, kind) => pacing.take(id, kind),
    makeBudget: (installation) =>
      createWriteBudget({
        shared: createRedisBudget({
          redis,
          installation,
          wakeElsewhere: (key) => looks.now(key),
          onError,
        }),
      }),
  });
  const renewals = new Set<ReturnType<typeof setInterval>>();
  return {
    kind: 'redis',
    pacing: registry,
    looks,
    reads: createRedisReads({ redis, redisMs, onError }),
    takeLooks: (run) => looks.start(run),
    async holdBuild(key, look): Promise<BuildHold | null> {
      const lease = `baton:lease:${key}`;
      const askedAt = Date.now();
      const held = await redis.set(lease, me, 'PX', redisMs(leaseMs), 'NX');
      // Should the replica that reconciles it die, the build is looked at once its lease lapses.
      if (look) looks.within(key, { ms: leaseMs, why: 'a reconcile under way' }, look);
      if (held !== 'OK') return null;
      // Sure of it for half a lease from each renewal Redis answered (a process starved of
      // time renews late, and Redis lets the lease lapse meanwhile); never again once a
      // renewal found it lapsed, whether another replica holds it or held it in between,
      // and then no longer renewed.
      let sureUntil = askedAt + leaseMs / 2;
      let lost = false;
      const letGo = () => {
        lost = true;
        clearInterval(renewal);
        renewals.delete(renewal);
      };
      // Renewed while the reconcile runs, for `maxHoldMs` at most: a replica that dies, or
      // whose reconcile hangs, lets it lapse after `leaseMs`.
      const renewal = setInterval(
        () => {
          const renewedAt = Date.now();
          if (renewedAt - askedAt >= maxHoldMs) {
            letGo();
            log.error(
              { build: key },
              `baton: a reconcile of ${key} has held its build for ${Math.round((renewedAt - askedAt) / 1000)} s, longer than any reconcile takes: its lease lapses, and another replica takes the build`,
            );
            return;
          }
          redis.eval(RENEW, 1, lease, me, String(redisMs(leaseMs))).then((still) => {
            if (still === 1) sureUntil = Math.max(sureUntil, renewedAt + leaseMs / 2);
            else letGo();
          }, onError);
        },
        Math.floor(leaseMs / 3),
      );
      renewal.unref();
      renewals.add(renewal);
      return {
        held: () => !lost && Date.now() < sureUntil,
        async release() {
          clearInterval(renewal);
          renewals.delete(renewal);
          await redis.eval(RELEASE, 1, lease, me);
        },
      };
    },
    async claimDelivery(id) {
      return (
        (await redis.set(`baton:delivery:${id}`, me, 'PX', redisMs(DELIVERY_MS), 'NX')) === 'OK'
      );
    },
    async lead(forMs) {
      return (await redis.eval(RENEW, 1, 'baton:leader', me, String(redisMs(forMs)))) !== 0;
    },
    async problem() {
      try {
        await redis.ping();
        return null;
      } catch (error) {
        return `the store at REDIS_URL does not answer (${error instanceof Error ? error.message : String(error)})`;
      }
    },
    async close() {
      looks.stop();
      for (const renewal of renewals) clearInterval(renewal);
      await pacing.stop().catch(() => undefined);
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
