import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, labelledIssue, sessionSpent, statusBody } from '../support/builds.js';
import { driveBuild, makeScript } from '../support/scripted-sessions.js';

/**
 * Lists whose whole matters are read whole, past GitHub's 100 a page: the
 * simulator gives at most `first`/`last` nodes of every connection, as GitHub
 * does, so a list read in one page stops at 100.
 */
const SCRIPT = makeScript({
  workers: [
    { id: 'W1.1', title: 'OAuth provider' },
    { id: 'W1.2', title: 'Login routes' },
  ],
});

describe('lists longer than a page', () => {
  let gh: FakeGitHub;
  let app: AppHarness;

  startAppEachTest((started) => ({ gh, app } = started));

  async function planned(): Promise<number> {
    const issue = labelledIssue(gh);
    await driveBuild({ gh, apps: [app], script: SCRIPT });
    expect(gh.git.resolve(integrationBranch(BUILD))).toBeTruthy();
    return issue;
  }

  async function approve(issue: number): Promise<void> {
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
    await driveBuild({ gh, apps: [app], script: SCRIPT });
  }

  function finalPull() {
    return [...gh.pulls.values()].find((pull) => pull.head === integrationBranch(BUILD));
  }

  it('counts all 150 usage records of $1 against a $120 cap, shows $150 and pauses', async () => {
    gh.git.commitOn(gh.defaultBranch, { '.github/baton.yml': 'budget:\n  maxUsd: 120\n' });
    const issue = await planned();
    // Each record with the run it is of (a record counts only when tied to one).
    for (let i = 1; i <= 150; i++) {
      sessionSpent(gh, { usd: 1, runId: 50_000 + i, build: BUILD, outcome: 'failed' });
    }
    const before = gh.runs.length;
    await approve(issue);

    const status = statusBody(gh, BUILD) ?? '';
    expect(status).toContain('Paused, budget reached:** $150.00 spent of $120.00');
    expect(gh.runs.slice(before).filter((run) => run.inputs.role === 'work')).toEqual([]);
    expect(app.errors).toEqual([]);
  });

  it('sees its workers’ pull requests behind more than a hundred older ones into the build branch', async () => {
    const issue = await planned();
    for (let i = 1; i <= 101; i++) {
      gh.git.commitOn(`feature/side-${i}`, { [`side-${i}.txt`]: `${i}\n` }, `side ${i}`);
      gh.openPull({
        title: `Side ${i}`,
        body: '',
        head: `feature/side-${i}`,
        base: integrationBranch(BUILD),
        user: 'octocat',
      });
    }
    // Their webhooks name no build: nothing to reconcile.
    gh.outbox.length = 0;
    await approve(issue);

    const workerPulls = [...gh.pulls.values()].filter((pull) =>
      pull.head.startsWith(`baton/${BUILD}/W`),
    );
    expect(workerPulls.map((pull) => pull.mergedAt !== null)).toEqual([true, true]);
    expect(finalPull()).toBeDefined();
    expect(app.errors).toEqual([]);
  });

  it('takes a command posted after more than a hundred comments, and keeps one status comment', async () => {
    const issue = await planned();
    for (let i = 1; i <= 110; i++) gh.addComment({ issue, body: `note ${i}`, user: 'reader' });
    await driveBuild({ gh, apps: [app], script: SCRIPT });
    await approve(issue);

    expect(finalPull()).toBeDefined();
    expect(gh.comments.filter((c) => c.body.includes('baton:status'))).toHaveLength(1);
    expect(app.errors).toEqual([]);
  });
});
