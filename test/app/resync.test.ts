import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { BuildQueue } from '../../src/github/client/build-queue.js';
import { buildKey } from '../../src/github/client/types.js';
import {
  RESYNC_MAX_BUILDS,
  resyncAll,
  scheduleResync,
} from '../../src/github/reconcile/doors/resync.js';
import { LastReads } from '../../src/github/reconcile/pass/last-reads.js';
import { reconcile } from '../../src/github/reconcile/pass/reconcile.js';
import { KnownBuilds, RELIST_MS } from '../../src/github/reconcile/queue/known-builds.js';
import { createRecentReconciles } from '../../src/github/reconcile/queue/recent-reconciles.js';
import { type AppHarness, deliverLabelledIssue, startApp } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, CHAIN, labelledIssue, landPlan, statusBody } from '../support/builds.js';
import { resyncDeps } from '../support/resync-deps.js';
import { driveBuild, makeScript, runQueuedSessions } from '../support/scripted-sessions.js';

describe('resync', () => {
  let gh: FakeGitHub;
  let app: AppHarness;
  let now: () => string;
  const script = makeScript({ workers: CHAIN });

  startAppEachTest((started) => ({ gh, app, now } = started));

  it('heals a build whose webhooks were all lost', async () => {
    const issue = labelledIssue(gh);
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
            await reconcile(ctx, { ...ref, defaultBranch, now: now(), log: app.probot.log });
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

  describe('passes over a build this process read within half its interval', () => {
    const MINUTE = 60_000;
    const PASS_OVER = 5 * MINUTE; // half of the default 10-minute interval
    let clock: number;
    let recent: ReturnType<typeof createRecentReconciles>;
    const queries = () => gh.log.filter((entry) => entry.route === 'POST /graphql').length;

    beforeEach(async () => {
      app.stop();
      clock = 0;
      recent = createRecentReconciles({ clock: () => clock });
      app = await startApp({ gh, now, recentReconciles: recent });
    });
    afterEach(() => app.stop());

    /** One periodic resync as src/index.ts runs it: how many builds it queued. */
    async function resync(lastReads?: LastReads, known?: KnownBuilds): Promise<number> {
      const deps = resyncDeps(
        { app, gh, now },
        {
          recent,
          ...(lastReads ? { lastReads } : {}),
          ...(known ? { known } : {}),
        },
      );
      const log = app.probot.log;
      const probeWithinMs = 4 * PASS_OVER; // two intervals
      const scheduled = await resyncAll(
        app.probot,
        (ctx, ref, defaultBranch) =>
          scheduleResync(ctx, {
            ref,
            defaultBranch,
            deps,
            log,
            passOverMs: PASS_OVER,
            probeWithinMs,
          }),
        deps.botLogin,
        { recent, ...(known ? { known } : {}) },
      );
      await deps.queue.idle();
      return scheduled;
    }

    async function labelledBuild(): Promise<void> {
      await deliverLabelledIssue(app, gh);
      await app.idle();
    }

    it('reads it again once half the interval has passed since a webhook read it', async () => {
      await labelledBuild();
      const read = queries();
      clock += 4 * MINUTE;
      expect(await resync()).toBe(0);
      expect(queries()).toBe(read);
      clock += 2 * MINUTE;
      expect(await resync()).toBe(1);
      expect(queries()).toBe(read + 1);
      // The resync's own read counts: the next resync soon after passes over the build.
      clock += MINUTE;
      expect(await resync()).toBe(0);
      expect(app.errors).toEqual([]);
    });

    it('looks at a build read within two intervals through its runs: reads it whole only when they changed what it needs', async () => {
      const reads = new LastReads();
      app.stop();
      app = await startApp({ gh, now, recentReconciles: recent, lastReads: reads });
      await labelledBuild();
      const read = queries();
      const listings = () =>
        gh.log.filter((entry) => entry.route.endsWith('/actions/workflows/{workflow_id}/runs'))
          .length;
      const listed = listings();
      // The plan session is still under way: its run as the read saw it, nothing to read.
      clock += 6 * MINUTE;
      expect(await resync(reads)).toBe(1);
      expect(listings()).toBe(listed + 1);
      expect(queries()).toBe(read);
      // Its run completes and GitHub loses the webhook: the runs show it, the build is read.
      const run = gh.runs.at(-1);
      if (!run) throw new Error('no plan run');
      gh.finishRun(run.id, 'failure');
      gh.outbox.splice(0);
      clock += 6 * MINUTE;
      expect(await resync(reads)).toBe(1);
      expect(queries()).toBe(read + 1);
      expect(app.errors).toEqual([]);
    });

    it('lists the build branches hourly and resyncs the builds it knows between listings', async () => {
      const known = new KnownBuilds({ clock: () => clock });
      const listings = () =>
        gh.log.filter(
          (entry) =>
            entry.route === 'GET /repos/{owner}/{repo}/git/matching-refs/{ref}' &&
            entry.path.includes('heads%2Fbaton%2F'),
        ).length;
      await labelledBuild();
      const listed = listings();
      clock += 6 * MINUTE;
      expect(await resync(undefined, known)).toBe(1);
      expect(listings()).toBe(listed + 1);
      // Ten minutes on the build is resynced as known, without a listing.
      const read = queries();
      clock += 10 * MINUTE;
      expect(await resync(undefined, known)).toBe(1);
      expect(listings()).toBe(listed + 1);
      expect(queries()).toBe(read + 1);
      // A build no event told this process of (its label went to another replica) is found
      // once the listing is an hour old.
      const other = gh.openIssue({ title: 'Add SAML login', labels: ['orchestrate'] });
      landPlan(gh, { build: `${other}-add-saml-login`, issue: other, workers: [{ id: 'W1.1' }] });
      clock += 10 * MINUTE;
      expect(await resync(undefined, known)).toBe(1);
      clock = RELIST_MS + 6 * MINUTE + 1;
      expect(await resync(undefined, known)).toBe(2);
      expect(listings()).toBe(listed + 2);
      expect(app.errors).toEqual([]);
    });

    it('reads the builds of a repository in turn when it has more than one resync reads', async () => {
      // Ended builds keep their build branch: a repository gathers more than RESYNC_MAX_BUILDS.
      const builds = Array.from({ length: RESYNC_MAX_BUILDS + 1 }, (_, n) => {
        const issue = gh.openIssue({ title: `Build ${n + 1}`, labels: ['orchestrate'] });
        const build = `${issue}-build-${n + 1}`;
        landPlan(gh, { build, issue, workers: [{ id: 'W1.1' }] });
        return build;
      });
      const oldest = buildKey({ owner: gh.owner, repo: gh.repo }, builds[0] ?? '');
      expect(await resync()).toBe(RESYNC_MAX_BUILDS);
      expect(recent.readAt(oldest)).toBeUndefined();
      // The next resync reads the one never read first, not the newest twenty again.
      clock += 10 * MINUTE;
      expect(await resync()).toBe(RESYNC_MAX_BUILDS);
      expect(recent.readAt(oldest)).toBe(clock);
      expect(app.errors).toEqual([]);
    });

    it('does not count a reconcile whose write failed as a read', async () => {
      const COMMENT = 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments';
      gh.faults.push({
        route: COMMENT,
        response: { status: 500, body: { message: 'Server Error' } },
      });
      await labelledBuild();
      expect(gh.log.filter((entry) => entry.route === COMMENT).map((e) => e.status)).toEqual([500]);
      const read = queries();
      clock += MINUTE;
      expect(await resync()).toBe(1);
      expect(queries()).toBe(read + 1);
      expect(statusBody(gh, BUILD)).toBeTruthy();
    });
  });
});
