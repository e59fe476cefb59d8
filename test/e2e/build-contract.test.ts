// End-to-end (about two minutes): a build with a contract, through the real
// app (or, with nothing hosted, the conductor workflow) and session processes
// on the simulator, both played at once. The diamond W1.1, W1.2 → W2.1 whose
// plan names criteria: the plan session's code adds W0.1, whose contract
// session (the scripted model) writes a check per criterion, sees them fail and
// hands in contract.json; its pull request is reviewed and merged, and only
// then are the workers' first runs created.
import { describe, expect, it } from 'vitest';
import { sessionRuns } from '../../sim/actions/runner.js';
import {
  type Simulation,
  type SimulationMode,
  startSimulation,
  WHOLE_BUILD_LIMIT_MS,
} from '../../sim/e2e.js';
import type { SimPull } from '../../sim/github/records.js';
import { contractScenario } from '../../sim/scenario/builds/contract-scenario.js';
import { GREETING_ISSUE, setUpWidgets } from '../../sim/scenario/builds/greeting-scenario.js';
import { findFinalPull } from '../../sim/scenario/play-build.js';
import { createScriptedModel, type ScriptedModel } from '../../sim/scenario/scripted-model.js';
import { Contract, contractPath } from '../../src/core/plan/contract.js';
import { Plan } from '../../src/core/plan/plan.js';
import { findStatusBuild } from '../../src/core/status/render-status.js';
import { integrationBranch, planPath, workerBranch } from '../../src/core/vocabulary/ids.js';
import { playBuildsAtOnce } from '../support/builds-at-once.js';

interface Played {
  sim: Simulation;
  model: ScriptedModel;
  build: string;
  /** What the plan session committed, read when the plan waited for /approve. */
  plan: Plan;
  /** The status comment then. */
  planStatus: string;
  final: SimPull;
}

/** Starts a simulation in `mode` and plays the build with a contract to its final pull request. */
async function play(started: Simulation[], mode: SimulationMode): Promise<Played> {
  const model = createScriptedModel(contractScenario());
  const sim = await startSimulation({ respond: model, setup: setUpWidgets, parallel: 2, mode });
  started.push(sim);
  const issue = sim.labelIssue(GREETING_ISSUE);
  const status = () => sim.statusComment(issue) ?? '';
  await sim.waitFor('the plan', () => status().includes('Reply `/approve`'), WHOLE_BUILD_LIMIT_MS);
  const build = findStatusBuild(status()) ?? '';
  const files = sim.gh.git.filesOf(sim.gh.git.resolve(integrationBranch(build)) ?? '');
  const plan = Plan.parse(JSON.parse(files.get(planPath(build)) ?? ''));
  const planStatus = status();
  sim.comment({ issue, body: '/approve' });
  const final = await sim.waitFor(
    'the final pull request',
    () => findFinalPull(sim.gh, build),
    WHOLE_BUILD_LIMIT_MS,
  );
  await sim.runner.idle();
  return { sim, model, build, plan, planStatus, final };
}

const builds = playBuildsAtOnce((started) => ({
  hosted: play(started, 'hosted'),
  serverless: play(started, 'serverless'),
}));

describe.each(['hosted', 'serverless'] as const)(
  'a build with a contract, end to end (%s)',
  (mode) => {
    it('plans W0.1 first, with every worker of wave 1 waiting for it', async () => {
      const { plan, planStatus } = await builds()[mode];
      expect(plan.workers.map((w) => [w.id, w.depends_on, w.contract])).toEqual([
        ['W0.1', [], true],
        ['W1.1', ['W0.1'], undefined],
        ['W1.2', ['W0.1'], undefined],
        ['W2.1', ['W1.1', 'W1.2'], undefined],
      ]);
      expect(plan.workers[1]?.criteria).toEqual([
        '`greeting("Ada")` is `Hello, Ada!`',
        'the test passes',
      ]);
      expect(planStatus).toContain('(writes the contract)');
    });

    it("merges the contract before any worker's first run is created, and the workers deliver on top of its checks", async () => {
      const { sim, model, build, final } = await builds()[mode];
      expect(model.problems).toEqual([]);
      const runs = sessionRuns(sim.gh.runs);
      const contractRuns = runs.filter((run) => run.inputs.role === 'contract');
      expect(contractRuns.map((run) => [run.inputs.worker, run.conclusion])).toEqual([
        ['W0.1', 'success'],
      ]);
      const pull = [...sim.gh.pulls.values()].find((p) => p.head === workerBranch(build, 'W0.1'));
      expect(pull?.base).toBe(integrationBranch(build));
      const mergedAt = Date.parse(pull?.mergedAt ?? '');
      expect(mergedAt).not.toBeNaN();
      const work = runs.filter((run) => run.inputs.role === 'work');
      expect(work.map((run) => run.inputs.worker).sort()).toEqual(['W1.1', 'W1.2', 'W2.1']);
      for (const run of work) expect(Date.parse(run.createdAt)).toBeGreaterThanOrEqual(mergedAt);

      const delivered = sim.gh.git.filesOf(sim.gh.git.resolve(final.head) ?? '');
      const contract = Contract.parse(JSON.parse(delivered.get(contractPath(build)) ?? ''));
      expect(contract.checks.map((check) => check.criterion)).toEqual([
        'W1.1:1',
        'W1.2:1',
        'W2.1:1',
      ]);
      expect(delivered.has('test/contract/criteria.test.js')).toBe(true);
    });
  },
);
