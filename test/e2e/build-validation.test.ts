// End-to-end (about two minutes): validators that did not write the code,
// through the real app and session processes on the simulator. The diamond
// with a contract on its build branch: milestone 1's validation passes,
// milestone 2's fails on W2.1's check, publish adds the fix worker W3.1, which
// works, is reviewed and merges; milestone 3 passes; only then the final pull
// request opens.
import { afterAll, describe, expect, it } from 'vitest';
import { type Simulation, startSimulation, WHOLE_BUILD_LIMIT_MS } from '../../sim/e2e.js';
import { GREETING_ISSUE, setUpWidgets } from '../../sim/scenario/builds/greeting-scenario.js';
import {
  VALIDATION_CONTRACT,
  validationScenario,
} from '../../sim/scenario/builds/validation-scenario.js';
import { findFinalPull } from '../../sim/scenario/play-build.js';
import { createScriptedModel } from '../../sim/scenario/scripted-model.js';
import { contractPath } from '../../src/core/plan/contract.js';
import { parseValidationMessage, validationRefPrefix } from '../../src/core/plan/validation.js';
import { findStatusBuild } from '../../src/core/status/render-status.js';
import { integrationBranch, planPath } from '../../src/core/vocabulary/ids.js';

let sim: Simulation | null = null;

afterAll(async () => {
  await sim?.stop();
});

describe('validation, end to end', () => {
  it('files a fix worker for the failing check and opens the final PR once the last milestone passes', async () => {
    const model = createScriptedModel(validationScenario());
    sim = await startSimulation({ respond: model, setup: setUpWidgets, parallel: 2 });
    const s = sim;
    const issue = s.labelIssue(GREETING_ISSUE);
    const status = () => s.statusComment(issue) ?? '';
    await s.waitFor('the plan', () => status().includes('Reply `/approve`'), WHOLE_BUILD_LIMIT_MS);
    const build = findStatusBuild(status()) ?? '';
    // What the contract worker would have merged: contract.json on the build branch.
    s.gh.pushCommit({
      branch: integrationBranch(build),
      changes: { [contractPath(build)]: `${JSON.stringify(VALIDATION_CONTRACT, null, 2)}\n` },
      message: 'The contract',
    });
    s.comment({ issue, body: '/approve' });

    const final = await s.waitFor(
      'the final pull request',
      () => findFinalPull(s.gh, build),
      WHOLE_BUILD_LIMIT_MS,
    );
    await s.waitFor(
      'the status to show it',
      () => status().includes(`#${final.number}`),
      WHOLE_BUILD_LIMIT_MS,
    );
    await s.runner.idle();

    expect(model.problems).toEqual([]);
    const validations = s.gh.runs.filter((run) => run.inputs.role === 'validate');
    expect(validations.map((run) => run.inputs.worker)).toEqual(['M1', 'M2', 'M3']);
    expect(validations.every((run) => run.conclusion === 'success')).toBe(true);
    // Only milestone 2's session asked the model: the others' command exited 0.
    expect(model.sessions.filter((session) => session.role === 'validate')).toMatchObject([
      { worker: null, submitted: { failures: [{ check: 'W2.1:1' }] } },
    ]);
    const records = [...s.gh.git.refs.keys()]
      .filter((ref) => ref.startsWith(validationRefPrefix(build)))
      .map((ref) => {
        const commit = s.gh.git.objects.get(s.gh.git.refs.get(ref) ?? '');
        return parseValidationMessage(commit?.type === 'commit' ? commit.message : '');
      })
      .sort((a, b) => (a?.milestone ?? 0) - (b?.milestone ?? 0));
    expect(records.map((record) => [record?.milestone, record?.passed, record?.failed])).toEqual([
      [1, true, []],
      [2, false, [{ check: 'W2.1:1', worker: 'W3.1' }]],
      [3, true, []],
    ]);
    const head = s.gh.git.resolve(integrationBranch(build)) ?? '';
    const plan = JSON.parse(s.gh.git.filesOf(head).get(planPath(build)) ?? '{}');
    expect(plan.workers.map((worker: { id: string }) => worker.id)).toEqual([
      'W1.1',
      'W1.2',
      'W2.1',
      'W3.1',
    ]);
    // The final pull request was made after the last validation ended.
    const m3 = validations.at(-1);
    expect(Date.parse(final.createdAt)).toBeGreaterThanOrEqual(Date.parse(m3?.updatedAt ?? ''));
    expect(status()).toContain('1 check (W2.1:1) → fix worker W3.1');
  });
});
