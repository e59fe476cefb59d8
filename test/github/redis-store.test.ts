import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { WRITES_PER_STARTED_WORKER } from '../../src/core/snapshot/estimate.js';
import { GITHUB_PACE } from '../../src/github/client/pacing/request-pacer.js';
import { LastReads, sharedReadOf } from '../../src/github/reconcile/pass/last-reads.js';
import { createRedisStore, type RedisStoreOptions } from '../../src/github/store/redis-store.js';
import type { BatonStore } from '../../src/github/store/store.js';
import { make } from '../core/factories.js';
import { describeWithRedis, type RedisServer, startRedisServer } from '../support/redis-server.js';

const KEY = 'acme/shop#1-add-oauth-login';
const LOOK = { again: () => {} };
const silent = { error: () => {} };

/** Waits for `check` to hold, polling: the tests wait on what the replicas do, never on a time. */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`never: ${what}`);
}

describeWithRedis('replicas sharing a real Redis', () => {
  let server: RedisServer;
  let stores: BatonStore[] = [];
  const replica = (
    options: Partial<Pick<RedisStoreOptions, 'leaseMs' | 'maxHoldMs' | 'log'>> = {},
  ) => {
    const store = createRedisStore({
      url: server.url,
      rules: GITHUB_PACE,
      pollMs: 20,
      log: silent,
      ...options,
    });
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterEach(async () => {
    await Promise.all(stores.map((store) => store.close()));
    stores = [];
    await server.flush();
  });
  afterAll(() => server.stop());

  it('holds a build for one replica at a time, and lets the other take it once released', async () => {
    const [a, b] = [replica(), replica()];
    const held = await a.holdBuild(KEY, LOOK);
    expect(held).not.toBeNull();
    expect(await b.holdBuild(KEY, LOOK)).toBeNull();
    await held?.release();
    expect(await b.holdBuild(KEY, LOOK)).not.toBeNull();
  });

  it('lets a dead replica’s build go after the lease, and another replica looks at it', async () => {
    const a = replica({ leaseMs: 300 });
    const b = replica({ leaseMs: 300 });
    const taken: string[] = [];
    b.takeLooks((key) => taken.push(key));
    // A holds the build and dies: it never releases it, nor renews the lease.
    expect(await a.holdBuild(KEY, LOOK)).not.toBeNull();
    await a.close();
    expect(await b.holdBuild(KEY, LOOK)).toBeNull();
    // The look kept while A reconciled falls due once the lease lapses: B takes it and holds the build.
    await until(() => taken.length > 0, 'B takes the look of the build A held');
    expect(taken[0]).toBe(KEY);
    expect(await b.holdBuild(KEY, LOOK)).not.toBeNull();
  });

  it('lets a build go once a reconcile has held it longer than any takes, and says so', async () => {
    const said: string[] = [];
    const a = replica({
      leaseMs: 300,
      maxHoldMs: 900,
      log: { error: (_details, message) => said.push(message) },
    });
    const b = replica({ leaseMs: 300 });
    // A's reconcile hangs: A lives and renews its lease, and never releases the build.
    const hung = await a.holdBuild(KEY, LOOK);
    expect(hung).not.toBeNull();
    await expect.poll(async () => (await b.holdBuild(KEY, LOOK)) !== null).toBe(true);
    expect(hung?.held?.()).toBe(false);
    expect(said.join('\n')).toContain(`a reconcile of ${KEY} has held its build`);
  });

  it('hands each webhook delivery to one replica', async () => {
    const [a, b, c] = [replica(), replica(), replica()];
    const claims = await Promise.all([a, b, c, a].map((one) => one.claimDelivery('delivery-1')));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await b.claimDelivery('delivery-2')).toBe(true);
  });

  it('keeps one leader while it renews its lead', async () => {
    const [a, b] = [replica(), replica()];
    expect(await a.lead(60_000)).toBe(true);
    expect(await b.lead(60_000)).toBe(false);
    expect(await a.lead(60_000)).toBe(true);
  });

  it('runs a look set on one replica on another, once, and a later set replaces it', async () => {
    const [a, b] = [replica(), replica()];
    const taken: string[] = [];
    b.takeLooks((key, woken) => taken.push(woken ? `woken ${key}` : key));
    a.looks.set(KEY, [{ ms: 600_000, why: 'a review run' }], LOOK);
    a.looks.set(KEY, [{ ms: 0, why: 'a merge refused' }], LOOK);
    await until(() => taken.length > 0, 'B takes the look A set');
    // A look set for a time is no wake: it is judged by the build's runs first.
    expect(taken).toEqual([KEY]);
  });

  it('shares an installation’s write budget: writes made, due and forecast on one replica hold back another’s dispatch', async () => {
    const [a, b] = [replica(), replica()];
    const onA = a.pacing.budgetForId('installation-7');
    const onB = b.pacing.budgetForId('installation-7');
    const now = Date.now();
    onA.note(50);
    // A session’s pull request, due in ten minutes, and a build’s forecast of 430 due in twenty.
    onA.note(1, now + 600_000);
    const forecast = [{ at: now + 1_200_000, count: 430 }];
    onA.owe(KEY, forecast);
    // A's writes reach Redis in order on A's connection: its own read back follows them.
    await onA.sync();
    await onB.sync();
    expect(onB.used()).toEqual({ minute: 50, hour: 50 });
    expect(onB.owed()).toBe(430);
    expect(onB.forecast(KEY)).toEqual(forecast);
    // 50 made + 1 due + 430 forecast + a worker's share pass 480 in the hour ahead: B's first dispatch waits.
    expect(onB.waitFor('dispatch', 'acme/shop#2-other')).toBeGreaterThan(0);
    // A's build pays what it owed: B sees room.
    onA.owe(KEY, []);
    await onA.sync();
    await onB.sync();
    expect(onB.waitFor('dispatch', 'acme/shop#2-other')).toBe(0);
    // Another installation's budget is its own.
    const other = b.pacing.budgetForId('installation-8');
    await other.sync();
    expect(other.used().hour).toBe(0);
  });

  it('shares the steady pace: a burst of first dispatches on one replica holds back another’s', async () => {
    const [a, b] = [replica(), replica()];
    const onA = a.pacing.budgetForId('installation-7');
    const onB = b.pacing.budgetForId('installation-7');
    const worker = [{ at: Date.now(), count: 6 }];
    // The pace binds once the hour is half spent (PACE_FROM): 260 writes made on A.
    onA.note(260);
    // A's burst, until its pace holds the next back: bounded, so a pace that never binds fails here.
    let burst = 0;
    while (onA.waitFor('dispatch', 'acme/shop#1-a', worker) === 0 && burst < 200) {
      onA.dispatched('acme/shop#1-a', worker);
      burst++;
    }
    expect(burst).toBeLessThan(200);
    await onA.sync();
    await onB.sync();
    expect(onB.waitFor('dispatch', 'acme/shop#2-b', worker)).toBeGreaterThan(0);
  });

  it('reads a forecast someone else wrote into Redis as none unless it is a list of times and counts', async () => {
    const [a] = [replica()];
    const onA = a.pacing.budgetForId('installation-9');
    const raw = new Redis(server.url);
    try {
      await raw.hset(
        'baton:budget:installation-9:owed',
        'x/y#1-a',
        '[{"at":1,"count":"9"}]',
        'x/y#2-b',
        'not json',
        'x/y#3-c',
        JSON.stringify([{ at: Date.now(), count: 7 }]),
      );
      await onA.sync();
      expect(onA.owed('x/y#1-a')).toBe(0);
      expect(onA.owed('x/y#2-b')).toBe(0);
      expect(onA.owed('x/y#3-c')).toBe(7);
    } finally {
      raw.disconnect();
    }
  });

  it('judges a build waiting on one replica by its own worker’s writes on another, and reads a forged waiter as a worker’s share', async () => {
    const [a, b] = [replica(), replica()];
    const onA = a.pacing.budgetForId('installation-7');
    const onB = b.pacing.budgetForId('installation-7');
    const now = Date.now();
    onA.owe('acme/shop#9-big', [{ at: now, count: 470 }]);
    // A's build waits with a worker of 12 writes; B last asked for a worker of 6.
    expect(onA.waitFor('dispatch', KEY, [{ at: now, count: 12 }])).toBeGreaterThan(0);
    a.looks.set(KEY, [{ ms: 600_000, why: 'its run' }], LOOK);
    onA.wake(KEY, () => {});
    await onA.sync();
    await onB.sync();
    expect(onB.waitFor('dispatch', 'acme/shop#2-small', [{ at: now, count: 6 }])).toBeGreaterThan(
      0,
    );
    // Room for 6 but not 12: B gives A's build no turn, and its small build does not pass A's.
    const taken: string[] = [];
    a.takeLooks((key) => taken.push(key));
    onB.owe('acme/shop#9-big', [{ at: now, count: 469 }]);
    await onB.sync();
    const raw = new Redis(server.url);
    try {
      expect(await raw.hgetall('baton:budget:installation-7:turns')).toEqual({});
      expect(onB.waitFor('dispatch', 'acme/shop#2-small', [{ at: now, count: 6 }])).toBeGreaterThan(
        0,
      );
      // Room for 12: A's build is woken, through a look.
      onB.owe('acme/shop#9-big', [{ at: now, count: 450 }]);
      await until(() => taken.length > 0, 'the waiting build is looked at');
      expect(taken[0]).toBe(KEY);
      // What Redis holds is read as anyone may have written it.
      await raw.hset(
        'baton:budget:installation-7:waiters',
        'x/y#1-a',
        'not json',
        'x/y#2-b',
        JSON.stringify({ chain: 2, since: now, writes: 'all of them' }),
        'x/y#3-c',
        JSON.stringify({ chain: 'long', since: now }),
      );
      const store = replica();
      const onC = store.pacing.budgetForId('installation-7');
      await onC.sync();
      // Only b's reads as a waiter, with a worker's whole share: a build behind it needs room
      // for KEY's turn (12), b's worker and its own, no more.
      const share = WRITES_PER_STARTED_WORKER;
      onC.owe('acme/shop#9-big', [{ at: now, count: 480 - 12 - 2 * share + 1 }]);
      expect(onC.waitFor('dispatch', 'x/y#4-d')).toBeGreaterThan(0);
      onC.owe('acme/shop#9-big', [{ at: now, count: 480 - 12 - 2 * share }]);
      expect(onC.waitFor('dispatch', 'x/y#4-d')).toBe(0);
    } finally {
      raw.disconnect();
    }
  });

  it('judges an event on one replica against the read another shared, keeps the newest, and reads what Redis holds as anyone may have written it', async () => {
    const [a, b] = [replica(), replica()];
    const onA = new LastReads(a.reads ? { shared: a.reads } : {});
    const onB = new LastReads(b.reads ? { shared: b.reads } : {});
    const read = (sha: string) => ({
      snapshot: { ...make.snapshot({}), integration: { sha, containsDefault: true } },
      config: make.config(),
      view: '{}',
    });
    onA.note(KEY, read('b1'));
    // A's save is sent without waiting: a load on A's connection comes after it.
    await a.reads?.load(KEY);
    // B never read the build: the push A's read saw is news to B until B takes A's read in.
    expect(onB.pushChangesNothing(KEY, 'b1')).toBe(false);
    await onB.refresh(KEY);
    expect(onB.pushChangesNothing(KEY, 'b1')).toBe(true);
    // A newer read replaces it; an older one (saved late) does not.
    onB.note(KEY, read('b2'));
    await b.reads?.load(KEY);
    a.reads?.save(KEY, { ...read('b0'), at: 1 }, 60_000);
    await onA.refresh(KEY);
    expect(onA.pushChangesNothing(KEY, 'b2')).toBe(true);
    expect(onA.pushChangesNothing(KEY, 'b1')).toBe(false);
    // What Redis holds is read as anyone may have written it: nothing that is not a read's shape.
    const raw = new Redis(server.url);
    try {
      const forged = [
        'not json',
        JSON.stringify({ ...read('b9'), at: Date.now() + 60_000, view: 7 }),
        JSON.stringify({ ...read('b9'), at: 'later' }),
        JSON.stringify({ ...read('b9'), at: Date.now() + 60_000, asked: [{}] }),
        JSON.stringify({ snapshot: { runs: 'all' }, config: { ok: true }, view: '', at: 1 }),
      ];
      for (const value of forged) {
        await raw.hset(`baton:read:${KEY}`, 'read', value, 'at', '0');
        expect(sharedReadOf(await b.reads?.load(KEY))).toBeNull();
        const fresh = new LastReads(b.reads ? { shared: b.reads } : {});
        await fresh.refresh(KEY);
        expect(fresh.pushChangesNothing(KEY, 'b9')).toBe(false);
      }
    } finally {
      raw.disconnect();
    }
  });

  it('wakes a build that waits on one replica from another, through a look', async () => {
    const [a, b] = [replica(), replica()];
    const taken: string[] = [];
    a.takeLooks((key, woken) => taken.push(woken ? `woken ${key}` : key));
    const onA = a.pacing.budgetForId('installation-7');
    const onB = b.pacing.budgetForId('installation-7');
    // What the big build owes leaves no room for a worker in the hour.
    onA.owe('acme/shop#9-big', [{ at: Date.now(), count: 480 }]);
    // The waiting build's reconcile left its look for later, as a reconcile does.
    a.looks.set(KEY, [{ ms: 600_000, why: 'its run' }], LOOK);
    onA.wake(KEY, () => taken.push('woken in A itself'));
    await onA.sync();
    await onB.sync();
    expect(onB.waiting()).toBe(true);
    // B's reconcile of the big build sees it paid: B wakes the waiter, which is A's: a look now.
    onB.owe('acme/shop#9-big', []);
    await until(() => taken.length > 0, 'the waiting build is looked at');
    // A wake, which the replica that takes it reconciles rather than judges by the runs.
    expect(taken[0]).toBe(`woken ${KEY}`);
  });

  it('spaces the writes of every replica of an installation together, not each its own', async () => {
    const spacing = 100;
    const paced = (store: BatonStore) => store.pacing;
    const rules = { ...GITHUB_PACE, writeSpacingMs: spacing };
    const [a, b] = [0, 1].map(() => {
      const store = createRedisStore({ url: server.url, rules, pollMs: 20, log: silent });
      stores.push(store);
      return paced(store);
    });
    const begun = Date.now();
    await Promise.all([a, b, a, b].map((registry) => registry?.take?.('installation-7', 'write')));
    // Four writes one spacing apart, whichever replica makes them: the last starts three
    // spacings on at the soonest (each replica pacing alone would let it go after one). A lower
    // bound only: a slow machine spaces them more, never less.
    expect(Date.now() - begun).toBeGreaterThanOrEqual(3 * spacing);
  });

  it('paces on when Redis has forgotten a replica (unheard past the client time-out): Redis 7 words the error its library looks for with ERR', async () => {
    const [a, b] = [replica(), replica()];
    await a.pacing.take?.('installation-7', 'write');
    await b.pacing.take?.('installation-7', 'write');
    // What Bottleneck's scripts do to a client no one heard from: it is no longer registered.
    const probe = new Redis(server.url);
    await probe.del('b_baton-writes-installation-7_client_last_seen');
    probe.disconnect();
    await expect(a.pacing.take?.('installation-7', 'write')).resolves.toBeUndefined();
    await expect(b.pacing.take?.('installation-7', 'write')).resolves.toBeUndefined();
  });

  it('says so when Redis does not answer, and refuses to hold a build rather than pace alone', async () => {
    const own = await startRedisServer();
    const store = createRedisStore({ url: own.url, rules: GITHUB_PACE, log: silent });
    stores.push(store);
    expect(await store.problem()).toBeNull();
    await own.stop();
    await until(async () => (await store.problem()) !== null, 'the store reports the outage');
    expect(await store.problem()).toMatch(/REDIS_URL does not answer/);
    await expect(store.holdBuild(KEY, LOOK)).rejects.toThrow();
  });
});
