import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub, joinInstallation } from '../../sim/github/fake-github.js';
import { installationToken } from '../../sim/github/tokens.js';
import { BatonOctokit } from '../../src/github/client/octokit.js';
import type { Octokit, RepoContext } from '../../src/github/client/types.js';
import {
  clearInstallationUsage,
  installationCapProblem,
  installationDailyUsdFrom,
  readInstallationUsage,
} from '../../src/github/observe/day-spend.js';
import { sessionSpent } from '../support/builds.js';
import { mountOnNock } from '../support/mount-nock.js';

describe('BATON_INSTALLATION_DAILY_USD', () => {
  it.each([
    { value: undefined, cap: null, problem: false },
    { value: '', cap: null, problem: false },
    { value: '0', cap: null, problem: false },
    { value: '200', cap: 200, problem: false },
    { value: ' 12.5 ', cap: 12.5, problem: false },
    { value: '-3', cap: null, problem: true },
    { value: '$200', cap: null, problem: true },
    { value: 'Infinity', cap: null, problem: true },
  ])('$value: cap $cap', ({ value, cap, problem }) => {
    const env = { BATON_INSTALLATION_DAILY_USD: value };
    expect(installationDailyUsdFrom(env)).toBe(cap);
    expect(installationCapProblem(env) !== null).toBe(problem);
  });
});

describe('readInstallationUsage: the installation’s day, a minute per read', () => {
  let a: FakeGitHub;
  let b: FakeGitHub;
  let ctx: RepoContext;
  const at = (seconds: number) =>
    new Date(Date.parse('2026-11-22T10:00:00Z') + seconds * 1000).toISOString();

  beforeEach(() => {
    nock.disableNetConnect();
    clearInstallationUsage();
    a = new FakeGitHub();
    b = new FakeGitHub({ repo: 'gadgets', repositoryId: 2 });
    joinInstallation(a, b);
    const served = [a, b];
    mountOnNock(
      (path) => served.find((one) => `${path}/`.startsWith(`/repos/${one.fullName}/`)) ?? a,
    );
    const octokit = new BatonOctokit({
      auth: { token: installationToken(a.installationId) },
      retry: { enabled: false },
      throttle: { enabled: false },
    } as never) as unknown as Octokit;
    ctx = { octokit, owner: a.owner, repo: a.repo, botLogin: a.botLogin };
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('reads every repository’s records, serves a minute from that read, then reads again', async () => {
    sessionSpent(a, { usd: 1, at: at(0), runId: 1 });
    sessionSpent(b, { usd: 2, at: at(0), runId: 2 });
    const first = await readInstallationUsage(ctx, at(1));
    expect(first.records.map((one) => one.record.run_id).sort()).toEqual([1, 2]);
    sessionSpent(b, { usd: 4, at: at(30), runId: 3 });
    expect(await readInstallationUsage(ctx, at(59))).toBe(first);
    const again = await readInstallationUsage(ctx, at(61));
    expect(again.records.map((one) => one.record.run_id).sort()).toEqual([1, 2, 3]);
    // Each record's commit was read once, by GraphQL (a request per repository and read): the
    // second read listed refs and read only the new record.
    const log = [...a.log, ...b.log];
    const idsRead = log.flatMap((entry) =>
      entry.route === 'POST /graphql' &&
      (entry.body as { query: string }).query.includes('BatonRecordCommits')
        ? [(entry.body as { variables: { ids: string[] } }).variables.ids.length]
        : [],
    );
    expect(idsRead).toEqual([1, 1, 1]);
    expect(
      log.filter((entry) => entry.route === 'GET /repos/{owner}/{repo}/git/commits/{commit_sha}'),
    ).toEqual([]);
    expect(a.log.filter((entry) => entry.route === 'GET /installation/repositories')).toHaveLength(
      2,
    );
  });

  it('reads over REST, one by one, the record commits GraphQL does not resolve', async () => {
    b.graphqlListsHiddenRefs = false;
    // Runs of their own: the commits of other tests' records may be known to this process.
    sessionSpent(a, { usd: 1, at: at(0), runId: 11 });
    sessionSpent(b, { usd: 2, at: at(0), runId: 12 });
    sessionSpent(b, { usd: 4, at: at(0), runId: 13 });
    const read = await readInstallationUsage(ctx, at(1));
    expect(read.records.map((one) => one.record.usage.cost_usd).sort()).toEqual([1, 2, 4]);
    const restReads = (gh: FakeGitHub) =>
      gh.log.filter((entry) => entry.route === 'GET /repos/{owner}/{repo}/git/commits/{commit_sha}')
        .length;
    expect([restReads(a), restReads(b)]).toEqual([0, 2]);
  });
});
