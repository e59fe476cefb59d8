import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lastToolResults, reply, toolUse } from '../../sim/fake-anthropic.js';
import { Plan } from '../../src/core/plan/plan.js';
import { briefPath, buildDir, planPath } from '../../src/core/vocabulary/ids.js';
import {
  BUILD,
  buildRepo,
  gitIn,
  makeRepo,
  promptOf,
  removeTempDirs,
  requestText,
  runSession,
} from './agent-fixtures.js';
import { homeFiles, MEMBER, viewsDir } from './views-fixtures.js';

/**
 * A change set's plan sessions (docs/change-sets.md): the set's plan reads the
 * other repositories where the views job left them and gives workers to them;
 * a member's slice session copies its part of the approved plan, no model.
 */
const ISSUE = { number: 12, title: 'Rename fetch', body: 'Across lib and app.' };

function worker(id: string, fields: Record<string, unknown> = {}) {
  return {
    id,
    title: `Task ${id}`,
    depends_on: [],
    complexity: 'normal',
    brief: '## Mission\n\nDo it.\n\n## Success criteria\n\n- [ ] done\n',
    ...fields,
  };
}

afterEach(removeTempDirs);

describe('a change set’s plan session', () => {
  it('reads a listed repository under /views and gives it a worker by its name', async () => {
    const views = await viewsDir([
      { repository: 'octo/lib', ref: null, files: { 'src/fetch.ts': 'export const FETCH = 1;\n' } },
    ]);
    const { root } = await buildRepo();
    const run = await runSession({
      root,
      env: { BATON_ROLE: 'plan', BATON_ISSUE: '12', BATON_VIEWS: views },
      routes: { 'GET /repos/octo/demo/issues/12': ISSUE },
      replies: [
        reply(toolUse('search', { path: '/views/octo/lib', pattern: 'FETCH' })),
        reply(
          toolUse('submit_plan', {
            title: 'Rename fetch',
            summary: 'The library, then its caller.',
            workers: [
              worker('W1.1', { repository: 'octo/lib' }),
              worker('W2.1', { depends_on: ['W1.1'] }),
            ],
          }),
        ),
      ],
    });

    expect(run.code).toBe(0);
    expect(promptOf(run.requests[0] as never)).toContain('- octo/lib at `/views/octo/lib`');
    expect(JSON.stringify(lastToolResults(run.requests[1] as never))).toContain(
      '/views/octo/lib/src/fetch.ts:1: export const FETCH = 1;',
    );
    const plan = Plan.parse(JSON.parse(await readFile(path.join(root, planPath(BUILD)), 'utf8')));
    expect(plan.workers.map((one) => [one.id, one.repository ?? null])).toEqual([
      ['W1.1', 'octo/lib'],
      ['W2.1', null],
    ]);
  });

  it('refuses a worker naming a repository the session was not given to read', async () => {
    const views = await viewsDir([{ repository: 'octo/lib', ref: null, files: { a: '1\n' } }]);
    const run = await runSession({
      root: (await buildRepo()).root,
      env: { BATON_ROLE: 'plan', BATON_ISSUE: '12', BATON_VIEWS: views },
      routes: { 'GET /repos/octo/demo/issues/12': ISSUE },
      replies: [
        reply(
          toolUse('submit_plan', {
            title: 'T',
            summary: 'S',
            workers: [worker('W1.1', { repository: 'octo/vault' })],
          }),
        ),
      ],
    });

    expect(requestText(run.requests[1] as never)).toContain(
      'W1.1 names octo/vault, which this plan may not give work to',
    );
  });
});

describe('a member’s slice session', () => {
  it('commits the set’s plan named for this member and this repository’s briefs alone, asking no model', async () => {
    const views = await viewsDir([
      { repository: 'octo/hub', ref: `baton/${BUILD}/integration`, files: homeFiles() },
    ]);
    const { root, base } = await makeRepo({ branch: `baton/${MEMBER}/integration` });
    const run = await runSession({
      root,
      env: { BATON_ROLE: 'plan', BATON_BUILD: MEMBER, BATON_VIEWS: views },
    });

    expect(run.code).toBe(0);
    expect(run.requests).toEqual([]);
    expect(gitIn(root, 'rev-parse', 'HEAD~1')).toBe(base);
    expect(gitIn(root, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual([
      planPath(MEMBER),
      briefPath(MEMBER, 'W1.1'),
    ]);
    const plan = Plan.parse(JSON.parse(await readFile(path.join(root, planPath(MEMBER)), 'utf8')));
    expect(plan.build).toBe(MEMBER);
    expect(await readFile(path.join(root, briefPath(MEMBER, 'W1.1')), 'utf8')).toContain(
      'DEMO-BRIEF',
    );
  });

  it('says where to look when the views job fetched nothing of the set’s repository', async () => {
    const views = await viewsDir([]);
    const { root } = await makeRepo({ branch: `baton/${MEMBER}/integration` });
    const run = await runSession({
      root,
      env: { BATON_ROLE: 'plan', BATON_BUILD: MEMBER, BATON_VIEWS: views },
    });

    expect(run.result.reason).toContain('list this repository under changeSets.repositories');
    expect(buildDir(MEMBER)).toBe(`.baton/builds/${MEMBER}`);
  });
});
