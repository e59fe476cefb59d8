import { Octokit as CoreOctokit } from '@octokit/core';
import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { installationToken } from '../../sim/github/tokens.js';
import { WORKFLOW_FILE } from '../../src/core/vocabulary/ids.js';
import { createConditionalReads } from '../../src/github/client/conditional-reads.js';
import type { Octokit } from '../../src/github/client/types.js';
import { readRuns } from '../../src/github/observe/read-runs.js';
import { mountEachTest } from '../support/app-tests.js';
import { repoContextOn } from '../support/mount-nock.js';

/** A client with an installation token of the simulator, so the simulated GitHub counts its requests. */
function installationClient(gh: FakeGitHub): Octokit {
  return new CoreOctokit({ auth: installationToken(gh.installationId) }) as unknown as Octokit;
}

const COMMENTS = 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments';

describe('conditional reads', () => {
  let gh: FakeGitHub;
  mountEachTest((repo) => {
    gh = repo;
  });

  function thread(comments: number) {
    const issue = gh.openIssue({ title: 'A thread' });
    for (let i = 0; i < comments; i++) gh.addComment({ issue, body: `c${i}`, user: 'octocat' });
    return issue;
  }

  const bodies = (data: unknown) => (data as { body: string }[]).map((comment) => comment.body);

  it('reads a listing again for free while it has not changed: every page answers 304, counted by nobody', async () => {
    const reads = createConditionalReads();
    const octokit = installationClient(gh);
    const issue = thread(3);
    const params = { owner: gh.owner, repo: gh.repo, issue_number: issue, per_page: 2 };
    const first = await reads.paginate(octokit, { route: COMMENTS, params, pick: bodies });
    const again = await reads.paginate(octokit, { route: COMMENTS, params, pick: bodies });
    expect(again).toEqual(first);
    expect(first).toEqual(['c0', 'c1', 'c2']);
    expect(gh.log.map((entry) => entry.status)).toEqual([200, 200, 304, 304]);
    expect(gh.restBudget.charges).toHaveLength(2);
  });

  it('reads only the first pages when asked for so many', async () => {
    const reads = createConditionalReads();
    const octokit = installationClient(gh);
    const issue = thread(5);
    const params = { owner: gh.owner, repo: gh.repo, issue_number: issue, per_page: 2 };
    const first = await reads.paginate(octokit, {
      route: COMMENTS,
      params,
      pick: bodies,
      pages: 1,
    });
    expect(first).toEqual(['c0', 'c1']);
    expect(gh.log.map((entry) => entry.status)).toEqual([200]);
  });

  it('reads a page that changed in full, and keeps the rest from before', async () => {
    const reads = createConditionalReads();
    const octokit = installationClient(gh);
    const issue = thread(3);
    const params = { owner: gh.owner, repo: gh.repo, issue_number: issue, per_page: 2 };
    await reads.paginate(octokit, { route: COMMENTS, params, pick: bodies });
    gh.addComment({ issue, body: 'c3', user: 'octocat' });
    const after = await reads.paginate(octokit, { route: COMMENTS, params, pick: bodies });
    expect(after).toEqual(['c0', 'c1', 'c2', 'c3']);
    expect(gh.log.slice(2).map((entry) => entry.status)).toEqual([304, 200]);
  });

  it('shares a listing begun after the asker began, and reads again for one that began before it', async () => {
    let now = 1_000;
    const reads = createConditionalReads({ now: () => now });
    const octokit = installationClient(gh);
    const issue = thread(1);
    const params = { owner: gh.owner, repo: gh.repo, issue_number: issue };
    await reads.paginate(octokit, { route: COMMENTS, params, pick: bodies });
    // A reconcile that began before that listing: it shows every event that reconcile is for.
    await reads.paginate(octokit, { route: COMMENTS, params, pick: bodies, freshFrom: 900 });
    expect(gh.log).toHaveLength(1);
    // One that began after it: the listing may miss its event, so it is asked again.
    now = 2_000;
    await reads.paginate(octokit, { route: COMMENTS, params, pick: bodies, freshFrom: 1_500 });
    expect(gh.log).toHaveLength(2);
  });

  it('keeps at most its limit of pages, the least recently read forgotten first', async () => {
    const reads = createConditionalReads({ limit: 1 });
    const octokit = installationClient(gh);
    const one = thread(1);
    const two = thread(1);
    const params = (issue: number) => ({ owner: gh.owner, repo: gh.repo, issue_number: issue });
    await reads.paginate(octokit, { route: COMMENTS, params: params(one), pick: bodies });
    await reads.paginate(octokit, { route: COMMENTS, params: params(two), pick: bodies });
    await reads.paginate(octokit, { route: COMMENTS, params: params(one), pick: bodies });
    // The first page was forgotten for the second: asked again without its tag, a full answer.
    expect(gh.log.map((entry) => entry.status)).toEqual([200, 200, 200]);
  });

  it('lists a build’s runs: a second reconcile with no run changed costs no counted request', async () => {
    gh.workflows.add(WORKFLOW_FILE);
    const sha = gh.git.resolve('main') ?? '';
    gh.startRun({
      workflow: WORKFLOW_FILE,
      ref: 'main',
      sha,
      inputs: { role: 'work', build: '12-add-login', worker: 'W1.1', trigger: '-' },
    });
    const ctx = { ...repoContextOn(gh), octokit: installationClient(gh) };
    const since = new Date().toISOString();
    const first = await readRuns(ctx, { build: '12-add-login', since });
    const second = await readRuns(ctx, { build: '12-add-login', since });
    expect(second).toEqual(first);
    expect(first).toMatchObject({ installed: true, runs: [{ role: 'work', worker: 'W1.1' }] });
    expect(gh.log.map((entry) => entry.status)).toEqual([200, 304]);
  });
});
