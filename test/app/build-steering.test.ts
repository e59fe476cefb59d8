import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { integrationBranch, workerBranch } from '../../src/core/vocabulary/ids.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, labelledIssue, statusBody } from '../support/builds.js';
import {
  batonReviewsOf,
  driveBuild,
  makeScript,
  runApprovedBuild,
  type SessionScript,
} from '../support/scripted-sessions.js';

describe('steering a build', () => {
  let gh: FakeGitHub;
  let app: AppHarness;

  startAppEachTest((started) => ({ gh, app } = started));

  async function start(script: SessionScript): Promise<void> {
    await runApprovedBuild({ gh, apps: [app], script });
  }

  async function drive(script: SessionScript): Promise<void> {
    await driveBuild({ gh, apps: [app], script });
  }

  async function say(body: string, script: SessionScript, on = 1): Promise<void> {
    gh.addComment({ issue: on, body, user: 'maintainer' });
    await drive(script);
  }

  const runsOf = (role: string, worker?: string) =>
    gh.runs.filter((run) => run.inputs.role === role && (!worker || run.inputs.worker === worker));
  const mergedHeads = () =>
    [...gh.pulls.values()]
      .filter((p) => p.mergedAt && p.base === integrationBranch(BUILD))
      .map((p) => p.head)
      .sort();
  const finalPull = () => [...gh.pulls.values()].find((p) => p.head === integrationBranch(BUILD));

  it('shows a failed worker with /retry, and a retry starts a fresh attempt', async () => {
    const script = makeScript({
      work: (w, n) => (w === 'W1.2' && n === 1 ? 'fail' : 'deliver'),
    });
    await start(script);

    expect(runsOf('work', 'W2.1')).toEqual([]);
    expect(statusBody(gh, BUILD)).toContain('/retry W1.2');
    await say('/retry W1.2', script);

    expect(runsOf('work', 'W1.2')).toHaveLength(2);
    expect(runsOf('work', 'W1.2')[1]?.inputs.trigger).toMatch(/^comment-\d+$/);
    expect(mergedHeads()).toHaveLength(3);
    expect(finalPull()).toBeDefined();
    expect(app.errors).toEqual([]);
  });

  it('answers changes requested with a fix session on the same PR, then merges', async () => {
    const script = makeScript({
      review: (w, round) => (w === 'W1.1' && round === 1 ? 'changes-requested' : 'approve'),
    });
    await start(script);

    const fixes = runsOf('fix', 'W1.1');
    expect(fixes).toHaveLength(1);
    expect(fixes[0]?.inputs.trigger).toMatch(/^review-\d+$/);
    // Two reviews, each in the run that pushed its head (the work's, then the fix's): no review run.
    expect(runsOf('review', 'W1.1')).toEqual([]);
    const reviewed = batonReviewsOf(gh, BUILD, 'W1.1').map((review) => review.commitId);
    expect(reviewed).toHaveLength(2);
    expect(new Set(reviewed).size).toBe(2);
    expect(mergedHeads()).toHaveLength(3);
    expect(runsOf('work', 'W1.1')).toHaveLength(1);
  });

  it('re-runs red CI once, then sends a fix session for the failed checks, then merges', async () => {
    const script = makeScript({
      ci: (w, pushes) => (w === 'W1.1' && pushes === 1 ? 'failure' : 'success'),
    });
    await start(script);

    const ci = gh.runs.filter(
      (run) => run.workflow === 'ci.yml' && run.headBranch === workerBranch(BUILD, 'W1.1'),
    );
    expect(ci.map((run) => run.runAttempt)).toEqual([2, 1]);
    const fixes = runsOf('fix', 'W1.1');
    expect(fixes.map((run) => run.inputs.trigger)).toEqual([`checks-${ci[0]?.headSha}`]);
    expect(mergedHeads()).toHaveLength(3);
  });

  it('asks a person after maxFixRounds fixes that did not satisfy the reviewer', async () => {
    const script = makeScript({
      review: (w) => (w === 'W1.1' ? 'changes-requested' : 'approve'),
    });
    await start(script);

    expect(runsOf('fix', 'W1.1')).toHaveLength(2);
    const pull = [...gh.pulls.values()].find((p) => p.head === workerBranch(BUILD, 'W1.1'));
    expect(gh.issues.get(pull?.number ?? 0)?.labels).toContain('baton:needs-human');
    expect(
      gh.comments.some((c) => c.issue === pull?.number && c.body.includes('/merge W1.1')),
    ).toBe(true);
    expect(pull?.mergedAt).toBeNull();
  });

  it('sends a fix session at once to a PR that conflicts after a sibling merged', async () => {
    const script = makeScript({
      files: (w) => ({
        'src/shared.ts': `export const owner = '${w}';\n`,
        [`src/${w}.ts`]: 'export {};\n',
      }),
    });
    await start(script);

    const conflictFixes = gh.runs.filter(
      (run) => run.inputs.role === 'fix' && run.inputs.trigger?.startsWith('conflict-'),
    );
    expect(conflictFixes).toHaveLength(1);
    expect(mergedHeads()).toHaveLength(3);
    expect(finalPull()).toBeDefined();
  });

  it('dispatches nothing new while paused, and goes on after /resume', async () => {
    const script = makeScript();
    labelledIssue(gh);
    await drive(script);
    await say('/pause', script);
    await say('/approve', script);

    expect(runsOf('work')).toEqual([]);
    expect(statusBody(gh, BUILD)).toMatch(/paused/i);
    await say('/resume', script);
    expect(mergedHeads()).toHaveLength(3);
  });

  it('closes the PRs and branches of a cancelled build and keeps its record', async () => {
    const script = makeScript({
      review: () => 'changes-requested',
    });
    await start(script);
    await say('/cancel', script);

    expect([...gh.pulls.values()].filter((p) => p.state === 'open')).toEqual([]);
    expect(
      [...gh.git.refs.keys()].filter((ref) => ref.startsWith(`refs/heads/baton/${BUILD}/W`)),
    ).toEqual([]);
    expect(gh.git.refs.has(`refs/heads/${integrationBranch(BUILD)}`)).toBe(true);
    expect(statusBody(gh, BUILD)).toMatch(/cancel/i);
  });

  it('cancels the build when its issue is closed', async () => {
    const script = makeScript({
      review: () => 'changes-requested',
    });
    await start(script);
    gh.setIssueState(1, 'closed', { by: 'maintainer' });
    await drive(script);

    expect([...gh.pulls.values()].filter((p) => p.state === 'open')).toEqual([]);
    expect(statusBody(gh, BUILD)).toMatch(/cancel/i);
  });

  it('lets dependents go on after /skip, without merging the skipped worker', async () => {
    const script = makeScript({
      work: (w) => (w === 'W1.2' ? 'fail' : 'deliver'),
    });
    await start(script);
    await say('/skip W1.2', script);

    expect(mergedHeads()).toEqual([workerBranch(BUILD, 'W1.1'), workerBranch(BUILD, 'W2.1')]);
    expect(finalPull()?.body).toContain('W1.2');
  });

  it('pauses the build when the budget is reached', async () => {
    gh.git.commitOn(gh.defaultBranch, {
      '.github/baton.yml': 'budget:\n  maxUsd: 0.1\nmaxParallel: 1\n',
    });
    const script = makeScript({ costUsd: 0.08 });
    await start(script);

    expect(mergedHeads().length).toBeLessThan(3);
    expect(statusBody(gh, BUILD)).toMatch(/budget/i);
  });

  it('runs a chain beside a wide wave without waiting for the wave', async () => {
    const workers = [
      { id: 'W1.1' },
      { id: 'W1.2' },
      { id: 'W1.3' },
      { id: 'W1.4' },
      { id: 'W2.1', depends_on: ['W1.1'] },
      { id: 'W3.1', depends_on: ['W2.1'] },
    ];
    const script = makeScript({
      workers,
      work: (w, n) => (w === 'W1.4' && n === 1 ? 'fail' : 'deliver'),
    });
    await start(script);

    // W1.4 failed, yet the chain W1.1 → W2.1 → W3.1 went all the way.
    expect(mergedHeads()).toEqual(
      ['W1.1', 'W1.2', 'W1.3', 'W2.1', 'W3.1'].map((w) => workerBranch(BUILD, w)),
    );
    expect(finalPull()).toBeUndefined();
  });
});
