// End-to-end (about half a minute): plan sessions on a GitHub that refuses the
// agent job's read-only GITHUB_TOKEN a collaborator's permission
// (`baton doctor`'s collaborator-permission probe answers no). The agent job
// cannot tell a writer's edit of the issue from an outsider's, so it goes on,
// and publish, with the app's token, checks who edited the issue before it
// writes the plan: a plan of an issue an outsider edited after the label is
// refused, a plan of an untouched issue lands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildCeiling,
  MAINTAINER,
  type Simulation,
  STEP_LIMIT_MS,
  startSimulation,
} from '../../sim/e2e.js';
import { reply, toolUse } from '../../sim/fake-anthropic.js';
import { integrationBranch, planPath } from '../../src/core/vocabulary/ids.js';
import { ONE_WORKER_PLAN } from '../support/plans.js';

const PLAN = ONE_WORKER_PLAN;

let sim: Simulation;
/** The issue mallory edited after the label, and the one mallory edited before it. */
const issues = { edited: 0, untouched: 0 };

beforeAll(async () => {
  sim = await startSimulation({
    respond: () => reply(toolUse('submit_plan', PLAN)),
    parallel: 2,
  });
  sim.gh.readOnlyTokenReadsPermissions = false;
  // mallory (no access) opens both issues and edits each body: one after the
  // maintainer's label, one before it (the plan reads that text: a writer asked for it).
  const opened = (title: string, editedAt: number) => {
    const issue = sim.gh.openIssue({ title, body: 'Print it.', user: 'mallory' });
    const open = sim.gh.issues.get(issue);
    if (open) open.lastEdit = { at: new Date(editedAt).toISOString(), editor: 'mallory' };
    sim.gh.events.labeled(issue, 'orchestrate', MAINTAINER);
    return issue;
  };
  issues.edited = opened('Add a greeting', Date.now() + 60_000);
  issues.untouched = opened('Add a farewell', Date.now() - 60_000);
  await sim.waitFor(
    'both plan runs to end',
    () =>
      sim.gh.runs.filter((run) => run.inputs.role === 'plan' && run.conclusion !== null).length >=
      2,
  );
  // The simulation's start, then its wait on the sessions (STEP_LIMIT_MS): the wait says what it waited for.
}, buildCeiling(STEP_LIMIT_MS));
afterAll(async () => {
  await sim?.stop();
});

function planRun(issue: number) {
  return sim.gh.runs.find(
    (run) => run.inputs.role === 'plan' && run.inputs.issue === String(issue),
  );
}

function planOf(issue: number): string | undefined {
  const run = planRun(issue);
  const build = run?.inputs.build ?? '';
  const head = sim.gh.git.resolve(integrationBranch(build));
  return head ? sim.gh.git.filesOf(head).get(planPath(build)) : undefined;
}

function jobOutput(issue: number, job: string): string {
  const run = planRun(issue);
  return sim.runner.jobs
    .filter((one) => one.runId === run?.id && one.job === job)
    .map((one) => `${one.stderr}${one.stdout}${one.summary}`)
    .join('\n');
}

describe("plans where the agent job's token may not read a collaborator's permission", () => {
  it('lands the plan of an issue no one without write access edited after the label', () => {
    expect(planOf(issues.untouched), sim.diagnostics()).toContain('"title": "Greeting"');
    expect(planRun(issues.untouched)?.conclusion).toBe('success');
    expect(jobOutput(issues.untouched, 'agent')).toContain('publish checks who edited');
  });

  it('refuses at publish the plan of an issue an outsider edited after the label', () => {
    expect(planOf(issues.edited)).toBeUndefined();
    expect(planRun(issues.edited)?.conclusion).toBe('failure');
    expect(jobOutput(issues.edited, 'publish')).toContain(
      `#${issues.edited}'s body was changed by mallory (no write access)`,
    );
  });
});
