import { Octokit } from '@octokit/core';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatonOctokit } from '../../src/github/octokit.js';
import { createPacerRegistry, paceRequests } from '../../src/github/pace-requests.js';
import { GITHUB_PACE } from '../../src/github/request-pacer.js';

const API = 'https://api.github.com';

/** The app's client as `npm start` makes it: throttling on, one installation. */
function client(installationId: number) {
  return new BatonOctokit({
    auth: 'ghs_test',
    throttle: { enabled: true, id: `installation-${installationId}` },
  } as never);
}

/** Answers each route and notes, in order, which request GitHub saw. */
function github(seen: string[]) {
  return nock(API)
    .post('/repos/o/r/git/refs')
    .times(2)
    .reply(201, () => {
      seen.push('write');
      return {};
    })
    .post('/graphql')
    .reply(200, () => {
      seen.push('query');
      return { data: { viewer: { login: 'x' } } };
    })
    .get('/repos/o/r')
    .reply(200, () => {
      seen.push('read');
      return {};
    });
}

/** Awaits `promise` while moving the fake clock, which Octokit's own limiters wait on. */
async function settle(promise: Promise<unknown>): Promise<void> {
  let done = false;
  void promise.finally(() => {
    done = true;
  });
  while (!done) await vi.advanceTimersByTimeAsync(10);
  await promise;
}

describe("the app's pacing as `npm start` runs it", () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    vi.useRealTimers();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('lets a query and a read through at once after a write, and holds the next write a second', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const seen: string[] = [];
    const scope = github(seen);
    const octokit = client(101);
    const ref = { owner: 'o', repo: 'r', ref: 'refs/heads/x', sha: 'a'.repeat(40) };
    const first = octokit.rest.git.createRef(ref);
    const second = octokit.rest.git.createRef(ref);
    const query = octokit.graphql('query Q { viewer { login } }');
    const read = octokit.rest.repos.get({ owner: 'o', repo: 'r' });
    await vi.advanceTimersByTimeAsync(50);
    expect(seen.slice().sort()).toEqual(['query', 'read', 'write']);
    await vi.advanceTimersByTimeAsync(900);
    expect(seen).toHaveLength(3);
    await settle(Promise.all([first, second, query, read]));
    expect(seen).toHaveLength(4);
    expect(seen[3]).toBe('write');
    expect(scope.isDone()).toBe(true);
  });
});

describe('paceRequests', () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

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
});
