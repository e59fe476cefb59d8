import { Octokit } from '@octokit/core';
import nock from 'nock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BatonOctokit } from '../../src/github/client/octokit.js';
import {
  createPacerRegistry,
  paceRequests,
  writeBudgetOf,
} from '../../src/github/client/pacing/pace-requests.js';
import { GITHUB_PACE } from '../../src/github/client/pacing/request-pacer.js';
import { nockEachTest } from '../support/nock-each-test.js';

const API = 'https://api.github.com';

/** The app's client as `npm start` makes it: throttling on, one installation. */
function client(installationId: number) {
  return new BatonOctokit({
    auth: 'ghs_test',
    throttle: { enabled: true, id: `installation-${installationId}` },
  } as never);
}

/** Answers each route and notes, in order, which request GitHub saw and when (the fake clock). */
function github(seen: [string, number][]) {
  return nock(API)
    .post('/repos/o/r/git/refs')
    .times(2)
    .reply(201, () => {
      seen.push(['write', Date.now()]);
      return {};
    })
    .post('/graphql')
    .reply(200, () => {
      seen.push(['query', Date.now()]);
      return { data: { viewer: { login: 'x' } } };
    })
    .get('/repos/o/r')
    .reply(200, () => {
      seen.push(['read', Date.now()]);
      return {};
    });
}

/** Awaits `promise`, moving the fake clock `stepMs` at a time and letting real I/O go on. */
async function settle(promise: Promise<unknown>, stepMs: number): Promise<void> {
  let done = false;
  void promise.finally(() => {
    done = true;
  });
  while (!done) {
    await vi.advanceTimersByTimeAsync(stepMs);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await promise;
}

describe("the app's pacing as `npm start` runs it", () => {
  nockEachTest();
  afterEach(() => vi.useRealTimers());

  it('lets a query and a read through at once after a write, and holds the next write a second', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const t0 = Date.now();
    const seen: [string, number][] = [];
    const scope = github(seen);
    const octokit = client(101);
    const ref = { owner: 'o', repo: 'r', ref: 'refs/heads/x', sha: 'a'.repeat(40) };
    const first = octokit.rest.git.createRef(ref);
    const second = octokit.rest.git.createRef(ref);
    const query = octokit.graphql('query Q { viewer { login } }');
    const read = octokit.rest.repos.get({ owner: 'o', repo: 'r' });
    // Octokit's own limiters move on timers of a few ms: a millisecond at a time.
    await settle(Promise.all([first, query, read]), 1);
    expect(seen.map(([kind]) => kind).sort()).toEqual(['query', 'read', 'write']);
    // Not a second apart: the query and the read did not wait behind the write.
    expect(seen.every(([, at]) => at < t0 + 100)).toBe(true);
    // The second write goes a second after the first.
    await settle(second, 10);
    expect(seen).toHaveLength(4);
    expect(seen[3]?.[0]).toBe('write');
    expect(seen[3]?.[1]).toBeGreaterThanOrEqual(t0 + 1000);
    expect(scope.isDone()).toBe(true);
  });

  it('reads the time its timers keep: a write a second after the last goes at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const seen: number[] = [];
    const scope = nock(API)
      .post('/repos/o/r/git/refs')
      .times(2)
      .reply(201, () => {
        seen.push(Date.now());
        return {};
      });
    const octokit = client(102);
    const ref = { owner: 'o', repo: 'r', ref: 'refs/heads/x', sha: 'a'.repeat(40) };
    await settle(octokit.rest.git.createRef(ref), 1);
    // The clock moves five seconds that the machine's own clock does not.
    await vi.advanceTimersByTimeAsync(5_000);
    const issued = Date.now();
    await settle(octokit.rest.git.createRef(ref), 1);
    expect(seen[1]).toBeLessThan(issued + 100);
    expect(scope.isDone()).toBe(true);
  });
});

describe('paceRequests', () => {
  nockEachTest();

  it('waits what the installation pacer says, per installation, and not at all when throttling is off', async () => {
    const waits: number[] = [];
    const Paced = Octokit.plugin(
      paceRequests({
        registry: createPacerRegistry(GITHUB_PACE),
        now: () => 0,
        sleep: async (ms) => {
          waits.push(ms);
        },
      }),
    );
    const scope = nock(API).post('/repos/o/r/git/refs').times(5).reply(201, {});
    const path = '/repos/o/r/git/refs';
    const make = (id: string, enabled = true) =>
      new Paced({ auth: 'ghs_test', throttle: { enabled, id } } as never);
    const ref = { data: {} };
    await make('installation-1').request(`POST ${path}`, ref);
    await make('installation-1').request(`POST ${path}`, ref);
    await make('installation-1').request(`POST ${path}`, ref);
    await make('installation-2').request(`POST ${path}`, ref);
    await make('installation-1', false).request(`POST ${path}`, ref);
    expect(waits).toEqual([1000, 2000]);
    expect(scope.isDone()).toBe(true);
  });

  it("counts each installation's writes, not its reads, into its write budget", async () => {
    const Paced = Octokit.plugin(
      paceRequests({ registry: createPacerRegistry(GITHUB_PACE), sleep: async () => undefined }),
    );
    const scope = nock(API)
      .post('/repos/o/r/git/refs')
      .times(2)
      .reply(201, {})
      .get('/repos/o/r')
      .reply(200, {})
      .post('/graphql')
      .reply(200, { data: {} });
    const one = new Paced({ auth: 'ghs_test', throttle: { id: 'installation-1' } } as never);
    const two = new Paced({ auth: 'ghs_test', throttle: { id: 'installation-2' } } as never);
    await one.request('POST /repos/o/r/git/refs', { data: {} });
    await one.request('GET /repos/o/r');
    await one.request('POST /graphql', { query: 'query Q { viewer { login } }' });
    await two.request('POST /repos/o/r/git/refs', { data: {} });
    // Another client of installation 1 shares its budget.
    const again = new Paced({ auth: 'ghs_test', throttle: { id: 'installation-1' } } as never);
    expect(writeBudgetOf(again)?.used()).toEqual({ minute: 1, hour: 1 });
    expect(writeBudgetOf(two)?.used()).toEqual({ minute: 1, hour: 1 });
    expect(scope.isDone()).toBe(true);
  });
});
