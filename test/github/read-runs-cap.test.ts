import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { WORKFLOW_FILE } from '../../src/core/vocabulary/ids.js';
import { readRuns } from '../../src/github/observe/read-runs.js';
import { mountEachTest } from '../support/app-tests.js';
import { repoContextOn } from '../support/mount-nock.js';

const T0 = Date.parse('2026-11-20T08:00:00Z');

/** A dispatched run of `build`, created at `at`. */
function runAt(gh: FakeGitHub, build: string, worker: string, at: number) {
  const sha = gh.git.resolve('main') ?? '';
  const run = gh.startRun({
    workflow: WORKFLOW_FILE,
    ref: 'main',
    sha,
    inputs: { role: 'work', build, worker, trigger: '-' },
  });
  run.createdAt = new Date(at).toISOString();
  run.updatedAt = run.createdAt;
  return run;
}

describe('runs listed past GitHub’s 1,000-result cap on filtered listings', () => {
  let gh: FakeGitHub;
  mountEachTest((repo) => {
    gh = repo;
    gh.workflows.add(WORKFLOW_FILE);
  });

  it('the simulator, as GitHub, ends a created-filtered listing at 1,000 runs, newest first', () => {
    for (let i = 0; i < 1_050; i++) runAt(gh, '9-other', 'W1.1', T0 + i * 1_000);
    /** The page `page` of a hundred runs created since the day began, as the simulator answers it. */
    const listPage = (page: number) =>
      gh.handle({
        method: 'GET',
        path: `/repos/${gh.fullName}/actions/workflows/${WORKFLOW_FILE}/runs`,
        query: new URLSearchParams({
          created: '>=2026-11-20',
          per_page: '100',
          page: String(page),
        }),
        body: undefined,
        headers: {},
      });
    const runsOf = (answer: { body?: unknown }) =>
      (answer.body as { workflow_runs: unknown[] }).workflow_runs;
    expect(runsOf(listPage(11))).toEqual([]);
    const capped = listPage(10);
    expect(runsOf(capped)).toHaveLength(100);
    expect(capped.headers?.link).toBeUndefined();
  });

  it('reads every run of a build even when 1,200 newer runs of other builds follow it', async () => {
    const mine = [0, 1, 2, 3, 4].map((i) =>
      runAt(gh, '12-add-login', `W1.${i + 1}`, T0 + i * 1_000),
    );
    for (let i = 0; i < 1_200; i++) runAt(gh, '9-other', 'W1.1', T0 + 10_000 + i * 1_000);
    const read = await readRuns(repoContextOn(gh), {
      build: '12-add-login',
      since: new Date(T0).toISOString(),
    });
    expect(read.installed && read.runs.map((run) => run.id)).toEqual(mine.map((run) => run.id));
  });
});
