import { expect, it } from 'vitest';
import { checkStore } from '../../src/doctor/store-check.js';
import { describeWithRedis, startRedisServer } from '../support/redis-server.js';

describeWithRedis("baton doctor's store line (REDIS_URL)", () => {
  it('passes while the Redis answers, and fails with what to do once it does not', async () => {
    const redis = await startRedisServer();
    const url = redis.url.replace('redis://', 'redis://:s3cret@');
    try {
      expect(await checkStore(redis.url)).toMatchObject({ id: 'store', ok: true });
    } finally {
      await redis.stop();
    }
    const down = await checkStore(url);
    expect(down).toMatchObject({ id: 'store', ok: false });
    expect(down.fix).toContain('REDIS_URL');
    // The password never reaches the report.
    expect(JSON.stringify(down)).not.toContain('s3cret');
  });
});
