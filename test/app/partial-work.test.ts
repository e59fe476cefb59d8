import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { workerBranch } from '../../src/core/vocabulary/ids.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, labelledIssue, statusBody } from '../support/builds.js';
import { driveBuild, makeScript } from '../support/scripted-sessions.js';

/** W1.1's first work session stops at the budget with its work as a draft; every other session delivers. */
const script = makeScript({
  workers: [{ id: 'W1.1' }, { id: 'W2.1', depends_on: ['W1.1'] }],
  work: (worker, attempt) => (worker === 'W1.1' && attempt === 1 ? 'partial' : 'deliver'),
  usageUsd: { plan: 0, work: 1, review: 0, fix: 0.5 },
});

describe('partial work', () => {
  let gh: FakeGitHub;
  let app: AppHarness;
  startAppEachTest((started) => ({ gh, app } = started));

  async function approved(config?: string): Promise<void> {
    if (config) gh.git.commitOn(gh.defaultBranch, { '.github/baton.yml': config });
    labelledIssue(gh);
    await driveBuild({ gh, apps: [app], script });
    gh.addComment({ issue: 1, body: '/approve', user: 'maintainer' });
    await driveBuild({ gh, apps: [app], script });
  }

  const draft = () =>
    [...gh.pulls.values()].find((pull) => pull.head === workerBranch(BUILD, 'W1.1'));
  const continuations = () =>
    gh.runs.filter(
      (run) => run.inputs.role === 'fix' && run.inputs.trigger?.startsWith('continue-'),
    );

  it('waits as a partial worker, with its cost and what to do, and /continue finishes it from its draft', async () => {
    await approved();
    expect(draft()?.draft).toBe(true);
    // No review of half a change, no merge, no continuation until someone asks.
    expect(gh.runs.filter((run) => run.inputs.role === 'review')).toEqual([]);
    expect(continuations()).toEqual([]);
    const status = statusBody(gh, BUILD) ?? '';
    expect(status).toContain('⏸️ partial');
    expect(status).toContain("stopped at the build's budget (`budget.maxUsd`)");
    expect(status).toContain('`/continue W1.1` · `/retry W1.1 <instructions>` · `/skip W1.1`');
    const notice = gh.comments.find((comment) => comment.body.includes('⏸️ W1.1 stopped short'));
    expect(notice?.body).toContain('($1.00 spent on it so far)');

    gh.addComment({ issue: 1, body: '/continue W1.1', user: 'maintainer' });
    await driveBuild({ gh, apps: [app], script });

    const head = gh.runs.find((run) => run.inputs.trigger?.startsWith('continue-'));
    expect(continuations().map((run) => run.inputs.pr)).toEqual([String(draft()?.number)]);
    expect(head?.inputs.trigger).toMatch(/^continue-[0-9a-f]{40}$/);
    expect(draft()?.mergedAt).not.toBeNull();
    // The /continue Baton took and acted on is answered by no refusal.
    const refusals = gh.comments.filter(
      (comment) =>
        comment.user.login === gh.botLogin && comment.body.includes('could not run this command'),
    );
    expect(refusals.map((comment) => comment.body)).toEqual([]);
    // The delivery report counts both of W1.1's coding sessions and its review.
    const final = [...gh.pulls.values()].find((pull) => pull.head.endsWith('/integration'));
    expect(final?.body).toMatch(/\| W1\.1 \| [^\n]* \| ✅ merged \(3 sessions\) \|/);
  });

  it('goes on by itself once the budget is raised, where budget.continuePartial says so', async () => {
    await approved('budget:\n  maxUsd: 1\n  continuePartial: true\n');
    expect(draft()?.draft).toBe(true);
    expect(continuations()).toEqual([]);

    gh.git.commitOn(gh.defaultBranch, {
      '.github/baton.yml': 'budget:\n  maxUsd: 10\n  continuePartial: true\n',
    });
    gh.addComment({ issue: 1, body: '/status', user: 'maintainer' });
    await driveBuild({ gh, apps: [app], script });

    expect(continuations()).toHaveLength(1);
    expect(draft()?.mergedAt).not.toBeNull();
  });
});
