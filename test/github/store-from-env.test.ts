import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkStore } from '../../src/doctor/store-check.js';
import type { BatonStore } from '../../src/github/store/store.js';
import { createStoreFromEnv } from '../../src/github/store/store-from-env.js';
import { describeWithRedis, type RedisServer, startRedisServer } from '../support/redis-server.js';

const PASSWORD = 'correct-horse-battery-staple';
const quiet = { error: () => {}, info: () => {} };

/**
 * The Redis the Kubernetes manifests ship requires a password (deploy/k8s/redis.yaml),
 * which the app reads from `REDIS_PASSWORD` beside `REDIS_URL`: without it the store is
 * refused, and `/readyz` and `baton doctor` say so.
 */
describeWithRedis('a Redis that requires a password', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await startRedisServer({ password: PASSWORD });
  });
  afterAll(() => server.stop());

  async function withStore<T>(env: Record<string, string>, use: (store: BatonStore) => Promise<T>) {
    const store = createStoreFromEnv(env, quiet);
    try {
      return await use(store);
    } finally {
      await store.close();
    }
  }

  it('is shared with REDIS_PASSWORD, and refused without it', async () => {
    const shared = { REDIS_URL: server.url, REDIS_PASSWORD: PASSWORD };
    expect(await withStore(shared, (one) => one.problem())).toBeNull();
    // A delivery claimed through it: the store works, not only answers.
    expect(await withStore(shared, (one) => one.claimDelivery('delivery-1'))).toBe(true);
    const refused = await withStore({ REDIS_URL: server.url }, (one) => one.problem());
    expect(refused).toMatch(/NOAUTH|Authentication required/i);
    expect(refused).not.toContain(PASSWORD);
  });

  it("is reported by baton doctor's store line as the app reaches it", async () => {
    expect(await checkStore(server.url, PASSWORD)).toMatchObject({ id: 'store', ok: true });
    const refused = await checkStore(server.url);
    expect(refused).toMatchObject({ id: 'store', ok: false });
    expect(refused.fix).toContain('REDIS_PASSWORD');
  });
});
