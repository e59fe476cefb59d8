import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lastToolResults, reply, toolUse } from '../../sim/fake-anthropic.js';
import { Plan } from '../../src/core/plan/plan.js';
import { parseBrief } from '../../src/core/records/brief.js';
import {
  BUILD,
  buildRepo,
  commentRoute,
  gitIn,
  promptOf,
  removeTempDirs,
  requestText,
  runSession,
  type SessionRun,
  type SessionSpec,
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

function planRepo() {
  return buildRepo({ 'README.md': '# demo\n', '.baton/skills/plan.md': 'PLAN-SKILL-SENTINEL\n' });
}

/** A plan session of issue 12, by default in `planRepo()`; GitHub answers the issue and `routes`. */
async function plan({ root, env, routes, ...script }: Partial<SessionSpec>): Promise<SessionRun> {
  return runSession({
    root: root ?? (await planRepo()).root,
    env: { BATON_ROLE: 'plan', ...env },
    routes: { 'GET /repos/octo/demo/issues/12': ISSUE, ...routes },
    ...script,
  });
}

afterEach(removeTempDirs);

describe('runAgent plan', () => {
  it('commits plan.json, PLAN.md and a brief per worker on top of the base', async () => {
    const { root, base } = await planRepo();
    const { code, result, requests, githubRequests } = await plan({
      root,
      env: { BATON_ISSUE: '12' },
      replies: [
        reply(toolUse('list_files', {}), toolUse('read_file', { path: '.baton/skills/plan.md' })),
        reply(toolUse('submit_plan', VALID)),
      ],
    });
    expect(code).toBe(0);
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
    const committed = Plan.parse(
      JSON.parse(await readFile(path.join(root, DIR, 'plan.json'), 'utf8')),
    );
    expect(committed).toEqual(result.plan);
    expect(committed).toMatchObject({ version: 1, build: BUILD, issue: 12, title: 'Greeting' });
    const brief = parseBrief(await readFile(path.join(root, DIR, 'workers/W2.1.md'), 'utf8'));
    expect(brief.ok && brief.frontMatter).toEqual({
      worker_id: 'W2.1',
      title: 'Task W2.1',
      wave: 2,
      depends_on: ['W1.1'],
      complexity: 'normal',
    });
    expect(lastToolResults(requests[1]!)[1]?.content).toContain('PLAN-SKILL-SENTINEL');
    // The fake answers 404 for sub-issues, as a GitHub without them does: the plan is the model's.
    expect(githubRequests).toEqual([
      'GET /repos/octo/demo/issues/12',
      'GET /repos/octo/demo/issues/12/sub_issues',
      'POST /graphql',
    ]);
  });

  it('names the skill by path, quotes the issue, and offers only read-only tools', async () => {
    const { requests } = await plan({ replies: [reply(toolUse('submit_plan', VALID))] });
    const first = requests[0]!;
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
  });

  it('answers an invalid plan with every problem, and accepts the corrected one', async () => {
    const invalid = {
      ...VALID,
      workers: [
        worker('W1.1', ['W1.2']),
        worker('W1.2', [], '## Mission\n\nNo criteria here.\n'),
        worker('W3.1', ['W9.9']),
      ],
    };
    const { requests, result } = await plan({
      replies: [reply(toolUse('submit_plan', invalid)), reply(toolUse('submit_plan', VALID))],
    });
    const answer = lastToolResults(requests[1]!)[0];
    expect(answer?.is_error).toBe(true);
    expect(answer?.content).toContain('W1.1 (wave 1) depends on W1.2 in the same wave');
    expect(answer?.content).toContain('the brief of W1.2 has no success criteria');
    expect(answer?.content).toContain('W3.1 depends on W9.9, which is not in the plan');
    expect(result.status).toBe('complete');
  });

  it('gives up after three rejected plans, commits nothing and keeps the usage', async () => {
    const { root, base } = await planRepo();
    const invalid = { ...VALID, workers: [worker('W1.1', ['W1.1'])] };
    const { result } = await plan({
      root,
      respond: () => reply(toolUse('submit_plan', invalid)),
    });
    expect(result.status).toBe('failed');
    expect(result.reason).toContain('submit_plan was rejected 3 times');
    expect(result.head).toBeNull();
    expect(result.usage.turns).toBe(3);
    expect(gitIn(root, 'rev-parse', 'HEAD')).toBe(base);
  });

  it('reads the feedback comment of a replan and quotes it', async () => {
    const { requests, githubRequests } = await plan({
      env: { BATON_TRIGGER: 'comment-777' },
      routes: commentRoute(777, 'Split W1.1 in two. FEEDBACK-SENTINEL'),
      replies: [reply(toolUse('submit_plan', VALID))],
    });
    expect(promptOf(requests[0]!)).toContain('FEEDBACK-SENTINEL');
    expect(promptOf(requests[0]!)).toContain('@maria');
    expect(githubRequests).toContain('GET /repos/octo/demo/issues/comments/777');
  });
});
