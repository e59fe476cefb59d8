import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { integrationBranch, planPath } from '../../src/core/vocabulary/ids.js';
import { findNotice, noticeKey, noticeMarker } from '../../src/core/vocabulary/notice.js';
import {
  type AppHarness,
  pushPayload,
  startApp,
  workflowRunPayload,
} from '../support/app-harness.js';
import { installedRepo, landPlan, tickingClock } from '../support/builds.js';

const BUILD = '1-add-oauth-login';

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

  beforeEach(async () => {
    const now = tickingClock();
    gh = installedRepo(now);
    app = await startApp({ gh, now });
  });
  afterEach(() => app.stop());

  it('posts the plan-ready notice although a reader wrote its marker first', async () => {
    const issue = gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
    gh.events.labeled(issue, 'orchestrate', 'maintainer');
    for (const event of gh.outbox.splice(0)) await app.deliver(event.name, event.payload);
    const head = landPlan(gh, { build: BUILD, issue, workers: [{ id: 'W1.1' }] });
    const blob = gh.git.entryAt(head, planPath(BUILD))?.sha ?? '';
    const key = noticeKey('plan-ready', blob.slice(0, 12));
    gh.addComment({
      issue,
      body: `${noticeMarker(BUILD, key)}\nNothing to see here.`,
      user: 'reader',
    });
    const run = gh.runs.at(-1);
    if (!run) throw new Error('no plan run');
    gh.finishRun(run.id, 'success');
    gh.outbox.splice(0);
    await app.deliver('push', pushPayload(gh, { branch: integrationBranch(BUILD) }));
    await app.deliver('workflow_run', workflowRunPayload(gh, { runId: run.id }));

    expect(app.errors).toEqual([]);
    const posted = gh.comments.filter(
      (c) => c.user.login === gh.botLogin && findNotice(c.body)?.key === key,
    );
    expect(posted).toHaveLength(1);
    expect(posted[0]?.body).toContain('@maintainer');
  });
});
