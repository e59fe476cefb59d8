import Bottleneck from 'bottleneck';
import type { Redis } from 'ioredis';
import type { PaceRules, RequestKind } from '../client/request-pacer.js';

/**
 * GitHub's request rules for one installation, kept by every replica together
 * through Bottleneck's Redis clustering (what Octokit's throttle and Probot's
 * `redisConfig` use): writes and mutations a spacing apart (`minTime`), and
 * GraphQL points from a reservoir that refills at half GitHub's 2,000 a
 * minute, so that no minute's points pass 2,000 whatever the refills' phase.
 * REST reads are not paced, as in one process (`createInstallationPacer`).
 */
export interface RedisPacing {
  take(id: string, kind: RequestKind): Promise<void>;
  stop(): Promise<void>;
}

const QUERY_POINTS = 1;
const MUTATION_POINTS = 5;
/** Refills of the points' reservoir: a tenth of the bucket every tenth of the window. */
const REFILLS = 10;

export function createRedisPacing({
  redis,
  rules,
}: {
  redis: Redis;
  rules: PaceRules;
}): RedisPacing {
  // A connection of its own (and Bottleneck its subscriber): stopping it leaves the store's.
  const connection = new Bottleneck.IORedisConnection({ client: redis.duplicate() });
  const half = Math.floor(rules.pointsPerWindow / 2);
  const writes = new Bottleneck.Group({
    id: 'baton-writes',
    datastore: 'ioredis',
    connection,
    minTime: rules.writeSpacingMs,
    maxConcurrent: null,
    clearDatastore: false,
  });
  const points = new Bottleneck.Group({
    id: 'baton-points',
    datastore: 'ioredis',
    connection,
    maxConcurrent: null,
    clearDatastore: false,
    reservoir: half,
    reservoirIncreaseAmount: Math.ceil(half / REFILLS),
    reservoirIncreaseInterval: Math.ceil(rules.windowMs / REFILLS),
    reservoirIncreaseMaximum: half,
  });
  const pass = () => Promise.resolve();
  return {
    async take(id, kind) {
      switch (kind) {
        case 'read':
        case 'auth':
          return;
        case 'query':
          await points.key(id).schedule({ weight: QUERY_POINTS }, pass);
          return;
        case 'write':
          await writes.key(id).schedule(pass);
          return;
        case 'mutation':
          await points.key(id).schedule({ weight: MUTATION_POINTS }, pass);
          await writes.key(id).schedule(pass);
          return;
        default: {
          const unknown: never = kind;
          throw new Error(`unknown request kind ${String(unknown)}`);
        }
      }
    },
    async stop() {
      await connection.disconnect(false);
    },
  };
}
