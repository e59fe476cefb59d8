import { afterEach, describe, expect, it, vi } from 'vitest';
import { reply, toolUse } from '../../sim/fake-anthropic.js';
import { completionPath, planPath, workerFindingsPath } from '../../src/core/vocabulary/ids.js';
import { skillFor } from '../../src/session/agent/build-scope.js';
import {
  BUILD,
  planJson,
  promptOf,
  removeTempDirs,
  runSession,
  workerRepo,
} from './agent-fixtures.js';

function planOf(type: string, outputs?: string[]): string {
  return planJson({
    type,
    workers: [{ id: 'W1.1', title: 'Which providers', ...(outputs ? { outputs } : {}) }],
  });
}

async function firstPrompt(files: Record<string, string>): Promise<string> {
  const { requests } = await runSession({
    root: (await workerRepo({ files: { 'README.md': '# demo\n', ...files } })).root,
    env: { BATON_WORKER: 'W1.1' },
    replies: [
      reply(
        toolUse('submit_completion', { status: 'blocked', summary: 'Stopped here for the test.' }),
      ),
    ],
  });
  return promptOf(requests[0]!);
}

afterEach(async () => {
  vi.unstubAllEnvs();
  await removeTempDirs();
});

describe('a worker of a research or content build', () => {
  it('reads the research skill and is told to write only its findings', async () => {
    const prompt = await firstPrompt({
      [planPath(BUILD)]: planOf('research'),
      '.baton/skills/research-work.md': 'RESEARCH-SKILL\n',
    });
    expect(prompt).toContain('`.baton/skills/research-work.md`');
    expect(prompt).not.toContain('.baton/skills/worker.md');
    expect(prompt).toContain(`\`${workerFindingsPath(BUILD, 'W1.1')}\``);
    expect(prompt).toContain('publish refuses code and any other change');
    expect(prompt).not.toContain('RESEARCH-SKILL');
  });

  it('reads the content skill, its outputs and the style guide by path', async () => {
    const prompt = await firstPrompt({
      [planPath(BUILD)]: planOf('content', ['docs/guide.md']),
      '.baton/skills/content-work.md': 'CONTENT-SKILL\n',
      '.baton/style.md': 'STYLE\n',
    });
    expect(prompt).toContain('`.baton/skills/content-work.md`');
    expect(prompt).toContain('Write only your outputs: `docs/guide.md`');
    expect(prompt).toContain("The repository's style guide: `.baton/style.md`.");
  });

  it('works as before in a code build', async () => {
    const prompt = await firstPrompt({ [planPath(BUILD)]: planOf('code') });
    expect(prompt).toContain('.baton/skills/worker.md');
    expect(prompt).not.toContain('research build');
    expect(prompt).not.toContain(completionPath(BUILD, 'W1.1').replace('completions', 'findings'));
  });
});

describe('skillFor', () => {
  it.each([
    ['work', 'code', 'worker'],
    ['review', 'code', 'review'],
    ['work', 'research', 'research-work'],
    ['review', 'research', 'research-review'],
    ['work', 'content', 'content-work'],
    ['review', 'content', 'content-review'],
    ['fix', 'research', 'fix'],
  ] as const)('a %s session of a %s build reads %s', (kind, type, skill) => {
    expect(skillFor(kind, type)).toBe(skill);
  });
});
