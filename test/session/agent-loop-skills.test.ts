import { afterEach, describe, expect, it } from 'vitest';
import { reply, scripted, startFakeAnthropic, toolUse } from '../../sim/fake-anthropic.js';
import { findingsPath, planPath, skillPath } from '../../src/core/vocabulary/ids.js';
import { runAgent } from '../../src/session/agent/run-agent.js';
import {
  BUILD,
  makeEnv,
  makeRepo,
  makeTempDir,
  promptOf,
  quiet,
  removeTempDirs,
  startFakeGitHub,
} from './agent-fixtures.js';

afterEach(removeTempDirs);

const PLAN = JSON.stringify({
  version: 1,
  build: BUILD,
  issue: 12,
  title: 'Friendlier',
  summary: 'One loop.',
  workers: [{ id: 'W1.1', title: 'Clearer errors', loop: 1 }],
});

/**
 * The first message of an improvement loop's `research` or `summary` session
 * (loop 1), in a checkout holding `files`.
 */
async function firstPrompt(
  role: 'research' | 'summary',
  files: Record<string, string>,
): Promise<string> {
  const { root } = await makeRepo({
    branch: `baton/${BUILD}/integration`,
    files: { 'README.md': '# demo\n', ...files },
  });
  const github = await startFakeGitHub({
    'GET /repos/octo/demo/issues/12': { number: 12, title: 'Friendlier CLI', body: '' },
    'GET /repos/octo/demo/issues/comments/777': {
      id: 777,
      body: '/improve 2 clearer errors',
      user: { login: 'maria' },
    },
  });
  const submit =
    role === 'research'
      ? toolUse('submit_research', { findings: 'Nothing.', nothing_worth_doing: true })
      : toolUse('submit_summary', { summary: 'Done.' });
  const model = await startFakeAnthropic({ respond: scripted([reply(submit)]) });
  try {
    const env = makeEnv({
      BATON_ROLE: role,
      BATON_WORKER: 'L1',
      BATON_ISSUE: '12',
      ...(role === 'research' ? { BATON_TRIGGER: 'comment-777' } : {}),
      GITHUB_WORKSPACE: root,
      BATON_OUT: await makeTempDir(),
      ANTHROPIC_BASE_URL: model.url,
      GITHUB_API_URL: github.url,
    });
    expect(await runAgent(env, quiet)).toBe(0);
    return promptOf(model.requests[0]!);
  } finally {
    await Promise.all([model.close(), github.close()]);
  }
}

describe('the skills of an improvement loop’s sessions', () => {
  it.each([
    ['research', {}],
    ['summary', { [planPath(BUILD)]: PLAN, [findingsPath(BUILD, 1)]: 'Findings.\n' }],
  ] as const)('a %s session is told its skill by path, not its text', async (role, files) => {
    const prompt = await firstPrompt(role, { ...files, [skillPath(role)]: 'SKILL-SENTINEL\n' });
    expect(prompt).toContain(`Read the skill if there is one: \`${skillPath(role)}\`.`);
    expect(prompt).not.toContain(`${skillPath(role)}\` (absent`);
    expect(prompt).not.toContain('SKILL-SENTINEL');
  });

  it('says the skill is absent, and goes on, in a repository set up before it shipped', async () => {
    const prompt = await firstPrompt('research', {});
    expect(prompt).toContain(
      `\`${skillPath('research')}\` (absent in this checkout; go on without it)`,
    );
  });
});
