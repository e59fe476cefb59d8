import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { checkInvariants } from '../../sim/chaos/invariants.js';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import { GITHUB_PACE } from '../../src/github/client/pacing/request-pacer.js';
import { createRedisStore } from '../../src/github/store/redis-store.js';
import type { BatonStore, BuildHold } from '../../src/github/store/store.js';
import { type AppHarness, startApp, startReplica } from '../support/app-harness.js';
import { BUILD, installedRepo, labelledIssue, tickingClock } from '../support/builds.js';
import { captureLog } from '../support/captured-log.js';
import { holdFirstRequest } from '../support/held-request.js';
import { describeWithRedis, type RedisServer, startRedisServer } from '../support/redis-server.js';
import { makeScript, runQueuedSessions } from '../support/scripted-sessions.js';

/** A short lease, so a replica that dies delays its build by little. */
const LEASE_MS = 600;

/** A replica's store on the Redis at `url`, with the short lease. */
const replicaStore = (url: string): BatonStore =>
  createRedisStore({
    url,
    rules: GITHUB_PACE,
    leaseMs: LEASE_MS,
    pollMs: 20,
    log: { error: () => {} },
  });

/**
 * Three replicas of the app on one simulated GitHub and one real Redis: every
 * delivery goes to one replica and, as a duplicate of the same delivery id,
 * to another; one replica dies holding a build. The build completes, and
 * GitHub shows everything done once (`checkInvariants`, what the chaos runs
 * check).
 */
describeWithRedis('three replicas sharing one Redis', () => {
  let server: RedisServer;
  let gh: FakeGitHub;
  let stores: BatonStore[];
  let replicas: AppHarness[];
  let stopFirst: () => void;

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(() => server.stop());
  beforeEach(async () => {
    const now = tickingClock();
    gh = installedRepo(now);
    stores = [0, 1, 2].map(() => replicaStore(server.url));
    const first = await startApp({ gh, now, store: stores[0] as BatonStore });
    stopFirst = first.stop;
    replicas = [
      first,
      ...(await Promise.all(stores.slice(1).map((store) => startReplica({ now, store })))),
    ];
  });
  afterEach(async () => {
    await Promise.all(stores.map((store) => store.close().catch(() => undefined)));
    stopFirst();
    await server.flush();
  });

  /**
   * The chaos runs' invariants of the build (sim/chaos/invariants.ts), but the one that finds
   * each merged head's approving review among the REST requests: scripted sessions add their
   * reviews to the simulator directly.
   */
  const violations = (issue: number) =>
    checkInvariants({
      gh,
      issue,
      build: BUILD,
      completed: finalPull() !== undefined,
      personComments: ['/approve'],
    }).filter((violation) => !violation.includes('merged after an approve verdict'));

  let deliveries = 0;
  /** The plan awaits `/approve`: its notice is posted. */
  const planned = () => gh.comments.some((comment) => comment.body.includes('plan-ready'));
  const finalPull = () =>
    [...gh.pulls.values()].find((pull) => pull.head === integrationBranch(BUILD));

  /**
   * Delivers what GitHub has sent, each delivery to one live replica and again to the next
   * (same id), plays the sessions, and goes on until the final pull request is open: looks
   * taken from Redis and retries of a held build run on their own, so a quiet round waits
   * (a guard of 90 s against a build that never ends, not a measure).
   */
  async function drive(
    live: () => AppHarness[],
    until = () => finalPull() !== undefined,
  ): Promise<void> {
    const deadline = Date.now() + 90_000;
    while (!until() && Date.now() < deadline) {
      const events = gh.outbox.splice(0);
      for (const event of events) {
        const id = `delivery-${++deliveries}`;
        const alive = live();
        const to = [alive[deliveries % alive.length], alive[(deliveries + 1) % alive.length]];
        await Promise.all(to.map((one) => one?.deliverAs(id, event.name, event.payload)));
      }
      const ran = runQueuedSessions(gh, makeScript());
      if (events.length === 0 && ran === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await Promise.all(live().map((one) => one.idle()));
  }

  it('completes a build with every delivery handled once and nothing done twice', async () => {
    const issue = labelledIssue(gh);
    await drive(() => replicas, planned);
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
    await drive(() => replicas);
    expect(violations(issue)).toEqual([]);
    for (const one of replicas) expect(one.errors).toEqual([]);
    // The `/approve` reached two replicas as one delivery: one of them took it (one 👀 asked for).
    const reactions = gh.log.filter((entry) => entry.route.endsWith('/reactions'));
    expect(reactions).toHaveLength(1);
  });

  it('finishes a build whose replica died holding it, once the lease lapses', async () => {
    const issue = labelledIssue(gh);
    await drive(() => replicas, planned);
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
    // The third replica takes the build and dies: it never lets it go, and hears nothing more.
    const dead = stores[2] as BatonStore;
    const key = `${gh.owner}/${gh.repo}#${BUILD}`;
    expect(await dead.holdBuild(key, { again: () => {} })).not.toBeNull();
    await dead.close();
    await drive(() => replicas.slice(0, 2));
    expect(finalPull()).toBeDefined();
    expect(violations(issue)).toEqual([]);
  });
});

/**
 * A replica's lease lapses while it waits to send a dispatch (starved of time, its store
 * out of reach, its answers slow): another replica takes the build, finds the lock with no
 * run, and sends the dispatch itself. The first must then send nothing: GitHub keeps no
 * lock of a dispatch, and two runs of one session would be made.
 */
describeWithRedis('a replica whose lease lapsed while it waited to dispatch', () => {
  let server: RedisServer;
  let redis: Redis;
  let own: BatonStore[];
  /** Stops the app the test started (its simulator's interceptors, which the next file must not meet). */
  let stopApp = () => {};
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    redis = new Redis(server.url);
    own = [];
  });
  afterEach(async () => {
    stopApp();
    await Promise.all(own.map((store) => store.close().catch(() => undefined)));
    redis.disconnect();
  });

  it('does not send the dispatch the replica that took the build over sent', async () => {
    const now = tickingClock();
    const world = installedRepo(now);
    // The first replica's lock (the build branch) reaches GitHub; the answer is held.
    const slow = holdFirstRequest(world, {
      method: 'POST',
      path: /\/git\/refs$/,
      body: (body) => (body as { ref?: string }).ref === `refs/heads/${integrationBranch(BUILD)}`,
      answer: true,
    });
    own = [replicaStore(server.url), replicaStore(server.url)];
    const [storeA, storeB] = own as [BatonStore, BatonStore];
    const holds: BuildHold[] = [];
    const logA = captureLog();
    const a = await startApp({
      gh: world,
      now,
      log: logA.log,
      store: {
        ...storeA,
        async holdBuild(key, look) {
          const hold = await storeA.holdBuild(key, look);
          if (hold) holds.push(hold);
          return hold;
        },
      },
    });
    stopApp = a.stop;
    const b = await startReplica({ now, store: storeB });
    labelledIssue(world);
    const [label] = world.outbox.splice(0);
    if (!label) throw new Error('no label event');
    const first = a.deliverAs('lapse-1', label.name, label.payload);
    await slow.held;
    // The lease lapses, another takes it, and the first replica's renewal finds it so.
    const lease = `baton:lease:${world.owner}/${world.repo}#${BUILD}`;
    await redis.set(lease, 'another replica');
    await expect.poll(() => holds[0]?.held?.()).toBe(false);
    // The second replica takes the build, finds the lock with no run, and dispatches the plan.
    await redis.del(lease);
    await b.deliverAs('lapse-2', label.name, label.payload);
    const plans = () =>
      world.log.filter(
        (entry) =>
          /\/dispatches$/.test(entry.path) &&
          (entry.body as { inputs?: { role?: string } }).inputs?.role === 'plan',
      );
    expect(plans()).toHaveLength(1);
    slow.release();
    await first;
    expect(plans()).toHaveLength(1);
    // It said why: its lock stays for whichever replica reconciles the build next.
    // It said why, and its lock stays for whichever replica reconciles the build next.
    expect(JSON.stringify(logA.records())).toContain('surely held the build');
  });
});
