import { describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import type { SimRun } from '../../sim/github/records.js';
import { asApp } from '../support/as-app.js';

function rerunFailedJobs(gh: FakeGitHub, run: SimRun) {
  return gh.handle({
    method: 'POST',
    path: `/repos/${gh.fullName}/actions/runs/${run.id}/rerun-failed-jobs`,
    query: new URLSearchParams(),
    body: {},
    headers: asApp(gh),
  });
}

/**
 * A CI run's failed jobs re-run as GitHub re-runs them: a new attempt, queued, told to
 * whoever plays runs, so a test's scripted CI can end it (a build waits for its checks).
 */
describe("the simulated re-run of a CI run's failed jobs", () => {
  it('queues a new attempt, its check queued, and tells the run listeners', () => {
    const gh = new FakeGitHub();
    const sha = gh.git.commitOn('feature', { 'a.txt': 'a\n' });
    gh.addCheck({ sha, name: 'contract: waves', conclusion: 'failure' });
    const run = gh.runs.find((one) => one.workflow === 'ci.yml');
    if (!run) throw new Error('no CI run');
    const told: { id: number; attempt: number; status: string }[] = [];
    gh.runListeners.add((one) =>
      told.push({ id: one.id, attempt: one.runAttempt, status: one.status }),
    );
    expect(rerunFailedJobs(gh, run).status).toBe(201);
    expect(told).toEqual([{ id: run.id, attempt: 2, status: 'queued' }]);
    expect(gh.checkRuns.filter((check) => check.headSha === sha)).toMatchObject([
      { name: 'contract: waves', status: 'queued', conclusion: null },
    ]);
    // The scripted CI ends the attempt: its check is the attempt's.
    gh.completeCheck(run, { name: 'contract: waves', conclusion: 'failure' });
    expect(gh.checkRuns.filter((check) => check.headSha === sha)).toMatchObject([
      { status: 'completed', conclusion: 'failure' },
    ]);
  });
});
