import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { CONTRACT_WORKER } from '../../src/core/plan/contract.js';
import { integrationBranch, workerBranch } from '../../src/core/vocabulary/ids.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, type PlanWorkerSpec, statusBody } from '../support/builds.js';
import { makeScript, runApprovedBuild } from '../support/scripted-sessions.js';

/** A diamond whose plan names criteria: the contract's worker first, which wave 1 waits for. */
const WORKERS: PlanWorkerSpec[] = [
  { id: 'W0.1', title: 'Contract: checks for the acceptance criteria' },
  { id: 'W1.1', title: 'OAuth provider', depends_on: ['W0.1'] },
  { id: 'W1.2', title: 'Login routes', depends_on: ['W0.1'] },
  { id: 'W2.1', title: 'Session handling', depends_on: ['W1.1', 'W1.2'] },
];

const PLAN = {
  version: 1,
  build: BUILD,
  issue: 1,
  title: 'Add OAuth login',
  summary: 'An OAuth provider, the login routes, and the session handling that ties them together.',
  criteria: ['GET /login redirects to the provider'],
  workers: WORKERS.map((worker) => ({
    id: worker.id,
    title: worker.title,
    depends_on: worker.depends_on ?? [],
    complexity: 'normal',
    ...(worker.id === CONTRACT_WORKER ? { contract: true } : {}),
    ...(worker.id === 'W1.1' ? { criteria: ['the provider answers a token for a code'] } : {}),
  })),
};

describe('a build with a contract, through the app', () => {
  let gh: FakeGitHub;
  let apps: AppHarness[];

  startAppEachTest((started) => ({ gh, apps } = started));

  it("runs the contract's session first, has its pull request reviewed and merged, and only then starts the workers", async () => {
    await runApprovedBuild({ gh, apps, script: makeScript({ workers: WORKERS, plan: PLAN }) });
    for (const app of apps) expect(app.errors).toEqual([]);

    const sessions = gh.runs.filter((run) => run.workflow === 'baton.yml');
    const contractRuns = sessions.filter((run) => run.inputs.role === 'contract');
    expect(contractRuns.map((run) => run.inputs.worker)).toEqual([CONTRACT_WORKER]);
    expect(
      sessions.filter((run) => run.inputs.role === 'work' && run.inputs.worker === 'W0.1'),
    ).toEqual([]);
    const reviews = sessions.filter(
      (run) => run.inputs.role === 'review' && run.inputs.worker === CONTRACT_WORKER,
    );
    expect(reviews).toHaveLength(1);

    const pulls = [...gh.pulls.values()];
    const contract = pulls.find((pull) => pull.head === workerBranch(BUILD, CONTRACT_WORKER));
    expect(contract?.base).toBe(integrationBranch(BUILD));
    const mergedAt = Date.parse(contract?.mergedAt ?? '');
    expect(mergedAt).not.toBeNaN();
    // No worker's first run was created before the contract merged.
    const work = sessions.filter((run) => run.inputs.role === 'work');
    expect(work.map((run) => run.inputs.worker).sort()).toEqual(['W1.1', 'W1.2', 'W2.1']);
    for (const run of work) expect(Date.parse(run.createdAt)).toBeGreaterThanOrEqual(mergedAt);
    const firstWork = Math.min(...work.map((run) => sessions.indexOf(run)));
    expect(sessions.indexOf(contractRuns[0]!)).toBeLessThan(firstWork);
    expect(sessions.indexOf(reviews[0]!)).toBeLessThan(firstWork);

    // The workers start from a build branch that holds the contract's checks.
    const w11 = work.find((run) => run.inputs.worker === 'W1.1');
    expect([...gh.git.filesOf(w11?.headSha ?? '').keys()]).toEqual(
      expect.arrayContaining(['test/contract.test.ts', `.baton/builds/${BUILD}/contract.json`]),
    );
    const merged = pulls.filter((pull) => pull.mergedAt && pull.base === integrationBranch(BUILD));
    expect(merged).toHaveLength(4);
    expect(statusBody(gh, BUILD)).toContain(
      'W0.1 · “Contract: checks for the acceptance criteria”',
    );
  });
});
