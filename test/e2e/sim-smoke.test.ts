// End-to-end (slow, about 10-20 s): real processes on 127.0.0.1, no network.
// The simulated GitHub (a real bare repository behind REST, git over HTTP and
// signed webhooks), the OIDC issuer, the scripted model, the real app process
// and real `baton session agent|publish` processes for the plan session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulation, STEP_LIMIT_MS, startSimulation } from '../../sim/e2e.js';
import { reply, scripted, toolUse } from '../../sim/fake-anthropic.js';
import { wallCeiling } from '../../sim/machine-time.js';
import { GREETING_TEXT_WORKER } from '../support/plans.js';

const PLAN = {
  title: 'Greeting command',
  summary: 'Write the greeting text, then the command that prints it.',
  workers: [
    GREETING_TEXT_WORKER,
    {
      id: 'W2.1',
      title: 'Greet command',
      depends_on: ['W1.1'],
      complexity: 'normal',
      brief: '## Mission\n\nPrint the greeting.\n\n## Success criteria\n\n- [ ] it prints\n',
    },
  ],
};

describe('the simulator runs a plan session end to end', {
  timeout: wallCeiling(STEP_LIMIT_MS),
}, () => {
  let sim: Simulation;

  beforeAll(async () => {
    sim = await startSimulation({ respond: scripted([reply(toolUse('submit_plan', PLAN))]) });
  }, wallCeiling(STEP_LIMIT_MS));
  afterAll(async () => {
    await sim?.stop();
  });

  it('labels an issue and shows the plan the session published in the status comment', async () => {
    const issue = sim.labelIssue({ title: 'Add a greeting', body: 'Print hello.' });
    const status = await sim.waitForStatus(issue, 'Greet command');
    expect(status).toContain('Greeting text');
    expect(status).toContain('W2.1');
    const run = sim.gh.runs.find((r) => r.inputs.role === 'plan');
    expect(run).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(sim.runner.jobs.map((job) => [job.job, job.code])).toEqual([
      ['agent', 0],
      ['publish', 0],
    ]);
    const plan = sim.gh.git.filesOf(
      sim.gh.git.resolve(`baton/${run?.inputs.build}/integration`) ?? '',
    );
    expect(
      JSON.parse(plan.get(`.baton/builds/${run?.inputs.build}/plan.json`) ?? '{}'),
    ).toMatchObject({
      title: 'Greeting command',
    });
    expect(sim.model.requests).toHaveLength(1);
    expect(sim.server.deliveries.every((d) => d.status === 200)).toBe(true);
  });
});
