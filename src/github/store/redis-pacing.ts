import Bottleneck from 'bottleneck';
import type { Redis } from 'ioredis';
import type { PaceRules, RequestKind } from '../client/pacing/request-pacer.js';

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

/** Bottleneck's defaults: a client's heartbeat, and how long one unheard of stays registered. */
const HEARTBEAT_MS = 5_000;
const CLIENT_TIMEOUT_MS = 10_000;

export function createRedisPacing({
  redis,
  rules,
  clockRate = 1,
}: {
  redis: Redis;
  rules: PaceRules;
  /**
   * The store's `clockRate`. Bottleneck times its rules by each client's clock (every
   * replica's must agree, as NTP keeps them), so they stay as they are; its heartbeat
   * stands for a process that answers, so it stays on Redis's time.
   */
  clockRate?: number;
}): RedisPacing {
  // A connection of its own (and Bottleneck its subscriber): stopping it leaves the store's.
  const connection = new Bottleneck.IORedisConnection({ client: redis.duplicate() });
  const half = Math.floor(rules.pointsPerWindow / 2);
  const liveness = {
    heartbeatInterval: HEARTBEAT_MS * clockRate,
    clientTimeout: CLIENT_TIMEOUT_MS * clockRate,
  };
  const writes = new Bottleneck.Group({
    id: 'baton-writes',
    datastore: 'ioredis',
    connection,
    minTime: rules.writeSpacingMs,
    maxConcurrent: null,
    clearDatastore: false,
    ...liveness,
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
    ...liveness,
  });
  const pass = () => Promise.resolve();
  /**
   * Schedules on the installation's limiter of `group`. Bottleneck registers each limiter in
   * Redis and recovers when Redis no longer knows it (a replica unheard of past the client
   * time-out, or passed over for capacity) or its settings expired; but it looks for the bare
   * error, and Redis 7 prefixes a script's errors with `ERR ` (SGrondin/bottleneck#212 and
   * #205, unfixed in 2.19.5), so such a limiter would fail every request of the replica from
   * then on. Here this replica's limiter is dropped (the shared keys stay: `deleteKey` would
   * unregister every other replica's too) and a new one registers, once.
   */
  const schedule = async (group: Bottleneck.Group, id: string, weight: number) => {
    try {
      await group.key(id).schedule({ weight }, pass);
    } catch (error) {
      if (!/\b(UNKNOWN_CLIENT|SETTINGS_KEY_NOT_FOUND)\b/.test(String((error as Error)?.message)))
        throw error;
      await forgetLimiter(group, id);
      await group.key(id).schedule({ weight }, pass);
    }
  };
  return {
    async take(id, kind) {
      switch (kind) {
        case 'read':
        case 'auth':
          return;
        case 'query':
          await schedule(points, id, QUERY_POINTS);
          return;
        case 'write':
          await schedule(writes, id, 1);
          return;
        case 'mutation':
          await schedule(points, id, MUTATION_POINTS);
          await schedule(writes, id, 1);
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

/** Drops this process's limiter of `id` from the group, leaving what Redis keeps of it. */
async function forgetLimiter(group: Bottleneck.Group, id: string): Promise<void> {
  // Bottleneck's Group keeps its limiters by key in `instances` (src/Group.coffee).
  const instances = (group as unknown as { instances?: Record<string, Bottleneck> }).instances;
  const limiter = instances?.[id];
  if (!instances || !limiter)
    throw new Error('Bottleneck.Group no longer keeps its limiters in `instances`');
  delete instances[id];
  await limiter.disconnect(false);
}
