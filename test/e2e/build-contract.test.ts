// End-to-end (about a minute and a half): a build with a contract, through the
// real app and session processes on the simulator. The diamond W1.1, W1.2 →
// W2.1 whose plan names criteria: the plan session's code adds W0.1, whose
// contract session (the scripted model) writes a check per criterion, sees them
// fail and hands in contract.json; its pull request is reviewed and merged, and
// only then are the workers' first runs created.
import { afterAll, describe, expect, it } from 'vitest';
import { sessionRuns } from '../../sim/actions/runner.js';
import { type Simulation, startSimulation, WHOLE_BUILD_LIMIT_MS } from '../../sim/e2e.js';
import { contractScenario } from '../../sim/scenario/builds/contract-scenario.js';
import { GREETING_ISSUE, setUpWidgets } from '../../sim/scenario/builds/greeting-scenario.js';
import { findFinalPull } from '../../sim/scenario/play-build.js';
import { createScriptedModel } from '../../sim/scenario/scripted-model.js';
import { Contract, contractPath } from '../../src/core/plan/contract.js';
import { Plan } from '../../src/core/plan/plan.js';
import { findStatusBuild } from '../../src/core/status/render-status.js';
import { integrationBranch, planPath, workerBranch } from '../../src/core/vocabulary/ids.js';

let sim: Simulation | null = null;

afterAll(async () => {
  await sim?.stop();
});

describe('a build with a contract, end to end', () => {
  it('merges the contract before any worker starts, and the workers deliver on top of its checks', async () => {
    const model = createScriptedModel(contractScenario());
    sim = await startSimulation({ respond: model, setup: setUpWidgets, parallel: 2 });
    const s = sim;
    const issue = s.labelIssue(GREETING_ISSUE);
    const status = () => s.statusComment(issue) ?? '';
    await s.waitFor('the plan', () => status().includes('Reply `/approve`'), WHOLE_BUILD_LIMIT_MS);
    const build = findStatusBuild(status()) ?? '';
    const planText = s.gh.git.filesOf(s.gh.git.resolve(integrationBranch(build)) ?? '');
    const plan = Plan.parse(JSON.parse(planText.get(planPath(build)) ?? ''));
    expect(plan.workers.map((w) => [w.id, w.depends_on])).toEqual([
      ['W0.1', []],
      ['W1.1', ['W0.1']],
      ['W1.2', ['W0.1']],
      ['W2.1', ['W1.1', 'W1.2']],
    ]);
    expect(status()).toContain('(writes the contract)');
    s.comment({ issue, body: '/approve' });

    const final = await s.waitFor(
      'the final pull request',
      () => findFinalPull(s.gh, build),
      WHOLE_BUILD_LIMIT_MS,
    );
    await s.runner.idle();
    expect(model.problems).toEqual([]);

    const runs = sessionRuns(s.gh.runs);
    const contractRuns = runs.filter((run) => run.inputs.role === 'contract');
    expect(contractRuns.map((run) => [run.inputs.worker, run.conclusion])).toEqual([
      ['W0.1', 'success'],
    ]);
    const pull = [...s.gh.pulls.values()].find((p) => p.head === workerBranch(build, 'W0.1'));
    expect(pull?.base).toBe(integrationBranch(build));
    const mergedAt = Date.parse(pull?.mergedAt ?? '');
    expect(mergedAt).not.toBeNaN();
    const work = runs.filter((run) => run.inputs.role === 'work');
    expect(work.map((run) => run.inputs.worker).sort()).toEqual(['W1.1', 'W1.2', 'W2.1']);
    for (const run of work) expect(Date.parse(run.createdAt)).toBeGreaterThanOrEqual(mergedAt);

    const delivered = s.gh.git.filesOf(s.gh.git.resolve(final.head) ?? '');
    const contract = Contract.parse(JSON.parse(delivered.get(contractPath(build)) ?? ''));
    expect(contract.checks.map((check) => check.criterion)).toEqual(['W1.1:1', 'W1.2:1', 'W2.1:1']);
    expect(delivered.has('test/contract/criteria.test.js')).toBe(true);
  });
});
