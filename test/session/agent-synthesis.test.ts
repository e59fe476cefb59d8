import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reply, toolUse } from '../../sim/fake-anthropic.js';
import {
  briefPath,
  planPath,
  reportPath,
  workerFindingsPath,
} from '../../src/core/vocabulary/ids.js';
import {
  BUILD,
  buildRepo,
  gitIn,
  planJson,
  promptOf,
  removeTempDirs,
  runSession,
} from './agent-fixtures.js';

afterEach(removeTempDirs);

describe('runAgent synthesis', () => {
  it('reads the findings by path and commits the report, and its follow-up question as a proposed worker, on top of the build branch', async () => {
    const { root, base } = await buildRepo({
      'README.md': '# demo\n',
      [planPath(BUILD)]: planJson({ type: 'research' }),
      [workerFindingsPath(BUILD, 'W1.1')]: 'FINDINGS-SENTINEL\n',
      '.baton/skills/synthesis.md': 'SYNTHESIS-SKILL\n',
    });
    const { code, result, requests } = await runSession({
      root,
      env: { BATON_ROLE: 'synthesis', BATON_ISSUE: '12' },
      replies: [
        reply(toolUse('read_file', { path: workerFindingsPath(BUILD, 'W1.1') })),
        reply(
          toolUse('submit_synthesis', {
            report: '# Report\n\nGitHub, with high confidence.',
            summary: 'GitHub covers most users.',
            follow_up: [{ title: 'Microsoft', question: 'How many have one?' }],
          }),
        ),
      ],
    });
    expect(code).toBe(0);
    expect(result).toMatchObject({
      role: 'synthesis',
      status: 'complete',
      branch: `baton/${BUILD}/integration`,
      base,
      synthesis: {
        summary: 'GitHub covers most users.',
        follow_up: [{ title: 'Microsoft', question: 'How many have one?' }],
        proposed: ['W2.1'],
      },
    });
    expect(gitIn(root, 'rev-parse', 'HEAD~1')).toBe(base);
    expect(gitIn(root, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual(
      [reportPath(BUILD), planPath(BUILD), briefPath(BUILD, 'W2.1')].sort(),
    );
    const plan = JSON.parse(await readFile(path.join(root, planPath(BUILD)), 'utf8'));
    expect(plan.workers).toEqual([
      { id: 'W1.1', title: 'Which providers', depends_on: [], complexity: 'normal' },
      {
        id: 'W2.1',
        title: 'Microsoft',
        depends_on: [],
        complexity: 'normal',
        follow_up: 1,
      },
    ]);
    const brief = await readFile(path.join(root, briefPath(BUILD, 'W2.1')), 'utf8');
    expect(brief).toMatch(/^---\nworker_id: W2\.1\n/);
    expect(brief).toContain('How many have one?');
    expect(await readFile(path.join(root, reportPath(BUILD)), 'utf8')).toBe(
      '# Report\n\nGitHub, with high confidence.\n',
    );
    const prompt = promptOf(requests[0]!);
    expect(prompt).toContain('`.baton/skills/synthesis.md`');
    expect(prompt).toContain(`.baton/builds/${BUILD}/findings/`);
    expect(prompt).not.toContain('FINDINGS-SENTINEL');
  });
});
