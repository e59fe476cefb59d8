import { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import { FakeGitHub, joinInstallation } from '../../sim/github/fake-github.js';
import { installationToken } from '../../sim/github/tokens.js';
import {
  createRunsBudget,
  installationRuns,
  listRecentRuns,
  RUNS_FRESH_MS,
} from '../../src/conductor/recent-writes.js';
import { createWriteBudget } from '../../src/github/client/pacing/write-budget.js';
import { mountEachTest } from '../support/app-tests.js';

const MINUTE = 60_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

describe("a conductor job's write budget, read off the installation's session runs", () => {
  it('holds a first dispatch while the runs of the last minute and hour fill them', async () => {
    // Twenty work sessions dispatched in the last minute by earlier jobs, each reviewed in its
    // run: 20 × (3 + 1 + 1) writes.
    const runs = Array.from({ length: 20 }, () => ({
      createdAt: ago(10_000),
      role: 'work' as const,
    }));
    const budget = createWriteBudget({ shared: createRunsBudget(async () => runs) });
    expect(budget.waitFor('dispatch', 'acme/shop#1-a')).toBe(0);
    await budget.sync();
    expect(budget.used()).toEqual({ minute: 100, hour: 100 });
    expect(budget.waitFor('status')).toBeGreaterThan(0);
    expect(budget.waitFor('dispatch', 'acme/shop#1-a')).toBeGreaterThan(0);
  });

  it('reads the runs once for a while, and counts the writes the job made since', async () => {
    let at = Date.now();
    let listings = 0;
    const shared = createRunsBudget(
      async () => {
        listings++;
        return [{ createdAt: new Date(at - 10_000).toISOString(), role: 'work' as const }];
      },
      () => at,
    );
    const budget = createWriteBudget({ shared, clock: () => at });
    await budget.sync();
    budget.note(2);
    at += RUNS_FRESH_MS / 2;
    await budget.sync();
    // One listing; the run it showed (3 + 1, and its review's 1) and the job's own two writes since.
    expect(listings).toBe(1);
    expect(budget.used()).toEqual({ minute: 7, hour: 7 });
    at += RUNS_FRESH_MS;
    await budget.sync();
    expect(listings).toBe(2);
  });

  it('counts only the last hour', async () => {
    const runs = [
      { createdAt: ago(61 * MINUTE), role: 'work' as const },
      { createdAt: ago(30 * MINUTE), role: 'review' as const },
    ];
    const budget = createWriteBudget({ shared: createRunsBudget(async () => runs) });
    await budget.sync();
    expect(budget.used()).toEqual({ minute: 0, hour: 4 });
  });
});

/** A run of `workflow` made now, titled `displayTitle`. */
function runOf(id: number, workflow: string, displayTitle: string) {
  const at = new Date().toISOString();
  return {
    id,
    workflow,
    displayTitle,
    event: 'workflow_dispatch',
    headBranch: 'main',
    headSha: 'a'.repeat(40),
    status: 'completed' as const,
    conclusion: 'success',
    createdAt: at,
    updatedAt: at,
    runAttempt: 1,
    inputs: {},
  };
}

describe('the session runs of the last hour, as GitHub lists them', () => {
  let gh: FakeGitHub;
  mountEachTest((mounted) => {
    gh = mounted;
  });

  it("lists the session workflow's runs with their roles, not the conductor's or CI's", async () => {
    gh.runs.push(
      runOf(1, 'baton.yml', 'baton work 1-x W1.1 -'),
      runOf(2, 'baton.yml', 'baton review 1-x W1.1 head-abc'),
      runOf(3, 'baton-conductor.yml', 'Baton conductor'),
      runOf(4, 'ci.yml', 'CI'),
    );
    gh.workflows.add('baton.yml');
    const octokit = new Octokit({ auth: installationToken(gh.installationId) });
    const listed = await listRecentRuns(octokit as never, { owner: gh.owner, repo: gh.repo });
    expect(listed.map((one) => one.role).sort()).toEqual(['review', 'work']);
    // Asked again before the next first dispatch: unchanged, GitHub answers 304, which it does not count.
    const again = await listRecentRuns(octokit as never, { owner: gh.owner, repo: gh.repo });
    expect(again).toEqual(listed);
    const listings = gh.log.filter((entry) =>
      entry.route.endsWith('/workflows/{workflow_id}/runs'),
    );
    expect(listings.map((entry) => entry.status)).toEqual([200, 304]);
  });
});

describe("the session runs of the last hour of the installation's every repository", () => {
  let gh: FakeGitHub;
  let lib: FakeGitHub;
  mountEachTest(
    (mounted) => {
      gh = mounted;
    },
    () => {
      const home = new FakeGitHub({ repo: 'service', repositoryId: 1 });
      lib = new FakeGitHub({ repo: 'lib', repositoryId: 2 });
      // A repository of the installation without Baton: GitHub lists no runs of a workflow it lacks (404).
      const docs = new FakeGitHub({ repo: 'docs', repositoryId: 3 });
      joinInstallation(home, lib, docs);
      return home;
    },
  );

  it('counts the sessions of every repository of the installation, not the conductor’s alone', async () => {
    gh.workflows.add('baton.yml');
    lib.workflows.add('baton.yml');
    gh.runs.push(runOf(1, 'baton.yml', 'baton work 1-x W1.1 -'));
    lib.runs.push(
      runOf(2, 'baton.yml', 'baton work 4-y W1.1 -'),
      runOf(3, 'baton.yml', 'baton review 4-y W1.1 head-abc'),
    );
    const octokit = new Octokit({ auth: installationToken(gh.installationId) });
    const list = installationRuns(async () => octokit as never);

    const listed = await list();

    expect(listed.map((one) => one.role).sort()).toEqual(['review', 'work', 'work']);
    const budget = createWriteBudget({ shared: createRunsBudget(async () => listed) });
    await budget.sync();
    // Three sessions, each 3 writes around it and its own, and a review in each work run: 5 + 5 + 4.
    expect(budget.used()).toEqual({ minute: 14, hour: 14 });
    // Listed again: each repository's runs afresh, the repositories as the job first listed them.
    lib.runs.push(runOf(4, 'baton.yml', 'baton fix 4-y W1.1 review-5'));
    expect(await list()).toHaveLength(4);
    expect(gh.log.filter((entry) => entry.route === 'GET /installation/repositories')).toHaveLength(
      1,
    );
  });
});
