// End-to-end (slow, about 15 s): the same plan session as sim-smoke, with the
// simulator's fault knobs on. Every webhook arrives twice and out of order, and
// the status comment's creation first meets a secondary rate limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulation, STEP_LIMIT_MS, startSimulation } from '../../sim/e2e.js';
import { reply, scripted, toolUse } from '../../sim/fake-anthropic.js';
import { wallCeiling } from '../../sim/machine-time.js';
import { GREETING_TEXT_WORKER } from '../support/plans.js';

const PLAN = {
  title: 'Greeting command',
  summary: 'Write the greeting text that a later worker prints.',
  workers: [GREETING_TEXT_WORKER],
};

describe('the simulator with faults on', { timeout: wallCeiling(STEP_LIMIT_MS) }, () => {
  let sim: Simulation;

  beforeAll(async () => {
    sim = await startSimulation({
      respond: scripted([reply(toolUse('submit_plan', PLAN))]),
      faults: { duplicateWebhooks: true, reorderWindow: 4 },
      seed: 3,
    });
  }, wallCeiling(STEP_LIMIT_MS));
  afterAll(async () => {
    await sim?.stop();
  });

  it('ends with one plan session and one status comment despite duplicates and a rate limit', async () => {
    const { gh, server } = sim;
    server.faults.rateLimitNext({ status: 403, match: `POST /repos/${gh.fullName}/issues/` });
    const issue = sim.labelIssue({ title: 'Add a greeting' });
    await sim.waitForStatus(issue, 'Greeting text');
    await server.idle();
    expect(gh.runs.map((run) => [run.inputs.role, run.conclusion])).toEqual([['plan', 'success']]);
    // One status comment, and one notice that the plan waits for /approve.
    const comments = gh.comments.filter((c) => c.issue === issue);
    expect(comments.filter((c) => c.body.includes('<!-- baton:status'))).toHaveLength(1);
    expect(comments.filter((c) => c.body.includes('<!-- baton:notice'))).toHaveLength(1);
    expect(comments).toHaveLength(2);
    expect(server.requests.filter((r) => r.fault === 'rate-limit')).toHaveLength(1);
    const labeled = server.deliveries.filter((d) => d.event === 'issues.labeled');
    expect(labeled).toHaveLength(2);
    expect(labeled[0]?.id).toBe(labeled[1]?.id);
  });
});
