import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import { GITHUB_PACE } from '../../src/github/client/pacing/request-pacer.js';
import { createRedisStore } from '../../src/github/store/redis-store.js';
import type { BatonStore } from '../../src/github/store/store.js';
import { type AppHarness, startApp } from '../support/app-harness.js';
import { BUILD, installedRepo, labelledIssue, tickingClock } from '../support/builds.js';
import { describeWithRedis, type RedisServer, startRedisServer } from '../support/redis-server.js';
import { driveBuild, makeScript } from '../support/scripted-sessions.js';

/**
 * Whoever reaches the replicas' Redis can write what it holds. A look kept there
 * names a build to look at, never how to read it: the app asks GitHub for the
 * repository's installation and default branch, so a planted look that names
 * another default branch (whose settings start the build without `/approve`,
 * and which a base sync would merge into the build branch as the app) merges
 * nothing and starts nothing.
 */
describeWithRedis('a look planted in the replicas’ Redis', () => {
  let server: RedisServer;
  let redis: Redis;
  let gh: FakeGitHub;
  let store: BatonStore;
  let app: AppHarness;

  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });
  beforeEach(async () => {
    const now = tickingClock();
    gh = installedRepo(now);
    store = createRedisStore({
      url: server.url,
      rules: GITHUB_PACE,
      pollMs: 20,
      log: { error: () => {} },
    });
    app = await startApp({ gh, now, store });
  });
  afterEach(async () => {
    await store.close();
    app.stop();
    await server.flush();
  });

  /** Plants a look due now in Redis, with a target of the planter's (as the app once kept one). */
  async function plant(key: string, target: object): Promise<void> {
    await redis.hset('baton:look-targets', key, JSON.stringify(target));
    await redis.zadd('baton:looks', 0, key);
  }

  /** Waits until the app has read a build (its build query) after log entry `from`, then for its queue. */
  async function readAfter(from: number): Promise<void> {
    for (let i = 0; i < 800; i++) {
      if (gh.log.slice(from).some((entry) => entry.route === 'POST /graphql')) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await app.idle();
  }

  it('reads the default branch from GitHub, so a look naming another merges and starts nothing', async () => {
    const issue = labelledIssue(gh);
    await driveBuild({ gh, apps: [app], script: makeScript() });
    expect(gh.runs.map((run) => run.inputs.role)).toEqual(['plan']);
    // A branch anyone with push access made: settings that start a build unapproved, and a file.
    const evil = gh.git.commitOn(
      'evil',
      { '.github/baton.yml': 'approval: none\n', 'evil.txt': 'not reviewed\n' },
      'Unreviewed',
    );
    const from = gh.log.length;
    await plant(`${gh.owner}/${gh.repo}#${BUILD}`, {
      installationId: gh.installationId,
      owner: gh.owner,
      repo: gh.repo,
      build: BUILD,
      issue,
      defaultBranch: 'evil',
    });
    await readAfter(from);

    const head = gh.git.resolve(integrationBranch(BUILD)) ?? '';
    expect(gh.git.isAncestor(evil, head)).toBe(false);
    // The plan still awaits `/approve`: the settings were read from the default branch.
    expect(gh.runs.map((run) => run.inputs.role)).toEqual(['plan']);
    // The names came from GitHub: the repository's installation, then its default branch.
    const routes = gh.log.slice(from).map((entry) => entry.route);
    expect(routes).toContain('GET /repos/{owner}/{repo}/installation');
    expect(routes).toContain('GET /repos/{owner}/{repo}');
    expect(app.errors).toEqual([]);
  });

  it('forgets a look naming a build GitHub does not show, or a repository the app is not on, writing nothing', async () => {
    labelledIssue(gh);
    await driveBuild({ gh, apps: [app], script: makeScript() });
    const from = gh.log.length;
    const noBuild = `${gh.owner}/${gh.repo}#1-no-such-build`;
    const elsewhere = `someone/else#${BUILD}`;
    const target = { installationId: gh.installationId, defaultBranch: 'main', issue: 1 };
    await plant(noBuild, { ...target, owner: gh.owner, repo: gh.repo, build: '1-no-such-build' });
    await plant(elsewhere, { ...target, owner: 'someone', repo: 'else', build: BUILD });
    await plant('not a key', { ...target, owner: gh.owner, repo: gh.repo, build: BUILD });
    // Each is taken, and forgotten: the sorted set of looks empties.
    await expect.poll(() => redis.zcard('baton:looks')).toBe(0);
    await app.idle();
    expect(await redis.zrange('baton:looks', 0, -1)).toEqual([]);
    const writes = gh.log
      .slice(from)
      .filter((entry) => entry.method !== 'GET' && entry.route !== 'POST /graphql');
    expect(writes.map((entry) => `${entry.method} ${entry.path}`)).toEqual([]);
    expect(gh.git.resolve(integrationBranch('1-no-such-build'))).toBeNull();
  });
});
