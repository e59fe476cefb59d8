import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import { findNotice } from '../../src/core/vocabulary/notice.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, labelledIssue, statusBody } from '../support/builds.js';
import {
  type Delivery,
  doubledAndShuffled,
  driveBuild,
  makeScript,
  type SessionScript,
} from '../support/scripted-sessions.js';

describe('notices: a new comment when a person is needed, once per need', () => {
  let gh: FakeGitHub;
  let apps: AppHarness[];

  // Two replicas of the app on the same GitHub: each batch of webhooks is split between them.
  startAppEachTest((started) => ({ gh, apps } = started), { replicas: 1 });

  /** Label, plan, `/approve`, and on to rest; every event delivered twice, shuffled, at once. */
  async function runBuild(script: SessionScript, delivery: Delivery = doubledAndShuffled(5)) {
    const issue = labelledIssue(gh);
    await driveBuild({ gh, apps, script, delivery, burst: true });
    const planNotices = noticeKeys();
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
    await driveBuild({ gh, apps, script, delivery, burst: true });
    for (const app of apps) expect(app.errors).toEqual([]);
    return { planNotices };
  }

  /** The notices Baton posted on the issue, by key, in the order posted (repeats kept). */
  function noticeKeys(): string[] {
    return gh.comments
      .filter((comment) => comment.user.login === gh.botLogin && comment.issue === 1)
      .flatMap((comment) => {
        const notice = findNotice(comment.body);
        return notice?.build === BUILD ? [notice.key] : [];
      });
  }

  function finalPull() {
    return [...gh.pulls.values()].find((pull) => pull.head === integrationBranch(BUILD));
  }

  /** The review requests sent to GitHub, as its answers' statuses. */
  function reviewRequests(): number[] {
    return gh.log
      .filter((entry) => entry.method === 'POST' && entry.route.endsWith('/requested_reviewers'))
      .map((entry) => entry.status);
  }

  it.each([1, 2, 3])(
    'tells the labeller once that the plan waits and asks once for their review of the final PR (seed %i)',
    async (seed) => {
      const { planNotices } = await runBuild(makeScript(), doubledAndShuffled(seed));

      const plan = gh.git.objects.get(gh.git.resolve(integrationBranch(BUILD)) ?? '');
      expect(plan).toBeDefined();
      expect(planNotices).toEqual([expect.stringMatching(/^plan-ready\/[0-9a-f]{12}$/)]);
      // The review request on the final PR is what tells them: no notice on the issue repeats it.
      const final = finalPull();
      expect(noticeKeys()).toEqual([planNotices[0]]);
      expect(final?.requestedReviewers).toEqual(['maintainer']);
      expect(reviewRequests()).toEqual([201]);
      // The notice says who it is for and what to do.
      const bodies = gh.comments.filter((c) => findNotice(c.body)).map((c) => c.body);
      expect(bodies[0]).toContain('@maintainer 📋 The plan is ready');
      expect(bodies[0]).toContain('/approve');
      // The status comment is still one comment, edited in place.
      expect(gh.comments.filter((c) => c.body.includes('baton:status'))).toHaveLength(1);
    },
  );

  it('tells the writer who labelled the issue, not a triager who labelled it again', async () => {
    const issue = labelledIssue(gh);
    // Triage permission adds and removes labels: the build label again, in their name, last.
    gh.events.labeled(issue, 'orchestrate', 'triager');
    const drive = () =>
      driveBuild({ gh, apps, script: makeScript(), delivery: doubledAndShuffled(7), burst: true });
    await drive();
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
    await drive();

    const bodies = gh.comments.filter((c) => findNotice(c.body)).map((c) => c.body);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toContain('@maintainer');
    for (const body of bodies) expect(body).not.toContain('@triager');
    expect(finalPull()?.requestedReviewers).toEqual(['maintainer']);
    for (const app of apps) expect(app.errors).toEqual([]);
  });

  it("mentions a person GitHub will not ask for a review (not a collaborator) in the final PR's notice instead", async () => {
    gh.git.commitOn(gh.defaultBranch, { '.github/baton.yml': 'notify: [outsider]\n' });
    await runBuild(makeScript());

    const final = finalPull();
    expect(final?.requestedReviewers ?? []).toEqual([]);
    const bodies = gh.comments.filter((c) => findNotice(c.body)).map((c) => c.body);
    expect(noticeKeys()).toEqual([
      expect.stringMatching(/^plan-ready\//),
      `final-pull/${final?.number}`,
    ]);
    expect(bodies[1]).toContain('@outsider 📦 Every worker is done');
    expect(reviewRequests()).toEqual([422]);
  });

  it('mentions them in the notice when GitHub fails the review request (an answer lost on the way)', async () => {
    // The one pass that asks is the one whose pull request GitHub created: a failure it cannot retry.
    gh.faults.push({
      route: 'POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
      response: { status: 502, body: { message: 'Server Error' } },
      unrouted: true,
    });
    await runBuild(makeScript());

    const final = finalPull();
    expect(reviewRequests()).toEqual([502]);
    expect(noticeKeys()).toEqual([
      expect.stringMatching(/^plan-ready\//),
      `final-pull/${final?.number}`,
    ]);
    const bodies = gh.comments.filter((c) => findNotice(c.body)).map((c) => c.body);
    expect(bodies[1]).toContain('@maintainer 📦 Every worker is done');
  });

  it.each([11, 12])(
    'asks once for the workers that wait by risk, on two replicas with every event doubled (seed %i)',
    async (seed) => {
      // The diamond with W1.1 and W1.2 both changing a workflow: W2.1 waits on both, so the build stands.
      const script = makeScript({
        evidence: true,
        files: (worker) => ({
          [`src/${worker}.ts`]: `export const done = '${worker}';\n`,
          ...(worker.startsWith('W1.')
            ? { [`.github/workflows/${worker}.yml`]: 'on: push\n' }
            : {}),
        }),
      });
      const issue = labelledIssue(gh);
      const delivery = doubledAndShuffled(seed);
      await driveBuild({ gh, apps, script, delivery, burst: true });
      gh.addComment({ issue, body: '/approve', user: 'maintainer' });
      await driveBuild({ gh, apps, script, delivery, burst: true });
      for (const app of apps) expect(app.errors).toEqual([]);

      const waiting = noticeKeys().filter((key) => key.startsWith('waiting/'));
      expect(waiting).toEqual([expect.stringMatching(/^waiting\/2\/[0-9a-f]{8}$/)]);
      // None on the pull requests: Baton's comments are the status and its notices, all on the issue.
      expect(gh.comments.filter((c) => c.user.login === gh.botLogin && c.issue !== issue)).toEqual(
        [],
      );

      // One reply lets both go on, and the build ends with no second ask.
      gh.addComment({ issue, body: '/merge W1.1\n/merge W1.2', user: 'maintainer' });
      await driveBuild({ gh, apps, script, delivery, burst: true });
      for (const app of apps) expect(app.errors).toEqual([]);
      expect(finalPull()).toBeDefined();
      expect(noticeKeys().filter((key) => key.startsWith('waiting/'))).toEqual(waiting);
    },
  );

  it('says nothing more while the workers need nobody', async () => {
    await runBuild(makeScript());

    expect(noticeKeys().map((key) => key.split('/')[0])).toEqual(['plan-ready']);
  });

  it('tells once that a worker failed and waits for a person', async () => {
    await runBuild(makeScript({ work: (worker) => (worker === 'W1.2' ? 'fail' : 'deliver') }));

    expect(noticeKeys().filter((key) => !key.startsWith('plan-ready'))).toEqual(['failed/W1.2/1']);
    const body = gh.comments.find((c) => findNotice(c.body)?.key === 'failed/W1.2/1')?.body;
    expect(body).toContain('/retry W1.2');
  });

  it('pauses at budget.maxUsd, counting the plan and failed sessions, and says so once', async () => {
    gh.git.commitOn(gh.defaultBranch, { '.github/baton.yml': 'budget:\n  maxUsd: 1\n' });
    await runBuild(
      makeScript({
        work: (worker, attempt) => (worker === 'W1.2' && attempt === 1 ? 'fail' : 'deliver'),
        // The plan alone costs 0.7; the failed W1.2 session brings the build to the cap.
        usageUsd: { plan: 0.7, work: 0.3, review: 0.05, fix: 0.1 },
      }),
    );

    expect(noticeKeys().filter((key) => key.startsWith('budget/'))).toEqual(['budget/1']);
    expect(finalPull()).toBeUndefined();
    const status = statusBody(gh, BUILD) ?? '';
    expect(status).toContain('Paused, budget reached');
    expect(status).toMatch(/plan \$0\.70/);
  });
});
