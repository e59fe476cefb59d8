// End-to-end (slow): SIGTERM reaches the real app process in the middle of a
// build; it exits 0, and another process on the same address carries the
// build to its plan: nothing was lost with the first one (DESIGN §3). After
// /approve, the second process's /metrics shows the build's numbers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulation, STEP_LIMIT_MS, startSimulation, WEBHOOK_SECRET } from '../../sim/e2e.js';
import { reply, scripted, toolUse } from '../../sim/fake-anthropic.js';
import { wallCeiling } from '../../sim/machine-time.js';
import { type AppProcess, startAppProcess } from '../../sim/start-app.js';

const PLAN = {
  title: 'Greeting',
  summary: 'Write the greeting text.',
  workers: [
    {
      id: 'W1.1',
      title: 'Greeting text',
      depends_on: [],
      complexity: 'easy',
      brief: '## Mission\n\nAdd greeting.txt.\n\n## Success criteria\n\n- [ ] it exists\n',
    },
  ],
};

describe('SIGTERM in the middle of a build, then /metrics', {
  timeout: wallCeiling(STEP_LIMIT_MS),
}, () => {
  let sim: Simulation;
  let second: AppProcess | undefined;
  let issue = 0;
  // The plan session's model holds its answer until the second process listens.
  let openGate = () => {};
  const gate = new Promise<void>((resolve) => {
    openGate = resolve;
  });
  const plan = scripted([reply(toolUse('submit_plan', PLAN))]);

  beforeAll(async () => {
    sim = await startSimulation({
      respond: async (request, index) => {
        await gate;
        return plan(request, index);
      },
      logLevel: 'info',
    });
  }, wallCeiling(STEP_LIMIT_MS));
  afterAll(async () => {
    openGate();
    await second?.stop();
    await sim?.stop();
  });

  it('exits 0 after the work in flight, and the next process finishes the build', async () => {
    issue = sim.labelIssue({ title: 'Add a greeting', body: 'Print hello.' });
    await sim.waitFor('the plan session asking the model', () => sim.model.requests.length > 0);
    process.kill(sim.app.pid, 'SIGTERM');
    expect(await sim.app.exited).toEqual({ code: 0, signal: null });
    expect(sim.app.output()).toContain('baton: stopped');

    const port = Number(new URL(sim.app.url).port);
    second = await startAppProcess({
      gheHost: sim.server.host,
      webhookSecret: WEBHOOK_SECRET,
      oidcIssuer: sim.issuer.url,
      port,
      // The same app as the first process: GitHub checks its JWTs against the app's key.
      env: { PRIVATE_KEY: sim.appPrivateKey },
    });
    openGate();
    const status = await sim.waitForStatus(issue, 'Greeting text');
    expect(status).toContain('W1.1');
    expect(sim.gh.runs.filter((run) => run.inputs.role === 'plan')).toHaveLength(1);
  });

  it('the process that carried the build on counted it at /metrics', async () => {
    sim.comment({ issue, body: '/approve' });
    await sim.waitFor('the work session of W1.1', () =>
      sim.gh.runs.some((run) => run.inputs.role === 'work' && run.inputs.worker === 'W1.1'),
    );
    // The reconcile that dispatched it counts once it has also rendered the status.
    const text = await scrapeUntil(`${second?.url}/metrics`, /^baton_sessions_dispatched_total\{/m);
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 'NaN');
    expect(
      value(/^baton_webhooks_total\{event="push",outcome="received"\} (\d+)$/m),
    ).toBeGreaterThan(0);
    expect(
      value(/^baton_reconcile_duration_seconds_count\{outcome="ok"\} (\d+)$/m),
    ).toBeGreaterThan(0);
    // The status comment it wrote, counted by route template, never by expanded URL.
    expect(
      value(
        /^baton_github_requests_total\{route="(?:PATCH|POST) \/repos\/\{owner\}\/\{repo\}\/issues\/[^"]*",status="20\d",reason="status-edit"\} (\d+)$/m,
      ),
    ).toBeGreaterThan(0);
    expect(text).not.toMatch(/route="[^"]*\/repos\/octo-org/);
    // The build's own numbers: the plan was dispatched by the first process, the work session by this one.
    expect(value(/^baton_sessions_dispatched_total\{role="work"\} (\d+)$/m)).toBeGreaterThan(0);
    expect(text).not.toMatch(/^baton_sessions_dispatched_total\{role="plan"\}/m);
    expect(value(/^baton_builds\{phase="running"\} (\d+)$/m)).toBe(1);
    expect(value(/^baton_actions_total\{kind="dispatch",result="done"\} (\d+)$/m)).toBeGreaterThan(
      0,
    );
    expect(
      value(/^baton_actions_total\{kind="render-status",result="done"\} (\d+)$/m),
    ).toBeGreaterThan(0);
    expect(text).toContain('# TYPE baton_github_rate_limit_remaining gauge');
  });
});

/** Scrapes `url` until its text matches `pattern` (30 s at most); answers the text. */
async function scrapeUntil(url: string, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const text = await response.text();
    if (pattern.test(text) || Date.now() > deadline) return text;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
