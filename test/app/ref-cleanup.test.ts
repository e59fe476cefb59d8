import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { SimRun } from '../../sim/github/records.js';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import { clearRefCleanUp, REFS_PER_MUTATION } from '../../src/github/act/locks/clean-up-refs.js';
import { BuildQueue } from '../../src/github/client/build-queue.js';
import { resyncAll } from '../../src/github/reconcile/doors/resync.js';
import { reconcile } from '../../src/github/reconcile/pass/reconcile.js';
import { exchangeMarkerRef } from '../../src/server/session-token-deps.js';
import { type AppHarness, startApp, startReplica } from '../support/app-harness.js';
import {
  BUILD,
  CHAIN,
  installedRepo,
  labelledIssue,
  mergeByHand,
  statusBody,
  tickingClock,
} from '../support/builds.js';
import { type CapturedLog, captureLog } from '../support/captured-log.js';
import {
  driveBuild,
  makeScript,
  recordExchange,
  runApprovedBuild,
  runQueuedSessions,
} from '../support/scripted-sessions.js';

/** Another build whose id starts with BUILD's: a listing without the trailing slash would take its refs. */
const OTHER = '1-add-oauth-login-again';
const SCRIPT = makeScript({
  workers: CHAIN,
  usageUsd: { plan: 0.5, work: 0.25, review: 0.05, fix: 0.1 },
  exchanges: true,
});

/**
 * A finished build's hidden refs: its locks and the token-exchange refs of its
 * completed runs are deleted (GraphQL `updateRefs`), its usage and adaptation
 * records (its spend) stay, and nothing of another build is touched.
 */
describe('the hidden refs of a finished build', () => {
  let gh: FakeGitHub;
  let now: () => string;
  let apps: AppHarness[];
  let captured: CapturedLog;

  beforeEach(async () => {
    clearRefCleanUp();
    now = tickingClock();
    gh = installedRepo(now);
    // A delivered build's learn session (docs/memory.md) would take a lock of its own; these
    // tests are of the refs of a build with nothing left to start.
    gh.git.commitOn(
      gh.defaultBranch,
      { '.github/baton.yml': 'memory:\n  enabled: false\n' },
      'No lessons',
    );
    captured = captureLog();
    apps = [await startApp({ gh, now, log: captured.log })];
  });
  afterEach(() => {
    for (const app of apps) app.stop();
  });

  const refs = (prefix: string) => [...gh.git.refs.keys()].filter((ref) => ref.startsWith(prefix));
  const locks = () =>
    refs(`refs/baton/${BUILD}/`).filter((ref) => !/\/(usage|adapt|validation)\//.test(ref));
  const records = () =>
    refs(`refs/baton/${BUILD}/`).filter((ref) => /\/(usage|adapt|validation)\//.test(ref));
  const exchangeOf = (run: SimRun) => exchangeMarkerRef(run.id, run.runAttempt);
  const batonRuns = () => gh.runs.filter((run) => run.workflow === 'baton.yml');
  const mutations = () =>
    gh.log.filter(
      (entry) =>
        entry.route === 'POST /graphql' &&
        String((entry.body as { query?: string }).query).includes('updateRefs'),
    );
  const listings = (prefix: string) =>
    gh.log.filter((entry) => entry.path.endsWith(`/git/matching-refs/${prefix}`));
  /** Warnings and errors the app logged (pino's levels 40 and 50). */
  const warnings = () =>
    captured
      .records()
      .filter(
        (record) =>
          Number(record.level) >= 40 && !String(record.msg).includes('validation record ignored'),
      );
  const errors = () => apps.flatMap((app) => app.errors);
  /** Every dispatch as `role worker trigger`. */
  const dispatches = () =>
    batonRuns().map((run) => `${run.inputs.role} ${run.inputs.worker} ${run.inputs.trigger}`);

  /**
   * Refs that look like this build's but are not to go: the other build's, the
   * exchange of a run whose id starts with a run id of BUILD's, and that of an
   * attempt of a completed run that started after the build was read (a re-run).
   */
  function plantOthers(): string[] {
    const sha = gh.git.resolve(gh.defaultBranch) ?? '';
    const [first] = batonRuns();
    const planted = [
      `refs/baton/${OTHER}/build/status-comment`,
      `refs/baton/${OTHER}/notice/final-pull-9`,
      `refs/baton/${OTHER}/usage/90-1`,
      exchangeMarkerRef(Number(`${first?.id}0`), 1),
      exchangeMarkerRef(first?.id ?? 0, 2),
    ];
    for (const ref of planted) gh.git.refs.set(ref, sha);
    return planted;
  }

  /** Labelled, planned, approved: the build runs until its final PR is open. */
  async function toFinalPull(script = SCRIPT): Promise<void> {
    await runApprovedBuild({ gh, apps, script });
    // What an adapt session's publish leaves: a record, which stays with the usage records.
    gh.git.refs.set(`refs/baton/${BUILD}/adapt/W1.1`, gh.git.resolve(gh.defaultBranch) ?? '');
    // And a milestone's validation: a record too (bound to no run here, so ignored, and still kept).
    const head = gh.git.resolve(gh.defaultBranch) ?? '';
    gh.git.refs.set(`refs/baton/${BUILD}/validation/M2/${head}`, head);
    expect(finalPull()?.state).toBe('open');
  }

  function finalPull() {
    return [...gh.pulls.values()].find((pull) => pull.head === integrationBranch(BUILD));
  }

  /** A person merges the final PR, which closes the issue (`Closes #1`). */
  async function mergeFinal(script = SCRIPT): Promise<void> {
    const pull = finalPull();
    if (!pull) throw new Error('no final pull request');
    mergeByHand(gh, pull, now);
    setIssue('closed', pull.number);
    await driveBuild({ gh, apps, script });
  }

  /** The maintainer closes (or reopens) the issue; a merged final PR closes it through its "Closes #1". */
  function setIssue(state: 'closed' | 'reopened', pull?: number): void {
    gh.setIssueState(1, state === 'closed' ? 'closed' : 'open', {
      by: 'maintainer',
      ...(pull !== undefined ? { pull } : {}),
    });
  }

  /** One reconcile of every build, as the periodic resync makes it. */
  async function reconcileAgain(): Promise<void> {
    const [app] = apps;
    if (!app) throw new Error('no app');
    const queue = new BuildQueue((error) => app.errors.push(error));
    await resyncAll(
      app.probot,
      (ctx, ref, defaultBranch) =>
        void queue.enqueue(ref.build, async () => {
          await reconcile(ctx, { ...ref, defaultBranch, now: now(), log: app.probot.log });
        }),
      async () => gh.botLogin,
    );
    await queue.idle();
  }

  it('deletes its locks and its completed runs’ exchange refs, keeps its records and other builds’ refs, with two replicas at once', async () => {
    apps.push(await startReplica({ now, log: captured.log }));
    await toFinalPull();
    const planted = plantOthers();
    const kept = records();
    const exchanges = batonRuns().map(exchangeOf);
    const before = statusBody(gh, BUILD) ?? '';
    expect(locks().length).toBeGreaterThan(0);
    expect(exchanges.every((ref) => gh.git.refs.has(ref))).toBe(true);
    // A record per session: each run's own, and one for each review a run made after its work.
    const usage = kept.filter((ref) => ref.includes('/usage/'));
    const inRun = usage.filter((ref) => ref.endsWith('-review'));
    expect(usage.length - inRun.length).toBe(batonRuns().length);
    expect(inRun.length).toBeGreaterThan(0);
    expect(inRun).toHaveLength(gh.reviews.filter((r) => r.user.login === gh.botLogin).length);

    await mergeFinal();
    // Both replicas listed the same refs; the second's mutation met them gone and changed nothing.
    const asked = mutations().map((entry) => JSON.stringify(entry.body));
    expect(asked).toHaveLength(2);
    expect(new Set(asked).size).toBe(1);

    expect(errors()).toEqual([]);
    expect(warnings()).toEqual([]);
    expect(locks()).toEqual([]);
    expect(exchanges.filter((ref) => gh.git.refs.has(ref))).toEqual([]);
    expect(records()).toEqual(kept);
    for (const ref of planted) expect(gh.git.refs.has(ref)).toBe(true);
    // The spend is counted from the records that stayed: a later look shows the same figures.
    const done = statusBody(gh, BUILD) ?? '';
    expect(done).toMatch(/delivered|done/i);
    await reconcileAgain();
    expect(statusBody(gh, BUILD)).toBe(done);
    const spend = (body: string) => body.match(/\$\d+\.\d\d/g);
    expect(spend(done)).toEqual(spend(before));
    const usd = SCRIPT.usageUsd ?? {};
    const total =
      batonRuns().reduce((sum, run) => sum + (usd[run.inputs.role as 'plan'] ?? 0), 0) +
      inRun.length * (usd.review ?? 0);
    expect(spend(done)).toContain(`$${total.toFixed(2)}`);
  });

  it('deletes a hundred refs a mutation, and a finished build looked at again costs one listing', async () => {
    await toFinalPull();
    const sha = gh.git.resolve(gh.defaultBranch) ?? '';
    for (let n = 0; n < 150; n++) gh.git.refs.set(`refs/baton/${BUILD}/notice/n-${n}`, sha);

    await mergeFinal();

    expect(locks()).toEqual([]);
    const sizes = mutations().map(
      (entry) =>
        (entry.body as { variables: { refUpdates: unknown[] } }).variables.refUpdates.length,
    );
    expect(sizes.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(REFS_PER_MUTATION);

    const [mutated, listed] = [mutations().length, listings(`baton%2F${BUILD}%2F`).length];
    await reconcileAgain();
    expect(mutations()).toHaveLength(mutated);
    expect(listings(`baton%2F${BUILD}%2F`)).toHaveLength(listed + 1);
    expect(listings('baton-exchanges%2F').length).toBeGreaterThan(0);
    const exchangeListings = listings('baton-exchanges%2F').length;
    await reconcileAgain();
    expect(listings('baton-exchanges%2F')).toHaveLength(exchangeListings);
    expect(errors()).toEqual([]);
  });

  it('keeps the exchange ref of a run still in progress until it completes', async () => {
    const issue = labelledIssue(gh);
    await driveBuild({ gh, apps, script: SCRIPT });
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
    while (gh.outbox.length > 0) await apps[0]?.deliverAll(gh.outbox.splice(0));
    // W1.1's session has traded its token and is working.
    const work = batonRuns().find((run) => run.inputs.role === 'work');
    if (!work) throw new Error('no work run');
    work.status = 'in_progress';
    recordExchange(gh, work);
    const plan = batonRuns().find((run) => run.inputs.role === 'plan');
    if (!plan) throw new Error('no plan run');

    // The issue is closed: the build is cancelled while W1.1's run is still in progress.
    setIssue('closed');
    await apps[0]?.deliverAll(gh.outbox.splice(0, 1));

    expect(gh.git.refs.has(exchangeOf(work))).toBe(true);
    expect(gh.git.refs.has(exchangeOf(plan))).toBe(false);
    expect(locks().length).toBeGreaterThan(0);

    // Its cancellation completes it; the next look deletes what is left.
    await driveBuild({ gh, apps, script: SCRIPT });
    expect(work.status).toBe('completed');
    expect(gh.git.refs.has(exchangeOf(work))).toBe(false);
    expect(locks()).toEqual([]);
    expect(errors()).toEqual([]);
  });

  it('answers /improve on a delivered build once, with no dispatch, notice or status comment again', async () => {
    apps.push(await startReplica({ now, log: captured.log }));
    await toFinalPull();
    await mergeFinal();
    expect(locks()).toEqual([]);
    const runs = dispatches();
    const comments = gh.comments.length;

    gh.addComment({ issue: 1, body: '/improve 2 clearer errors', user: 'maintainer' });
    // The webhook comes twice, to both replicas at once.
    const events = gh.outbox.splice(0);
    await Promise.all(apps.map((app) => app.deliverAll([...events, ...events])));
    await driveBuild({ gh, apps, script: SCRIPT });

    expect(errors()).toEqual([]);
    expect(dispatches()).toEqual(runs);
    const added = gh.comments.slice(comments).filter((c) => c.user.login === gh.botLogin);
    expect(added).toHaveLength(1);
    expect(added[0]?.body).toContain('improvement loops start on an issue with no build');
    expect(gh.comments.filter((c) => c.body.includes('baton:status'))).toHaveLength(1);
    expect(locks()).toEqual([]);
  });

  /**
   * Cancelled by closing its issue while W2.1 works (its run cancelled, its
   * refs cleaned up), then reopened. Played twice on fresh simulators: with the
   * refs deleted, and with GitHub refusing the deletion so that they stay.
   */
  async function reopenedBuild(deletes: boolean) {
    for (const app of apps) app.stop();
    clearRefCleanUp();
    now = tickingClock();
    gh = installedRepo(now);
    gh.updateRefsTouchesHiddenRefs = deletes;
    apps = [await startApp({ gh, now, log: captured.log })];
    const issue = labelledIssue(gh);
    await driveBuild({ gh, apps, script: SCRIPT });
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
    for (let round = 0; round < 30 && !batonRuns().some(isWork('W2.1')); round++) {
      await apps[0]?.deliverAll(gh.outbox.splice(0));
      if (!batonRuns().some(isWork('W2.1'))) runQueuedSessions(gh, SCRIPT);
    }
    expect(batonRuns().some(isWork('W2.1'))).toBe(true);
    setIssue('closed');
    await driveBuild({ gh, apps, script: SCRIPT });
    expect(statusBody(gh, BUILD)).toMatch(/cancel/i);
    const lockedWhenCancelled = locks().length;

    setIssue('reopened');
    await driveBuild({ gh, apps, script: SCRIPT });
    // Its cancelled worker waits for a person, as any failed one.
    expect(statusBody(gh, BUILD)).toContain('`/retry W2.1`');
    const retry = gh.addComment({ issue, body: '/retry W2.1', user: 'maintainer' }).id;
    await driveBuild({ gh, apps, script: SCRIPT });
    expect(errors()).toEqual([]);
    return {
      retry,
      lockedWhenCancelled,
      dispatches: dispatches(),
      statusComments: gh.comments.filter((c) => c.body.includes('baton:status')).length,
      notices: gh.comments.flatMap((c) => c.body.match(/baton:notice [^>]*/g) ?? []),
      // The clock ticks once per reading, and the two plays read it a different number of times.
      // Times differ between the two runs: so does the marker's mark of what the status shows.
      status: statusBody(gh, BUILD)
        ?.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>')
        .replace(/ shows=[0-9a-f]{8}/, ''),
      final: finalPull()?.state,
    };
  }

  it('goes on after its issue is reopened exactly as it would had its refs stayed', async () => {
    const kept = await reopenedBuild(false);
    const deleted = await reopenedBuild(true);

    expect(kept.lockedWhenCancelled).toBeGreaterThan(0);
    expect(deleted.lockedWhenCancelled).toBe(0);
    expect(new Set(deleted.dispatches).size).toBe(deleted.dispatches.length);
    expect(deleted.statusComments).toBe(1);
    expect(new Set(deleted.notices).size).toBe(deleted.notices.length);
    const { lockedWhenCancelled: _k, ...keptRest } = kept;
    const { lockedWhenCancelled: _d, ...deletedRest } = deleted;
    expect(deletedRest).toEqual(keptRest);
    expect(deleted.dispatches).toContain(`work W2.1 comment-${deleted.retry}`);
    expect(deleted.final).toBe('open');
  });

  it('logs one warning and leaves the build be when GitHub refuses the deletion', async () => {
    gh.updateRefsTouchesHiddenRefs = false;
    await toFinalPull();
    const before = [...gh.git.refs.keys()].filter((ref) => ref.startsWith('refs/baton'));

    await mergeFinal();

    expect(errors()).toEqual([]);
    expect(statusBody(gh, BUILD)).toMatch(/delivered|done/i);
    expect([...gh.git.refs.keys()].filter((ref) => ref.startsWith('refs/baton'))).toEqual(before);
    const [warning, ...more] = warnings();
    expect(more).toEqual([]);
    expect(warning?.msg).toMatch(/GitHub refused to delete the finished build's hidden refs/);
    expect(warning?.refs).toEqual(expect.arrayContaining(locks()));
    expect(warning?.command).toMatch(/^git push origin :refs\/baton/);
    expect(mutations()).toHaveLength(1);

    // Not asked again: no loop of refusals, no second warning.
    await reconcileAgain();
    await reconcileAgain();
    expect(mutations()).toHaveLength(1);
    expect(warnings()).toHaveLength(1);
    expect(errors()).toEqual([]);
  });
});

function isWork(worker: string) {
  return (run: SimRun) => run.inputs.role === 'work' && run.inputs.worker === worker;
}
