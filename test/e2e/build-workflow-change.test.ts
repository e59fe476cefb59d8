// End-to-end (slow, about two minutes): the diamond build whose default branch
// gains a workflow file while the first workers run. The app merges the default
// branch into the build branch (its token has `workflows`); W1.1 and W1.2 both
// write src/index.js, so the second to merge conflicts, and its fix session
// merges the build branch, workflow file included, into the worker branch. The
// simulated GitHub refuses an app's push that creates or updates a workflow
// without `workflows`, as GitHub does: the fix lands only because the token
// endpoint gives that fix `workflows: write`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCeiling, type Simulation, startSimulation } from '../../sim/e2e.js';
import {
  diamondScenario,
  GREETING_ISSUE,
  setUpWidgets,
} from '../../sim/scenario/builds/greeting-scenario.js';
import { type PlayedBuild, playBuild } from '../../sim/scenario/play-build.js';
import { createScriptedModel } from '../../sim/scenario/scripted-model.js';
import { integrationBranch, workerBranch } from '../../src/core/vocabulary/ids.js';

const CI_WORKFLOW = '.github/workflows/ci.yml';
const CI_TEXT = 'name: CI\non: pull_request\njobs: {}\n';

let sim: Simulation;
let build: PlayedBuild;

beforeAll(async () => {
  const scenario = diamondScenario({ sharedIndex: true });
  sim = await startSimulation({
    respond: createScriptedModel(scenario),
    setup: setUpWidgets,
    parallel: 2,
  });
  // A person changes a workflow on the default branch once the first workers are dispatched.
  let changed = false;
  sim.gh.runListeners.add((run) => {
    if (changed || run.inputs.role !== 'work') return;
    changed = true;
    sim.gh.pushCommit({
      branch: sim.gh.defaultBranch,
      changes: { [CI_WORKFLOW]: CI_TEXT },
      message: 'Add CI',
      sender: 'maintainer',
    });
  });
  build = await playBuild({ sim, issue: GREETING_ISSUE, timeoutMs: 300_000 });
}, buildCeiling(300_000));
afterAll(async () => {
  await sim?.stop();
});

describe('a fix session after a workflow changed on the default branch', () => {
  it('merges the build branch, workflow included, into the conflicting worker, and it lands', () => {
    const conflictFixes = sim.gh.runs.filter(
      (run) => run.inputs.role === 'fix' && run.inputs.trigger?.startsWith('conflict-'),
    );
    expect(conflictFixes.length).toBeGreaterThan(0);
    expect(conflictFixes.every((run) => run.conclusion === 'success')).toBe(true);
    const fixed = conflictFixes[0]?.inputs.worker ?? '';
    const head = sim.gh.git.resolve(workerBranch(build.build, fixed)) ?? '';
    expect(sim.gh.git.filesOf(head).get(CI_WORKFLOW)).toBe(CI_TEXT);
    const integration = sim.gh.git.resolve(integrationBranch(build.build)) ?? '';
    expect(sim.gh.git.filesOf(integration).get(CI_WORKFLOW)).toBe(CI_TEXT);
  });

  it('gave workflows: write to that fix only, and to no other session', () => {
    const withWorkflows = [...sim.gh.tokens.values()].filter(
      (grants) => grants.workflows === 'write',
    );
    const fixes = sim.gh.runs.filter(
      (run) => run.inputs.role === 'fix' && run.inputs.trigger?.startsWith('conflict-'),
    );
    expect(withWorkflows).toHaveLength(fixes.length);
    expect(sim.gh.tokens.size).toBeGreaterThan(withWorkflows.length);
  });
});
