import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { BuildQueue } from '../../src/github/build-queue.js';
import { reconcileBuild } from '../../src/github/reconcile.js';
import { resyncAll } from '../../src/github/resync.js';
import { type AppHarness, startApp } from '../support/app-harness.js';
import { installedRepo, statusBody, tickingClock } from '../support/builds.js';
import { driveBuild, runQueuedSessions, type SessionScript } from '../support/scripted-sessions.js';

const BUILD = '1-add-oauth-login';

describe('resync', () => {
  let gh: FakeGitHub;
  let app: AppHarness;
  let now: () => string;
  const script: SessionScript = {
    build: BUILD,
    issue: 1,
    workers: [{ id: 'W1.1' }, { id: 'W2.1', depends_on: ['W1.1'] }],
  };

  beforeEach(async () => {
    now = tickingClock();
    gh = installedRepo(now);
    app = await startApp({ gh, now });
  });
  afterEach(() => app.stop());

  it('heals a build whose webhooks were all lost', async () => {
    const issue = gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
    gh.events.labeled(issue, 'orchestrate', 'maintainer');
    await driveBuild({ gh, apps: [app], script });
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
    await app.deliverAll(gh.outbox.splice(0));
    expect(gh.runs.filter((run) => run.inputs.role === 'work')).toHaveLength(1);

    // Now GitHub loses every webhook: sessions run, but the app hears nothing.
    // Only the periodic resync notices.
    const queue = new BuildQueue((error) => app.errors.push(error));
    for (let round = 0; round < 20; round++) {
      runQueuedSessions(gh, script);
      gh.outbox.splice(0);
      const scheduled = await resyncAll(
        app.probot,
        (ctx, ref, defaultBranch) =>
          void queue.enqueue(ref.build, async () => {
            await reconcileBuild(ctx, { ...ref, defaultBranch, now: now(), log: app.probot.log });
          }),
        async () => gh.botLogin,
      );
      expect(scheduled).toBe(1);
      await queue.idle();
    }

    expect(app.errors).toEqual([]);
    expect([...gh.pulls.values()].filter((pull) => pull.mergedAt)).toHaveLength(2);
    expect(statusBody(gh, BUILD)).toContain('**2 of 2** workers done');
  });
});
