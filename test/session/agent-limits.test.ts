import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeReply,
  overloaded,
  reply,
  serverError,
  text,
  toolUse,
} from '../../sim/fake-anthropic.js';
import { completionPath } from '../../src/core/vocabulary/ids.js';
import { runAgent } from '../../src/session/agent/run-agent.js';
import {
  BUILD,
  buildRepo,
  completes,
  gitIn,
  makeEnv,
  makeRepo,
  makeTempDir,
  quiet,
  removeTempDirs,
  runSession,
  type SessionSpec,
  workerRepo,
} from './agent-fixtures.js';

const submit = completes();
const busy = () => reply(toolUse('bash', { command: 'true' }));

/** Runs W1.1's work session with `config` against a scripted model; answers what it did. */
async function runWork({
  config,
  env,
  ...session
}: Omit<SessionSpec, 'root'> & { config?: string }) {
  const { root, base } = await workerRepo(config ? { config } : {});
  const run = await runSession({ root, env: { BATON_WORKER: 'W1.1', ...env }, ...session });
  return { ...run, root, base };
}

afterEach(removeTempDirs);

describe('runAgent limits', () => {
  it('stops at session.maxTurns, and still commits a failed completion with the usage', async () => {
    const summary = path.join(await makeTempDir(), 'summary.md');
    const { code, result, root, base } = await runWork({
      respond: busy,
      config: 'session:\n  maxTurns: 2\n',
      options: { stepSummaryPath: summary },
    });
    // A failed session fails its job: red in Actions, with the reason on the summary page.
    expect(code).toBe(1);
    const page = await readFile(summary, 'utf8');
    expect(page).toContain('| Outcome | ❌ failed |');
    expect(page).toMatch(/\| Reason \| `reached session.maxTurns \(2\)/);
    expect(page).toContain('| Turns | 2 |');
    expect(page).toContain('| Tools used | bash × 2 |');
    expect(page).toContain(`\`${completionPath(BUILD, 'W1.1')}\``);
    expect(result.status).toBe('failed');
    expect(result.reason).toContain('reached session.maxTurns (2)');
    expect(result.usage.turns).toBe(2);
    expect(result.usage.input_tokens).toBeGreaterThan(0);
    expect(result.completion).toMatchObject({ status: 'failed', usage: { turns: 2 } });
    expect(gitIn(root, 'rev-parse', 'HEAD~1')).toBe(base);
    expect(JSON.parse(gitIn(root, 'show', `HEAD:${completionPath(BUILD, 'W1.1')}`)).status).toBe(
      'failed',
    );
  });

  it.each([
    ['529 overloaded', overloaded(), '(529): overloaded_error: Overloaded'],
    ['500 server error', serverError(), '(500): api_error: Internal server error'],
  ])(
    'fails with the reason when the model answers %s after the retries',
    async (_name, error, expected) => {
      const { code, result, requests } = await runWork({ respond: () => error });
      expect(code).toBe(1);
      expect(requests).toHaveLength(3);
      expect(result.status).toBe('failed');
      expect(result.reason).toContain(`the model request failed after retries ${expected}`);
      expect(result.usage.turns).toBe(0);
    },
  );

  it('goes on when a retry succeeds', async () => {
    const replies: FakeReply[] = [overloaded(), overloaded(), submit];
    const { result, requests } = await runWork({ respond: (_r, i) => replies[i] ?? submit });
    expect(requests).toHaveLength(3);
    expect(result.status).toBe('complete');
    expect(result.usage.turns).toBe(1);
  });

  it('stops when the token budget is spent', async () => {
    const { result } = await runWork({ respond: busy, options: { limits: { maxTokens: 10 } } });
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(/used \d+ tokens, the session's budget is 10/);
    expect(result.usage.turns).toBe(1);
  });

  it('stops at budget.maxUsd, not past it: the model proxy refuses the request that could cross it', async () => {
    // Every reply writes all the output it may (max_tokens, 16,000 tokens of Sonnet): $0.24.
    const expensive = () => ({
      message: {
        content: [toolUse('bash', { command: 'true' })],
        usage: { output_tokens: 1_000_000 },
      },
    });
    const { result } = await runWork({ respond: expensive, config: 'budget:\n  maxUsd: 1\n' });
    expect(result.status).toBe('failed');
    expect(result.limit).toBe('budget');
    expect(result.reason).toMatch(
      /spent \$0\.9\d, and its next model request could cost up to \$0\.\d\d, past the budget\.maxUsd of \$1/,
    );
    expect(result.usage.cost_usd).toBeLessThanOrEqual(1);
    expect(result.usage.cost_usd).toBeGreaterThan(0.9);
  });

  it('spends no more in a change set’s session than the set’s budget had left when it was dispatched, though its repository allows more', async () => {
    const expensive = () => ({
      message: {
        content: [toolUse('bash', { command: 'true' })],
        usage: { output_tokens: 1_000_000 },
      },
    });
    for (const budget of ['maxUsd: 50', 'maxUsd: null']) {
      const { result } = await runWork({
        respond: expensive,
        config: `session:\n  maxTurns: 12\nbudget:\n  ${budget}\n`,
        // The dispatch input `budget`: the set had $0.60 left.
        env: { BATON_SET_BUDGET_USD: '0.60' },
      });
      expect(result.status).toBe('failed');
      expect(result.limit).toBe('budget');
      expect(result.reason).toContain(
        "past what the change set's budget.maxUsd (in its issue's repository's .github/baton.yml) had left when Baton dispatched the session ($0.60)",
      );
      expect(result.usage.cost_usd).toBeLessThanOrEqual(0.6);
    }
  });

  it('stops at the deadline that session.timeoutMinutes sets, less a margin', async () => {
    let clock = 0;
    const now = () => {
      clock += 60_000;
      return clock;
    };
    const { result } = await runWork({
      respond: busy,
      config: 'session:\n  timeoutMinutes: 5\n',
      options: { now },
    });
    expect(result.status).toBe('failed');
    expect(result.reason).toContain('ran out of time');
    expect(result.usage.seconds).toBeGreaterThan(0);
  });

  it('reminds a model that stops without submitting, then fails', async () => {
    const { result, requests } = await runWork({
      respond: () => reply(text('All done, I think.')),
    });
    expect(requests).toHaveLength(3);
    expect(JSON.stringify(requests[1]?.body.messages.at(-1))).toContain(
      'You stopped without calling submit_completion',
    );
    expect(result.status).toBe('failed');
    expect(result.reason).toContain('the model stopped without calling submit_completion');
  });

  it('keeps the history valid when the model answers with nothing', async () => {
    const replies: FakeReply[] = [reply(), submit];
    const { result, requests } = await runWork({ respond: (_r, i) => replies[i] ?? submit });
    expect(result.status).toBe('complete');
    expect(JSON.stringify(requests[1]?.body.messages[1])).toContain('(no reply)');
  });

  it('prices a model the config prices (models.prices) at that price', async () => {
    const { result } = await runWork({
      respond: () => submit,
      config:
        'models:\n  normal: mystery-model-1\n  prices:\n    mystery-model-1: { input: 1000, output: 1000 }\n',
    });
    expect(result.status).toBe('complete');
    expect(result.usage.cost_usd).toBeGreaterThan(0);
    expect(result.reason ?? '').not.toContain('counts 0');
  });

  it('never counts a model as free: one with no price is refused with the config, and the defaults run', async () => {
    const { result, requests } = await runWork({
      respond: () => submit,
      config: 'models:\n  normal: mystery-model-1\n',
    });
    expect(result.reason).toContain('models.normal');
    expect(result.reason).toContain('mystery-model-1 has no price');
    const models = requests.map((request) => (request.body as { model?: string }).model);
    expect(models.length).toBeGreaterThan(0);
    expect(models).not.toContain('mystery-model-1');
    expect(result.usage.cost_usd).toBeGreaterThan(0);
  });

  it('fails without calling the model when ANTHROPIC_API_KEY is missing', async () => {
    const { result, requests } = await runWork({
      respond: () => submit,
      env: { ANTHROPIC_API_KEY: undefined },
    });
    expect(requests).toHaveLength(0);
    expect(result.status).toBe('failed');
    expect(result.reason).toContain(
      'no model credential: set the repository secret ANTHROPIC_API_KEY',
    );
  });

  it('turns an exception into a failed result', async () => {
    const { code, result } = await runSession({
      root: (await buildRepo()).root,
      env: { BATON_ROLE: 'plan' },
      routes: { 'GET /repos/octo/demo/issues/12': { status: 500 } },
      respond: () => submit,
    });
    expect(code).toBe(1);
    expect(result).toMatchObject({ role: 'plan', status: 'failed', head: null, worker: null });
    expect(result.reason).toContain('GitHubReadError: GET /issues/12 answered 500');
    expect(result.usage).toMatchObject({ turns: 0, cost_usd: 0 });
  });

  it('answers a research session that names no loop with a clear failure', async () => {
    const { result } = await runWork({
      respond: () => submit,
      env: { BATON_ROLE: 'research', BATON_WORKER: undefined },
    });
    expect(result).toMatchObject({ role: 'research', status: 'failed' });
    expect(result.reason).toContain('BATON_WORKER must name the loop (L1, L2 …)');
  });

  it('exits 1 when the result cannot be written', async () => {
    const { root } = await makeRepo();
    const blocker = path.join(await makeTempDir(), 'a-file');
    await writeFile(blocker, '');
    const env = makeEnv({
      BATON_ROLE: 'research',
      GITHUB_WORKSPACE: root,
      BATON_OUT: path.join(blocker, 'out'),
    });
    expect(await runAgent(env, quiet)).toBe(1);
  });
});
