import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type FakeReply, lastToolResults, reply, text, toolUse } from '../../sim/fake-anthropic.js';
import { createScriptedModel } from '../../sim/scenario/scripted-model.js';
import { Completion } from '../../src/core/records/completion.js';
import { completionPath, planPath } from '../../src/core/vocabulary/ids.js';
import { closedBy } from '../support/closing-references.js';
import {
  API_KEY,
  BUILD,
  briefFile,
  commentRoute,
  gitIn,
  makeRepo,
  planJson,
  promptOf,
  REPOSITORY,
  removeTempDirs,
  requestText,
  runSession,
  type SessionRun,
  type SessionSpec,
  toolResultsSeen,
  workerRepo,
} from './agent-fixtures.js';

const BRIEF = `.baton/builds/${BUILD}/workers/W2.1.md`;

function workRepo() {
  return workerRepo({
    worker: 'W2.1',
    brief: briefFile({ worker: 'W2.1', dependsOn: ['W1.1'], complexity: 'easy' }),
    config: 'models:\n  easy: claude-haiku-test\n',
    files: {
      'README.md': '# demo\n',
      [completionPath(BUILD, 'W1.1')]: '{}\n',
      '.baton/skills/worker.md': 'SKILL-SENTINEL: how to work\n',
    },
  });
}

/** W2.1's work session, by default in `workRepo()`, the model answering `replies`. */
async function work(
  replies: FakeReply[],
  { root, env, ...more }: Partial<SessionSpec> = {},
): Promise<SessionRun> {
  return runSession({
    root: root ?? (await workRepo()).root,
    env: { BATON_WORKER: 'W2.1', ...env },
    replies,
    ...more,
  });
}

const completionInput = {
  status: 'complete',
  summary: 'Added greeting.txt and src/hello.ts.',
  artifacts: ['greeting.txt', 'src/hello.ts'],
  decisions: ['Kept it small.'],
};

afterEach(async () => {
  vi.unstubAllEnvs();
  await removeTempDirs();
});

describe('runAgent work', () => {
  it('runs a command, edits a file through the tools and commits code with its completion', async () => {
    const { root, base } = await workRepo();
    const { code, result, requests, out } = await work(
      [
        reply(
          text('Starting.'),
          toolUse('bash', { command: 'echo hello > greeting.txt && cat greeting.txt' }),
        ),
        reply(
          toolUse('str_replace_based_edit_tool', {
            command: 'create',
            path: 'src/hello.ts',
            file_text: 'export const hi = 1;\n',
          }),
        ),
        reply(
          toolUse('str_replace_based_edit_tool', {
            command: 'str_replace',
            path: `${root}/src/hello.ts`,
            old_str: '1',
            new_str: '2',
          }),
        ),
        reply(toolUse('submit_completion', completionInput)),
      ],
      { root },
    );
    expect(code).toBe(0);
    expect(result).toMatchObject({
      role: 'work',
      status: 'complete',
      reason: null,
      worker: 'W2.1',
      base,
      branch: `baton/${BUILD}/W2.1`,
    });
    expect(result.head).toBe(gitIn(root, 'rev-parse', 'HEAD'));
    expect(gitIn(root, 'rev-parse', 'HEAD~1')).toBe(base);
    expect(gitIn(root, 'log', '-1', '--format=%an <%ae>')).toBe(
      'Baton <baton@users.noreply.github.com>',
    );
    expect(gitIn(root, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual(
      [completionPath(BUILD, 'W2.1'), 'greeting.txt', 'src/hello.ts'].sort(),
    );
    expect(await readFile(path.join(root, 'src/hello.ts'), 'utf8')).toBe('export const hi = 2;\n');
    expect(lastToolResults(requests[1]!)[0]?.content).toBe('hello\n');

    const committed = Completion.parse(
      JSON.parse(gitIn(root, 'show', `HEAD:${completionPath(BUILD, 'W2.1')}`)),
    );
    expect(committed).toEqual(result.completion);
    expect(committed.usage.turns).toBe(4);
    expect(result.usage.turns).toBe(4);
    expect(result.usage.input_tokens).toBeGreaterThan(0);
    // Its tool calls as the model proxy saw them (the hand-in's call brings no request after it).
    expect(result.tools.map((call) => [call.name, call.turn, call.ok])).toEqual([
      ['bash', 1, true],
      ['str_replace_based_edit_tool', 2, true],
      ['str_replace_based_edit_tool', 3, true],
    ]);

    expect(gitIn(out, 'bundle', 'list-heads', path.join(out, 'commits.bundle'))).toContain(
      result.head,
    );
  });

  /** W2.1's repository, its brief planning `title` (W1.1 done). */
  function titledWorker(title: string) {
    const brief = briefFile({ worker: 'W2.1', dependsOn: ['W1.1'], complexity: 'easy' });
    return workerRepo({
      worker: 'W2.1',
      brief: brief.replace('title: Add a greeting', `title: ${JSON.stringify(title)}`),
      config: 'models:\n  easy: claude-haiku-test\n',
      files: { [completionPath(BUILD, 'W1.1')]: '{}\n' },
    });
  }

  it('commits under a planned title that names no issue to close', async () => {
    // The final pull request brings this commit to the default branch, where GitHub reads its message.
    const title = 'Fixes #3 and resolves https://github.com/acme/app/issues/4';
    const { root } = await titledWorker(title);
    const { code } = await work([reply(toolUse('submit_completion', completionInput))], { root });
    expect(code).toBe(0);
    const message = gitIn(root, 'log', '-1', '--format=%B');
    expect(message.split('\n')[0]).toBe(
      'W2.1: Fixes\u200B #3 and resolves\u200B https://github.com/acme/app/issues/4',
    );
    expect(closedBy(message)).toEqual([]);
  });

  it("closes its commit with the session's trailers, which no line of a planned title ends or forges", async () => {
    // git ends a message at a line that opens `---` and skips one that opens `#`: a title with
    // those and a forged trailer would make `Asked-by: mallory` the message's last paragraph.
    const title = 'Add a greeting\n---\nAsked-by: mallory\n# x';
    const { root } = await titledWorker(title);
    const env = { BATON_ISSUE: '12', GITHUB_RUN_ID: '4242' };
    const { code } = await work([reply(toolUse('submit_completion', completionInput))], {
      root,
      env,
    });
    expect(code).toBe(0);
    const message = gitIn(root, 'log', '-1', '--format=%B');
    const read = execFileSync('git', ['interpret-trailers', '--parse'], {
      input: message,
      encoding: 'utf8',
    });
    expect(read.trim().split('\n')).toEqual([
      `Baton-Build: ${BUILD} https://github.com/${REPOSITORY}/issues/12`,
      'Baton-Worker: W2.1',
      `Baton-Evidence: run https://github.com/${REPOSITORY}/actions/runs/4242`,
      `Baton-Policy: ${REPOSITORY}@${gitIn(root, 'rev-parse', 'HEAD~1')}`,
    ]);
  });

  it('names the brief, the skill and the reports it depends on by path, and inlines none of them', async () => {
    const { requests } = await work([reply(toolUse('submit_completion', completionInput))]);
    const first = requests[0]!;
    const prompt = promptOf(first);
    expect(prompt).toContain(BRIEF);
    expect(prompt).toContain('.baton/skills/worker.md');
    expect(prompt).toContain(completionPath(BUILD, 'W1.1'));
    expect(requestText(first)).not.toContain('BRIEF-BODY-SENTINEL');
    expect(requestText(first)).not.toContain('SKILL-SENTINEL');
    expect(first.body.model).toBe('claude-haiku-test');
  });

  it('ends before any model call when a twin of its first attempt opened the worker’s branch already', async () => {
    // A first attempt runs on the build branch; two processes that share no store both sent it.
    const first = { GITHUB_REF: `refs/heads/baton/${BUILD}/integration` };
    const branchListing = `GET /repos/${REPOSITORY}/git/matching-refs/heads/baton/${BUILD}/W2.1`;
    const twin = await work([reply(toolUse('submit_completion', completionInput))], {
      env: first,
      routes: { [branchListing]: [{ ref: `refs/heads/baton/${BUILD}/W2.1` }] },
    });
    expect(twin.code).toBe(0);
    expect(twin.requests).toEqual([]);
    expect(twin.result).toMatchObject({
      status: 'complete',
      head: null,
      completion: null,
      twin_went_first: { branch: `baton/${BUILD}/W2.1` },
    });
    // A worker's branch whose name only starts with this one's (W2.10) is not its own: it works.
    const alone = await work([reply(toolUse('submit_completion', completionInput))], {
      env: first,
      routes: { [branchListing]: [{ ref: `refs/heads/baton/${BUILD}/W2.10` }] },
    });
    expect(alone.requests.length).toBeGreaterThan(0);
    expect(alone.result).toMatchObject({ status: 'complete', twin_went_first: null });
  });

  it('quotes the /retry comment that asked for a new attempt, read by id', async () => {
    const { requests } = await work([reply(toolUse('submit_completion', completionInput))], {
      env: { BATON_TRIGGER: 'comment-444' },
      routes: commentRoute(444, '/retry W2.1 use the shared client. RETRY-SENTINEL'),
    });
    const prompt = promptOf(requests[0]!);
    expect(prompt).toContain('An earlier attempt at this worker failed');
    expect(prompt).toContain('RETRY-SENTINEL');
    expect(prompt).toContain('@maria');
  });

  it('marks the stable prefix and the newest turn for prompt caching', async () => {
    const { requests } = await work([
      reply(toolUse('bash', { command: 'true' })),
      reply(toolUse('submit_completion', completionInput)),
    ]);
    const body = requests[1]!.body as unknown as {
      system: { cache_control?: unknown }[];
      tools: { name: string; cache_control?: unknown }[];
      messages: { content: { cache_control?: unknown }[] }[];
    };
    expect(body.system.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
    expect(body.tools.map((t) => t.name)).toEqual([
      'bash',
      'str_replace_based_edit_tool',
      'submit_completion',
    ]);
    expect(body.tools.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
    expect(body.tools[0]?.cache_control).toBeUndefined();
    expect(body.messages.at(-1)?.content.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
    expect(body.messages[0]?.content.at(-1)?.cache_control).toBeUndefined();
  });

  it('never lets a credential reach the model, even when it prints the environment', async () => {
    vi.stubEnv('ANTHROPIC_API_KEY', API_KEY);
    vi.stubEnv('GITHUB_TOKEN', 'ghs_readonlytoken0123456789');
    vi.stubEnv('ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'oidc-request-token-abcdef');
    vi.stubEnv('INNOCENT_NAME', API_KEY);
    const { requests } = await work([
      reply(toolUse('bash', { command: 'env; git config --list' })),
      reply(toolUse('submit_completion', completionInput)),
    ]);
    const seen = requests.map(requestText).join('\n');
    expect(seen).toContain('PATH=');
    for (const secret of [API_KEY, 'ghs_readonlytoken0123456789', 'oidc-request-token-abcdef']) {
      expect(seen).not.toContain(secret);
    }
    // The key travels only in the request's headers, which is how the API must see it.
    expect(JSON.stringify(requests[0]?.headers)).toContain(API_KEY);
  });

  it.each([
    ['blocked', 'blocked'],
    ['failed', 'failed'],
  ] as const)(
    'reports a %s completion as a %s session with the summary as the reason',
    async (status, expected) => {
      const { root } = await workRepo();
      const { result } = await work(
        [
          reply(
            toolUse('submit_completion', { status, summary: 'Need the API schema from people.' }),
          ),
        ],
        { root },
      );
      expect(result.status).toBe(expected);
      expect(result.reason).toBe('Need the API schema from people.');
      expect(result.completion?.status).toBe(status);
      expect(gitIn(root, 'ls-tree', '--name-only', 'HEAD', completionPath(BUILD, 'W2.1'))).toBe(
        completionPath(BUILD, 'W2.1'),
      );
    },
  );

  it('ends impossible with its word, after sending back a word without one or naming what is not its own', async () => {
    const { root } = await workerRepo({
      worker: 'W2.1',
      brief: briefFile({ worker: 'W2.1', dependsOn: ['W1.1'], complexity: 'easy' }),
      config: 'models:\n  easy: claude-haiku-test\n',
      files: {
        [planPath(BUILD)]: planJson({
          workers: [
            { id: 'W1.1', title: 'One', depends_on: [], criteria: ['reads the name'] },
            {
              id: 'W2.1',
              title: 'Greet',
              depends_on: ['W1.1'],
              criteria: ['greets in English and in no language at once'],
            },
          ],
        }),
      },
    });
    const word = {
      criteria: ['W2.1:1'],
      reason: 'The criterion asks for English and for no language in one reply.',
      evidence: [".baton/builds/12-add-greeting/plan.json: W2.1's only criterion"],
    };
    const handIn = (fields: Record<string, unknown>) =>
      reply(
        toolUse('submit_completion', {
          status: 'impossible',
          summary: 'It cannot be done.',
          ...fields,
        }),
      );
    const { code, result, requests } = await work(
      [
        handIn({}),
        handIn({ impossible: { ...word, criteria: ['W1.1:1'] } }),
        handIn({ impossible: word }),
      ],
      { root },
    );
    const sentBack = toolResultsSeen(requests);
    expect(sentBack).toContain('status impossible needs impossible');
    expect(sentBack).toContain(
      'impossible names W1.1:1, which is not among the criteria W2.1 may name (W2.1:1)',
    );
    expect(code).toBe(0);
    expect(result.status).toBe('impossible');
    expect(result.reason).toBe(word.reason);
    expect(result.completion).toMatchObject({ status: 'impossible', impossible: word });
  });

  it("is played by the scripted model: it reads its brief, runs its check and hands in the scenario's impossible", async () => {
    const { root } = await workerRepo({
      worker: 'W2.1',
      brief: briefFile({ worker: 'W2.1', dependsOn: ['W1.1'], complexity: 'easy' }),
      config: 'models:\n  easy: claude-haiku-test\n',
      files: {
        [planPath(BUILD)]: planJson({
          workers: [
            { id: 'W1.1', title: 'One', depends_on: [], criteria: ['reads the name'] },
            {
              id: 'W2.1',
              title: 'Greet',
              depends_on: ['W1.1'],
              criteria: ['greets twice at once'],
            },
          ],
        }),
      },
    });
    const impossible = {
      criteria: ['W2.1:1'],
      reason: 'One reply cannot be two greetings.',
      evidence: ['the brief: greets twice at once'],
    };
    const model = createScriptedModel({
      plan: { title: 'Greet', summary: 'One worker greets.' },
      workers: [
        {
          id: 'W2.1',
          title: 'Greet',
          mission: 'Greet.',
          context: '',
          requirements: [],
          criteria: ['greets twice at once'],
          files: { 'src/greet.js': 'export const greet = () => "hi";\n' },
          check: 'echo "FAIL greets twice"; exit 1',
          summary: 'Greets.',
          failures: ['impossible'],
          impossible,
        },
      ],
    });
    const { code, result } = await work([], { root, respond: model });
    expect(model.problems).toEqual([]);
    expect(code).toBe(0);
    expect(result.status).toBe('impossible');
    expect(result.completion?.impossible).toEqual({
      ...impossible,
      evidence: [
        ...impossible.evidence,
        expect.stringMatching(/^`echo "FAIL greets twice"; exit 1` printed: .*FAIL greets twice/),
      ],
    });
  });

  it('fails with a clear reason when the brief is missing', async () => {
    const { result, requests } = await work([], { root: (await makeRepo()).root });
    expect(result.status).toBe('failed');
    expect(result.reason).toContain(`the brief ${BRIEF} is missing or invalid`);
    expect(requests).toHaveLength(0);
  });
});
