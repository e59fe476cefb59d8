import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import { type AppHarness, startReplica } from '../support/app-harness.js';
import { type AppOnRepo, startAppEachTest } from '../support/app-tests.js';
import { BUILD, statusBody } from '../support/builds.js';
import { DISPATCH } from '../support/rest-routes.js';
import {
  type Delivery,
  doubledAndShuffled,
  inOrder,
  makeScript,
  runApprovedBuild,
  type SessionScript,
} from '../support/scripted-sessions.js';

describe('a whole build through the app', () => {
  let gh: FakeGitHub;
  let now: () => string;
  let apps: AppHarness[];
  let addReplica: AppOnRepo['addReplica'];

  startAppEachTest((started) => ({ gh, now, apps, addReplica } = started));

  async function runBuild(script: SessionScript, delivery: Delivery = inOrder): Promise<void> {
    await runApprovedBuild({ gh, apps, script, delivery });
  }

  function workRuns(worker: string) {
    return gh.runs.filter((run) => run.inputs.role === 'work' && run.inputs.worker === worker);
  }

  function expectDelivered(workers: string[]) {
    for (const app of apps) expect(app.errors).toEqual([]);
    const merged = [...gh.pulls.values()].filter(
      (pull) => pull.mergedAt && pull.base === integrationBranch(BUILD),
    );
    expect(merged.map((pull) => pull.head).sort()).toEqual(
      workers.map((w) => `baton/${BUILD}/${w}`).sort(),
    );
    const final = [...gh.pulls.values()].find((pull) => pull.head === integrationBranch(BUILD));
    expect(final?.base).toBe('main');
    expect(final?.body).toContain('Closes #1');
    for (const worker of workers) expect(final?.body).toContain(`${worker} is done.`);
  }

  it('runs a diamond from /approve to the final pull request', async () => {
    await runBuild(makeScript());

    expectDelivered(['W1.1', 'W1.2', 'W2.1']);
    for (const worker of ['W1.1', 'W1.2', 'W2.1']) expect(workRuns(worker)).toHaveLength(1);
    const w21 = workRuns('W2.1')[0];
    // W2.1 starts from a build branch that already holds both of its dependencies.
    const files = gh.git.filesOf(w21?.headSha ?? '');
    expect([...files.keys()]).toEqual(expect.arrayContaining(['src/W1.1.ts', 'src/W1.2.ts']));
    expect(statusBody(gh, BUILD)).toContain('**3 of 3** workers done (3 merged)');
  });

  it.each([1, 2, 3])(
    'ends the same when every event comes twice and out of order (seed %i)',
    async (seed) => {
      await runBuild(makeScript(), doubledAndShuffled(seed));

      expectDelivered(['W1.1', 'W1.2', 'W2.1']);
      for (const worker of ['W1.1', 'W1.2', 'W2.1']) expect(workRuns(worker)).toHaveLength(1);
      const reviews = gh.runs.filter((run) => run.inputs.role === 'review');
      expect(new Set(reviews.map((run) => run.inputs.trigger)).size).toBe(reviews.length);
    },
  );

  it('ends the same when each round of events arrives at once, as a burst', async () => {
    await runApprovedBuild({ gh, apps, script: makeScript(), burst: true });

    expectDelivered(['W1.1', 'W1.2', 'W2.1']);
    for (const worker of ['W1.1', 'W1.2', 'W2.1']) expect(workRuns(worker)).toHaveLength(1);
  });

  it('starts each session once when GitHub makes a dispatch but its answer is lost, with retries on', async () => {
    // The app's retry policy as in production; the first four dispatches answer 502 after
    // GitHub made their runs (the plan's, then the workers' and reviews' as they come).
    apps[0] = await startReplica({ now, retries: true });
    for (let n = 0; n < 4; n++)
      gh.faults.push({
        route: DISPATCH,
        response: { status: 502, body: { message: 'Server Error' } },
      });
    await runBuild(makeScript());

    expect(gh.faults).toEqual([]);
    expectDelivered(['W1.1', 'W1.2', 'W2.1']);
    expect(gh.runs.filter((run) => run.inputs.role === 'plan')).toHaveLength(1);
    for (const worker of ['W1.1', 'W1.2', 'W2.1']) expect(workRuns(worker)).toHaveLength(1);
    const sessions = gh.runs.filter((run) => run.inputs.role).map((r) => JSON.stringify(r.inputs));
    expect(new Set(sessions).size).toBe(sessions.length);
  });

  it.each(['ruleset', 'branch-protection'] as const)(
    'merges under an up-to-date rule of the build branch set in a %s, GitHub refusing a merge only where the app cannot read the rule',
    async (where) => {
      gh.upToDateRuleIn = where;
      await runBuild(makeScript());

      expectDelivered(['W1.1', 'W1.2', 'W2.1']);
      const refused = gh.log.filter(
        (entry) => entry.route.endsWith('/pulls/{pull_number}/merge') && entry.status === 405,
      );
      // A ruleset's rule is read with the build: one merge a pass, none refused. Branch
      // protection's shows only once a pull request falls behind: the first pass of two merges
      // has its second refused.
      expect(refused).toHaveLength(where === 'ruleset' ? 0 : 1);
    },
  );

  it('ends the same with two app processes sharing the events', async () => {
    await addReplica();
    await runBuild(makeScript(), doubledAndShuffled(7));

    expectDelivered(['W1.1', 'W1.2', 'W2.1']);
    for (const worker of ['W1.1', 'W1.2', 'W2.1']) expect(workRuns(worker)).toHaveLength(1);
    expect(gh.comments.filter((c) => c.body.includes('baton:status'))).toHaveLength(1);
    // Reviews take no lock ref: twin dispatches are the runs' to settle, one review per head.
    const heads = gh.reviews.map((review) => `${review.pull}@${review.commitId}`);
    expect(new Set(heads).size).toBe(heads.length);
    expect([...gh.git.refs.keys()].filter((ref) => /\/review-/.test(ref))).toEqual([]);
  });

  it.each([1, 2, 3])(
    'fixes a red head once with two app processes sharing the events: a twin fix finds the head moved (seed %i)',
    async (seed) => {
      await addReplica();
      const fixed: string[] = [];
      const script = makeScript({
        ci: (worker, pushes) => (worker === 'W1.1' && pushes === 1 ? 'failure' : 'success'),
        fix: (worker) => {
          fixed.push(worker);
          return 'deliver';
        },
      });
      await runBuild(script, doubledAndShuffled(seed));

      expectDelivered(['W1.1', 'W1.2', 'W2.1']);
      // One fix pushed; every other fix run of the head is a twin that found it moved.
      expect(fixed).toEqual(['W1.1']);
      const fixes = gh.runs.filter((run) => run.inputs.role === 'fix');
      expect(new Set(fixes.map((run) => run.inputs.trigger)).size).toBe(1);
      expect(fixes[0]?.inputs.trigger).toMatch(/^checks-[0-9a-f]{40}$/);
      // No lock ref: the fix of red checks guards itself, as a review does.
      expect([...gh.git.refs.keys()].filter((ref) => /\/fix-/.test(ref))).toEqual([]);
    },
  );
});
