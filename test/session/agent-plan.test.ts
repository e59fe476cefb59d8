import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  lastToolResults,
  reply,
  scripted,
  startFakeAnthropic,
  toolUse,
} from '../../sim/fake-anthropic.js';
import { parseBrief } from '../../src/core/plan/brief.js';
import { Plan } from '../../src/core/plan/plan.js';
import { runAgent } from '../../src/session/agent/run-agent.js';
import {
  BUILD,
  gitIn,
  makeEnv,
  makeRepo,
  makeTempDir,
  promptOf,
  quiet,
  readResult,
  removeTempDirs,
  requestText,
  startFakeGitHub,
} from './agent-fixtures.js';

const DIR = `.baton/builds/${BUILD}`;
const ISSUE = { number: 12, title: 'Add a greeting', body: 'Print hello. ISSUE-SENTINEL' };

function worker(
  id: string,
  dependsOn: string[] = [],
  brief = '## Mission\n\nDo it.\n\n## Success criteria\n\n- [ ] done\n',
) {
  return { id, title: `Task ${id}`, depends_on: dependsOn, complexity: 'normal', brief };
}

const VALID = {
  title: 'Greeting',
  summary: 'Two workers: the text, then the command.',
  workers: [worker('W1.1'), worker('W2.1', ['W1.1'])],
};

async function planSetup(routes: Record<string, unknown> = {}) {
  const { root, base } = await makeRepo({
    branch: `baton/${BUILD}/integration`,
    files: { 'README.md': '# demo\n', '.baton/skills/plan.md': 'PLAN-SKILL-SENTINEL\n' },
  });
  const out = await makeTempDir();
  const github = await startFakeGitHub({ 'GET /repos/octo/demo/issues/12': ISSUE, ...routes });
  return { root, base, out, github };
}

afterEach(removeTempDirs);

describe('runAgent plan', () => {
  it('commits plan.json, PLAN.md and a brief per worker on top of the base', async () => {
    const { root, base, out, github } = await planSetup();
    const model = await startFakeAnthropic({
      respond: scripted([
        reply(toolUse('list_files', {}), toolUse('read_file', { path: '.baton/skills/plan.md' })),
        reply(toolUse('submit_plan', VALID)),
      ]),
    });
    try {
      const env = makeEnv({
        BATON_ROLE: 'plan',
        BATON_ISSUE: '12',
        GITHUB_WORKSPACE: root,
        BATON_OUT: out,
        ANTHROPIC_BASE_URL: model.url,
        GITHUB_API_URL: github.url,
      });
      expect(await runAgent(env, quiet)).toBe(0);
      const result = await readResult(out);
      expect(result).toMatchObject({
        role: 'plan',
        status: 'complete',
        branch: `baton/${BUILD}/integration`,
        base,
      });
      expect(gitIn(root, 'rev-parse', 'HEAD~1')).toBe(base);
      expect(gitIn(root, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual([
        `${DIR}/PLAN.md`,
        `${DIR}/plan.json`,
        `${DIR}/workers/W1.1.md`,
        `${DIR}/workers/W2.1.md`,
      ]);
      const plan = Plan.parse(
        JSON.parse(await readFile(path.join(root, DIR, 'plan.json'), 'utf8')),
      );
      expect(plan).toEqual(result.plan);
      expect(plan).toMatchObject({ version: 1, build: BUILD, issue: 12, title: 'Greeting' });
      const brief = parseBrief(await readFile(path.join(root, DIR, 'workers/W2.1.md'), 'utf8'));
      expect(brief.ok && brief.frontMatter).toEqual({
        worker_id: 'W2.1',
        title: 'Task W2.1',
        wave: 2,
        depends_on: ['W1.1'],
        complexity: 'normal',
      });
      expect(lastToolResults(model.requests[1]!)[1]?.content).toContain('PLAN-SKILL-SENTINEL');
      // The fake answers 404 for sub-issues, as a GitHub without them does: the plan is the model's.
      expect(github.requests).toEqual([
        'GET /repos/octo/demo/issues/12',
        'GET /repos/octo/demo/issues/12/sub_issues',
        'POST /graphql',
      ]);
    } finally {
      await Promise.all([model.close(), github.close()]);
    }
  });

  it('names the skill by path, quotes the issue, and offers only read-only tools', async () => {
    const { root, out, github } = await planSetup();
    const model = await startFakeAnthropic({
      respond: scripted([reply(toolUse('submit_plan', VALID))]),
    });
    try {
      await runAgent(
        makeEnv({
          BATON_ROLE: 'plan',
          GITHUB_WORKSPACE: root,
          BATON_OUT: out,
          ANTHROPIC_BASE_URL: model.url,
          GITHUB_API_URL: github.url,
        }),
        quiet,
      );
      const first = model.requests[0]!;
      expect(promptOf(first)).toContain('.baton/skills/plan.md');
      expect(promptOf(first)).toContain('ISSUE-SENTINEL');
      expect(requestText(first)).not.toContain('PLAN-SKILL-SENTINEL');
      expect(first.body.tools?.map((t) => t.name)).toEqual([
        'read_file',
        'list_files',
        'search',
        'submit_plan',
      ]);
      expect(first.body.model).toBe('claude-opus-5-5');
    } finally {
      await Promise.all([model.close(), github.close()]);
    }
  });

  it('answers an invalid plan with every problem, and accepts the corrected one', async () => {
    const { root, out, github } = await planSetup();
    const invalid = {
      ...VALID,
      workers: [
        worker('W1.1', ['W1.2']),
        worker('W1.2', [], '## Mission\n\nNo criteria here.\n'),
        worker('W3.1', ['W9.9']),
      ],
    };
    const model = await startFakeAnthropic({
      respond: scripted([
        reply(toolUse('submit_plan', invalid)),
        reply(toolUse('submit_plan', VALID)),
      ]),
    });
    try {
      await runAgent(
        makeEnv({
          BATON_ROLE: 'plan',
          GITHUB_WORKSPACE: root,
          BATON_OUT: out,
          ANTHROPIC_BASE_URL: model.url,
          GITHUB_API_URL: github.url,
        }),
        quiet,
      );
      const answer = lastToolResults(model.requests[1]!)[0];
      expect(answer?.is_error).toBe(true);
      expect(answer?.content).toContain('W1.1 (wave 1) depends on W1.2 in the same wave');
      expect(answer?.content).toContain('the brief of W1.2 has no success criteria');
      expect(answer?.content).toContain('W3.1 depends on W9.9, which is not in the plan');
      expect((await readResult(out)).status).toBe('complete');
    } finally {
      await Promise.all([model.close(), github.close()]);
    }
  });

  it('gives up after three rejected plans, commits nothing and keeps the usage', async () => {
    const { root, base, out, github } = await planSetup();
    const invalid = { ...VALID, workers: [worker('W1.1', ['W1.1'])] };
    const model = await startFakeAnthropic({
      respond: () => reply(toolUse('submit_plan', invalid)),
    });
    try {
      await runAgent(
        makeEnv({
          BATON_ROLE: 'plan',
          GITHUB_WORKSPACE: root,
          BATON_OUT: out,
          ANTHROPIC_BASE_URL: model.url,
          GITHUB_API_URL: github.url,
        }),
        quiet,
      );
      const result = await readResult(out);
      expect(result.status).toBe('failed');
      expect(result.reason).toContain('submit_plan was rejected 3 times');
      expect(result.head).toBeNull();
      expect(result.usage.turns).toBe(3);
      expect(gitIn(root, 'rev-parse', 'HEAD')).toBe(base);
    } finally {
      await Promise.all([model.close(), github.close()]);
    }
  });

  it('reads the feedback comment of a replan and quotes it', async () => {
    const { root, out, github } = await planSetup({
      'GET /repos/octo/demo/issues/comments/777': {
        id: 777,
        body: 'Split W1.1 in two. FEEDBACK-SENTINEL',
        user: { login: 'maria' },
      },
    });
    const model = await startFakeAnthropic({
      respond: scripted([reply(toolUse('submit_plan', VALID))]),
    });
    try {
      const env = makeEnv({
        BATON_ROLE: 'plan',
        BATON_TRIGGER: 'comment-777',
        GITHUB_WORKSPACE: root,
        BATON_OUT: out,
        ANTHROPIC_BASE_URL: model.url,
        GITHUB_API_URL: github.url,
      });
      await runAgent(env, quiet);
      expect(promptOf(model.requests[0]!)).toContain('FEEDBACK-SENTINEL');
      expect(promptOf(model.requests[0]!)).toContain('@maria');
      expect(github.requests).toContain('GET /repos/octo/demo/issues/comments/777');
    } finally {
      await Promise.all([model.close(), github.close()]);
    }
  });
});
