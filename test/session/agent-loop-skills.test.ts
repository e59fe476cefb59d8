import { afterEach, describe, expect, it } from 'vitest';
import { reply, toolUse } from '../../sim/fake-anthropic.js';
import { findingsPath, planPath, skillPath } from '../../src/core/vocabulary/ids.js';
import {
  BUILD,
  buildRepo,
  loopRoutes,
  planJson,
  promptOf,
  removeTempDirs,
  runSession,
} from './agent-fixtures.js';

afterEach(removeTempDirs);

const PLAN = planJson({
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
  const submit =
    role === 'research'
      ? toolUse('submit_research', { findings: 'Nothing.', nothing_worth_doing: true })
      : toolUse('submit_summary', { summary: 'Done.' });
  const { code, requests } = await runSession({
    root: (await buildRepo({ 'README.md': '# demo\n', ...files })).root,
    env: {
      BATON_ROLE: role,
      BATON_WORKER: 'L1',
      BATON_ISSUE: '12',
      ...(role === 'research' ? { BATON_TRIGGER: 'comment-777' } : {}),
    },
    routes: loopRoutes('/improve 2 clearer errors'),
    replies: [reply(submit)],
  });
  expect(code).toBe(0);
  return promptOf(requests[0]!);
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
