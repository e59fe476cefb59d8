import { spawnSync } from 'node:child_process';
import { describe } from 'vitest';
import { REDIS_SERVER } from '../../sim/redis-server.js';

export { type RedisServer, startRedisServer } from '../../sim/redis-server.js';

const HAVE_REDIS = spawnSync(REDIS_SERVER, ['--version']).status === 0;
const ROOT = process.getuid?.() === 0;

/**
 * A `describe` whose tests need a real Redis (`startRedisServer`): skipped,
 * saying why, where `redis-server` is missing, except as root (CI), where a
 * missing server fails them: `.ci/run` installs it.
 */
export function describeWithRedis(title: string, body: () => void): void {
  if (HAVE_REDIS || ROOT) describe(title, body);
  else describe.skip(`${title} (needs ${REDIS_SERVER}: apt-get install redis-server)`, body);
}
