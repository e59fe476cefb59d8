import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { planPath } from '../../src/core/vocabulary/ids.js';
import { findNotice, noticeKey, noticeMarker } from '../../src/core/vocabulary/notice.js';
import { type AppHarness, finishPlanRun } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, labelledIssue, landPlan } from '../support/builds.js';

/**
 * Attack: someone who may comment on the issue (any reader, on a public
 * repository) writes Baton's hidden notice marker for a need before Baton
 * posts it, hoping `decide` takes the need as told and the maintainer never
 * hears that the plan waits. Defence: only Baton's own comments count as
 * notices (`collectComments`).
 */
describe('a forged notice marker does not silence a notice', () => {
  let gh: FakeGitHub;
  let app: AppHarness;

  startAppEachTest((started) => ({ gh, app } = started));

  it('posts the plan-ready notice although a reader wrote its marker first', async () => {
    const issue = labelledIssue(gh);
    for (const event of gh.outbox.splice(0)) await app.deliver(event.name, event.payload);
    const head = landPlan(gh, { build: BUILD, issue, workers: [{ id: 'W1.1' }] });
    const blob = gh.git.entryAt(head, planPath(BUILD))?.sha ?? '';
    const key = noticeKey('plan-ready', blob.slice(0, 12));
    gh.addComment({
      issue,
      body: `${noticeMarker(BUILD, key)}\nNothing to see here.`,
      user: 'reader',
    });
    await finishPlanRun(app, gh, { build: BUILD });

    expect(app.errors).toEqual([]);
    const posted = gh.comments.filter(
      (c) => c.user.login === gh.botLogin && findNotice(c.body)?.key === key,
    );
    expect(posted).toHaveLength(1);
    expect(posted[0]?.body).toContain('@maintainer');
  });
});
