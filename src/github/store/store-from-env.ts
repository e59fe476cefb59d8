import { processPacing } from '../client/octokit.js';
import { paceRulesFrom } from '../client/pacing/pace-requests.js';
import { createRedisStore } from './redis-store.js';
import { type BatonStore, createMemoryStore } from './store.js';

/**
 * The store `npm start` runs with: Redis (or Valkey) at `REDIS_URL`, which
 * replicas of the app share; unset, this process alone, as one process needs
 * nothing else. `BATON_LEASE_SECONDS` sets how long a replica holds a build,
 * a look it took, or the lead (default 30): a replica that dies delays a build
 * by that much at most. `REDIS_PASSWORD` is Redis's password where the URL carries
 * none (the Redis of deploy/k8s requires one). `BATON_CLOCK_RATE` is for a simulation
 * only: an app on a clock that runs that many times faster than Redis's (bench/fast-clock.mjs).
 */
export function createStoreFromEnv(
  env: Record<string, string | undefined>,
  log: { error(details: object, message: string): void; info(message: string): void },
): BatonStore {
  const url = env.REDIS_URL?.trim();
  if (!url) return createMemoryStore({ pacing: processPacing });
  const lease = env.BATON_LEASE_SECONDS;
  const seconds = lease === undefined || lease === '' ? 30 : Number(lease);
  if (!Number.isFinite(seconds) || seconds < 1) {
    throw new Error(
      `BATON_LEASE_SECONDS must be a number of seconds, 1 or more, not "${lease}": how long a replica holds a build before another may take it`,
    );
  }
  const rate = Number(env.BATON_CLOCK_RATE || 1);
  if (!(rate >= 1))
    throw new Error(`BATON_CLOCK_RATE must be 1 or more, not "${env.BATON_CLOCK_RATE}"`);
  log.info('baton: replicas share their pacing, leases and looks through REDIS_URL');
  const password = env.REDIS_PASSWORD?.trim();
  return createRedisStore({
    url,
    ...(password ? { password } : {}),
    rules: paceRulesFrom(env),
    leaseMs: seconds * 1000,
    clockRate: rate,
    log,
  });
}
