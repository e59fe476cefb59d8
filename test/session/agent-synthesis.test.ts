import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reply, scripted, startFakeAnthropic, toolUse } from '../../sim/fake-anthropic.js';
import {
  briefPath,
  planPath,
  reportPath,
  workerFindingsPath,
} from '../../src/core/vocabulary/ids.js';
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
} from './agent-fixtures.js';

afterEach(removeTempDirs);

const PLAN = JSON.stringify({
  version: 1,
  build: BUILD,
  issue: 12,
  title: 'Providers',
  summary: 'One question.',
  type: 'research',
  workers: [{ id: 'W1.1', title: 'Which providers' }],
});

describe('runAgent synthesis', () => {
  it('reads the findings by path and commits the report, and its follow-up question as a proposed worker, on top of the build branch', async () => {
    const { root, base } = await makeRepo({
      branch: `baton/${BUILD}/integration`,
      files: {
        'README.md': '# demo\n',
        [planPath(BUILD)]: PLAN,
        [workerFindingsPath(BUILD, 'W1.1')]: 'FINDINGS-SENTINEL\n',
        '.baton/skills/synthesis.md': 'SYNTHESIS-SKILL\n',
      },
    });
    const out = await makeTempDir();
    const model = await startFakeAnthropic({
      respond: scripted([
        reply(toolUse('read_file', { path: workerFindingsPath(BUILD, 'W1.1') })),
        reply(
          toolUse('submit_synthesis', {
            report: '# Report\n\nGitHub, with high confidence.',
            summary: 'GitHub covers most users.',
            follow_up: [{ title: 'Microsoft', question: 'How many have one?' }],
          }),
        ),
      ]),
    });
    try {
      const env = makeEnv({
        BATON_ROLE: 'synthesis',
        BATON_ISSUE: '12',
        GITHUB_WORKSPACE: root,
        BATON_OUT: out,
        ANTHROPIC_BASE_URL: model.url,
      });
      expect(await runAgent(env, quiet)).toBe(0);
      const result = await readResult(out);
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
      const prompt = promptOf(model.requests[0]!);
      expect(prompt).toContain('`.baton/skills/synthesis.md`');
      expect(prompt).toContain(`.baton/builds/${BUILD}/findings/`);
      expect(prompt).not.toContain('FINDINGS-SENTINEL');
    } finally {
      await model.close();
    }
  });
});
