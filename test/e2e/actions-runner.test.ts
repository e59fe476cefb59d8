import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkout } from '../../sim/actions/checkout.js';
import { jobEnv } from '../../sim/actions/job-env.js';
import { type ActionsRunner, startActionsRunner } from '../../sim/actions/runner.js';
import { installBaton } from '../../sim/e2e.js';
import { type FakeAnthropic, type Respond, startFakeAnthropic } from '../../sim/fake-anthropic.js';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import { GitRepoStore } from '../../sim/github/git/git-repo-store.js';
import type { SimRun } from '../../sim/github/records.js';
import { readOnlyToken } from '../../sim/github/tokens.js';
import { type OidcIssuer, startOidcIssuer } from '../../sim/oidc/issuer.js';
import { type GitHubServer, startGitHubServer } from '../../sim/server/github-server.js';
import { parseSessionEnv } from '../../src/session/env.js';
import { asApp } from '../support/as-app.js';

function makeRun(overrides: Partial<SimRun> = {}): SimRun {
  return {
    id: 1001,
    workflow: 'baton.yml',
    displayTitle: 'baton plan 1-add-a-greeting - -',
    event: 'workflow_dispatch',
    headBranch: 'baton/1-add-a-greeting/integration',
    headSha: 'a'.repeat(40),
    status: 'queued',
    conclusion: null,
    createdAt: '2026-11-22T10:00:00.000Z',
    updatedAt: '2026-11-22T10:00:00.000Z',
    runAttempt: 1,
    inputs: { role: 'plan', build: '1-add-a-greeting', issue: '1' },
    ...overrides,
  };
}

const WORLD = {
  serverUrl: 'http://127.0.0.1:1',
  apiUrl: 'http://127.0.0.1:1/api/v3',
  repository: 'octo-org/widgets',
  repositoryId: 1,
  appUrl: 'http://127.0.0.1:2',
  anthropicUrl: 'http://127.0.0.1:3',
  anthropicKey: 'sk-ant-simulated-key',
  audience: 'baton',
};
const DIRS = { workspace: '/w', temp: '/t', home: '/h' };
const GRANT = { requestUrl: 'http://127.0.0.1:4/_apis/idtoken', requestToken: 'grant' };

describe('the environment of the simulated jobs', () => {
  it.each([
    [
      'agent',
      ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'GITHUB_TOKEN'],
      ['BATON_APP_URL', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'],
    ],
    [
      'publish',
      ['BATON_APP_URL', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'],
      ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'GITHUB_TOKEN'],
    ],
  ] as const)(
    'gives the %s job what the workflow gives it, and nothing of the other job',
    (job, has, lacks) => {
      process.env.BATON_TEST_SENTINEL = 'leak';
      const env = jobEnv({ job, run: makeRun(), dirs: DIRS, world: WORLD, grant: GRANT });
      delete process.env.BATON_TEST_SENTINEL;
      for (const name of has) expect(env[name], name).toBeTruthy();
      for (const name of lacks) expect(env[name], name).toBeUndefined();
      expect(env.BATON_TEST_SENTINEL).toBeUndefined();
      expect(parseSessionEnv(env)).toMatchObject({
        ok: true,
        env: {
          BATON_ROLE: 'plan',
          BATON_BUILD: '1-add-a-greeting',
          GITHUB_API_URL: WORLD.apiUrl,
          GITHUB_SERVER_URL: WORLD.serverUrl,
          GITHUB_REPOSITORY: 'octo-org/widgets',
          GITHUB_WORKSPACE: '/w',
          GITHUB_RUN_ID: '1001',
          BATON_OUT: '/t/baton-out',
        },
      });
    },
  );

  it.each([
    ['review', 'agent', ['ANTHROPIC_API_KEY', 'GITHUB_TOKEN'], ['BATON_APP_URL', 'BATON_VIEWS']],
    [
      'review-publish',
      'publish',
      ['BATON_APP_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'],
      ['ANTHROPIC_API_KEY', 'GITHUB_TOKEN'],
    ],
  ] as const)(
    'gives the %s job the review of the head publish pushed, with what the %s job has',
    (job, _like, has, lacks) => {
      const run = makeRun({ inputs: { ...makeRun().inputs, role: 'work', worker: 'W1.1' } });
      const review = { pr: '7', head: 'b'.repeat(40) };
      const env = jobEnv({ job, run, dirs: DIRS, world: WORLD, grant: GRANT, review });
      for (const name of has) expect(env[name], name).toBeTruthy();
      for (const name of lacks) expect(env[name], name).toBeUndefined();
      // No engine nor budget of the dispatch's: the review's config picks its engine.
      expect(env.BATON_ENGINE).toBeUndefined();
      expect(parseSessionEnv(env)).toMatchObject({
        ok: true,
        env: {
          BATON_ROLE: 'review',
          BATON_AFTER: 'work',
          BATON_PR: '7',
          BATON_TRIGGER: `head-${review.head}`,
          BATON_WORKER: 'W1.1',
          BATON_OUT: '/t/baton-out',
        },
      });
      expect(env.GITHUB_JOB).toBe(job);
    },
  );
});

describe('the simulated Actions runner', () => {
  let gh: FakeGitHub;
  let store: GitRepoStore;
  let server: GitHubServer;
  let issuer: OidcIssuer;
  let model: FakeAnthropic;
  let runner: ActionsRunner;

  async function start(respond: Respond, parallel = 1) {
    model = await startFakeAnthropic({ respond });
    runner = startActionsRunner({
      gh,
      issuer,
      parallel,
      gitUrl: server.gitUrl,
      // No app listens here: publish cannot get a token.
      world: { ...WORLD, serverUrl: server.url, apiUrl: server.apiUrl, anthropicUrl: model.url },
    });
  }

  function dispatch(inputs: Record<string, string> = { role: 'plan' }): number {
    const issue = gh.openIssue({ title: 'Add a greeting' });
    gh.setBranch('baton/1-add-a-greeting/integration', gh.git.resolve('main') ?? '');
    const response = gh.handle({
      method: 'POST',
      path: `/repos/${gh.fullName}/actions/workflows/baton.yml/dispatches`,
      query: new URLSearchParams(),
      headers: asApp(gh),
      body: {
        ref: 'baton/1-add-a-greeting/integration',
        inputs: { build: '1-add-a-greeting', issue: String(issue), ...inputs },
        return_run_details: true,
      },
    });
    return (response.body as { workflow_run_id: number }).workflow_run_id;
  }

  function runEvents(): string[] {
    return server.deliveries
      .map((d) => d.event)
      .filter((event) => event.startsWith('workflow_run'));
  }

  beforeEach(async () => {
    store = new GitRepoStore();
    gh = new FakeGitHub({ git: store });
    installBaton(gh);
    issuer = await startOidcIssuer();
    server = await startGitHubServer({
      gh,
      appWebhookUrl: 'http://127.0.0.1:9/',
      webhookSecret: 's',
    });
  });
  afterEach(async () => {
    await runner?.close();
    await Promise.all([model?.close(), server.close(), issuer.close()]);
    store.dispose();
  });

  it('concludes a run as failure when a job exits non-zero, with the workflow_run webhooks', async () => {
    await start(() => ({
      error: { status: 400, type: 'invalid_request_error', message: 'scripted' },
    }));
    const id = dispatch();
    await runner.idle();
    await server.idle();
    // The model refused the request: the session failed, so its agent job is red too.
    expect(runner.jobs.map((job) => [job.job, job.code])).toEqual([
      ['agent', 1],
      ['publish', 3],
    ]);
    expect(runner.jobs[1]?.summary).toContain('Could not publish');
    const run = gh.runs.find((one) => one.id === id);
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    // Publish named no head to review: the review jobs are listed skipped, as a false `if:` shows them.
    expect(run?.jobs?.map((job) => [job.name, job.conclusion])).toEqual([
      ['baton agent', 'failure'],
      ['baton publish', 'failure'],
      ['baton review', 'skipped'],
      ['baton review publish', 'skipped'],
    ]);
    expect(runEvents()).toEqual([
      'workflow_run.requested',
      'workflow_run.in_progress',
      'workflow_run.completed',
    ]);
  });

  it("leaves the repository's own CI, and the re-run of its failed jobs, to whoever scripts it", async () => {
    await start(() => new Promise(() => {}));
    gh.addCheck({ sha: gh.git.resolve('main') ?? '', conclusion: 'failure' });
    const ci = gh.runs.find((run) => run.workflow === 'ci.yml');
    const rerun = gh.handle({
      method: 'POST',
      path: `/repos/${gh.fullName}/actions/runs/${ci?.id}/rerun-failed-jobs`,
      query: new URLSearchParams(),
      headers: asApp(gh),
      body: undefined,
    });
    expect(rerun.status).toBe(201);
    await runner.idle();
    expect(runner.jobs).toEqual([]);
    expect(ci).toMatchObject({ status: 'queued', runAttempt: 2 });
  });

  it('stops the jobs of a run that is cancelled', async () => {
    await start(() => new Promise(() => {}));
    const id = dispatch();
    const cancel = () =>
      gh.handle({
        method: 'POST',
        path: `/repos/${gh.fullName}/actions/runs/${id}/cancel`,
        query: new URLSearchParams(),
        headers: asApp(gh),
        body: undefined,
      });
    await expect.poll(() => model.requests.length).toBeGreaterThan(0);
    expect(cancel().status).toBe(202);
    await runner.idle();
    expect(runner.jobs).toEqual([expect.objectContaining({ job: 'agent', stopped: 'cancelled' })]);
    expect(gh.runs.find((run) => run.id === id)).toMatchObject({ conclusion: 'cancelled' });
  });

  it('runs twin dispatches of one worker’s review one after another, as the concurrency group does', async () => {
    await start(() => new Promise(() => {}), 3);
    const review = { role: 'review', worker: 'W1.1', pr: '2', trigger: `head-${'c'.repeat(40)}` };
    const first = dispatch(review);
    const twin = dispatch(review);
    const sibling = dispatch({ ...review, worker: 'W1.2', pr: '3' });
    const status = (id: number) => gh.runs.find((run) => run.id === id)?.status;
    // The first and its sibling start; the twin waits for its group, however long they take.
    await expect
      .poll(() => [status(first), status(sibling)])
      .toEqual(['in_progress', 'in_progress']);
    expect(status(twin)).toBe('queued');
    gh.finishRun(first, 'success');
    await expect.poll(() => status(twin)).toBe('in_progress');
  });

  it('checks out the head a review job reviews on no branch, as `ref: <sha>` does', async () => {
    await start(() => new Promise(() => {}));
    const branch = 'baton/1-add-a-greeting/W1.1';
    const reviewed = gh.git.commitOn(branch, { 'greeting.txt': 'hello\n' });
    // The branch moved on after the head publish pushed: the review still checks out that head.
    gh.git.commitOn(branch, { 'greeting.txt': 'hello again\n' });
    const dir = await mkdtemp(join(tmpdir(), 'review-checkout-'));
    try {
      await checkout({
        remote: server.gitUrl,
        token: readOnlyToken(1, gh.repositoryId),
        branch,
        sha: reviewed,
        dir,
        detached: true,
      });
      const git = (...args: string[]) =>
        execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
      expect(git('rev-parse', 'HEAD')).toBe(reviewed);
      expect(git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('HEAD');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops and cancels the run still going when it closes', async () => {
    await start(() => new Promise(() => {}));
    const id = dispatch();
    await expect.poll(() => model.requests.length).toBeGreaterThan(0);
    await runner.close();
    expect(runner.jobs).toEqual([expect.objectContaining({ job: 'agent', stopped: 'cancelled' })]);
    expect(gh.runs.find((run) => run.id === id)).toMatchObject({ conclusion: 'cancelled' });
  });
});
