import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { SimRun } from '../../sim/github/records.js';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import { takeoverRef } from '../../src/github/act/dispatch-session.js';
import { SoloProcess } from '../../src/github/client/solo-process.js';
import { type AppHarness, startApp, startReplica } from '../support/app-harness.js';
import { BUILD, installedRepo, labelledIssue, tickingClock } from '../support/builds.js';
import { type CapturedLog, captureLog } from '../support/captured-log.js';
import { holdFirstRequest } from '../support/held-request.js';
import { type ManualLooks, manualLooks } from '../support/manual-looks.js';
import {
  batonReviewsOf,
  driveBuild,
  makeScript,
  runQueuedSessions,
  type SessionScript,
} from '../support/scripted-sessions.js';

const DISPATCHES = /\/actions\/workflows\/[^/]+\/dispatches$/;
const roleIs = (role: string) => (body: unknown) =>
  (body as { inputs?: { role?: string } } | null)?.inputs?.role === role;

/**
 * Two processes of the app on the same webhooks with no store to share (no
 * `REDIS_URL`): nothing holds a build for one of them, and each remembers its
 * own last read. Neither may stall a build on what its memory says, nor make a
 * dispatch the other made; and each says that it is not alone.
 */
describe('two processes of the app sharing no store', () => {
  let now: () => string;
  let gh: FakeGitHub;
  let apps: AppHarness[];
  let looks: ManualLooks[];
  let logs: CapturedLog[];
  const script: SessionScript = makeScript({ workers: [{ id: 'W1.1' }] });

  beforeEach(() => {
    now = tickingClock();
    gh = installedRepo(now);
    apps = [];
    looks = [manualLooks(), manualLooks()];
    logs = [captureLog(), captureLog()];
  });
  afterEach(() => {
    for (const app of apps) app.stop();
  });

  /** How a process dispatches alone, on GitHub's clock (which started it after the runs it has). */
  const onGitHubTime = (options: ConstructorParameters<typeof SoloProcess>[0] = {}) =>
    new SoloProcess({ now: () => Date.parse(now()), ...options });

  /** The two processes, each with its looks and its log; `solo` is each one's way of dispatching alone. */
  async function startBoth(solo: SoloProcess[] = []): Promise<AppHarness[]> {
    const options = (i: number) => ({
      now,
      looks: (looks[i] as ManualLooks).schedule,
      log: (logs[i] as CapturedLog).log,
      solo: solo[i] ?? onGitHubTime(),
    });
    apps = [await startApp({ gh, ...options(0) }), await startReplica(options(1))];
    return apps;
  }

  /** Every event GitHub sent, to both processes (as a load balancer may, or GitHub redelivering). */
  async function deliverToBoth(): Promise<void> {
    const events = gh.outbox.splice(0);
    for (const app of apps) await app.deliverAll(events);
  }

  /** Takes every look either process set, delivering what they set off, until none is left. */
  async function takeLooks(): Promise<void> {
    for (let taken = 0; taken < 20; taken++) {
      const look = looks.find((one) => one.schedule.pending().length > 0);
      if (!look?.next()) return;
      await Promise.all(apps.map((app) => app.idle()));
      await deliverToBoth();
    }
  }

  const pull = () => [...gh.pulls.values()].find((one) => one.head.endsWith('/W1.1'));
  const runsOf = (role: string) => gh.runs.filter((run) => run.inputs.role === role);
  const warnings = (i: number) =>
    (logs[i] as CapturedLog).records().filter((r) => String(r.msg).includes('REDIS_URL'));

  it('merges a pull request whose twin review runs ended, though each process last read it held by the second twin’s jobs', async () => {
    // The work run completes with no review in it: the review is the app's to dispatch, once
    // the run has settled (its review maybe not in sight yet), at each process's look. The
    // first one's review dispatch is slow on its way, so the second one, not seeing it,
    // dispatches its own: twin review runs.
    const slow = holdFirstRequest(gh, { method: 'POST', path: DISPATCHES, body: roleIs('review') });
    let arrived = false;
    void slow.held.then(() => {
      arrived = true;
    });
    const script = makeScript({ workers: [{ id: 'W1.1' }], reviewInRun: false });
    const [a, b] = (await startBoth()) as [AppHarness, AppHarness];
    const issue = labelledIssue(gh);
    await driveBuild({ gh, apps: [a], script });
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
    await a.deliverAll(gh.outbox.splice(0));
    runQueuedSessions(gh, script);
    const workDone = gh.outbox.splice(0);
    await a.deliverAll(workDone);
    await b.deliverAll(workDone);
    for (let look = 0; look < 40 && !arrived; look++) {
      (looks[0] as ManualLooks).next();
      await Promise.race([a.idle(), slow.held]);
    }
    const first = a.idle();
    for (let look = 0; look < 40 && runsOf('review').length === 0; look++) {
      (looks[1] as ManualLooks).next();
      await b.idle();
    }
    slow.release();
    await first;
    const twins = runsOf('review');
    expect(twins).toHaveLength(2);
    const [one, two] = twins as [SimRun, SimRun];

    // The first twin reviews and ends; the concurrency group starts the second, whose jobs
    // run on the pull request's head: GitHub calls it unstable, and Baton does not merge.
    runQueuedSessions(gh, script, (run) => run.id === one.id);
    gh.beginRun(two.id);
    await deliverToBoth();
    expect(pull()?.state).toBe('open');

    // The second twin finds the review there and ends: its jobs are done, the pull request clean.
    gh.finishRun(two.id, 'success');
    await deliverToBoth();
    await takeLooks();
    expect(pull()?.mergedAt).toBeTruthy();
    expect(apps.flatMap((app) => app.errors)).toEqual([]);
    // Each saw the other's review run, and said what to do.
    expect(warnings(0).length + warnings(1).length).toBeGreaterThan(0);
  });

  it('sends the plan once when the process that took the build branch is slow to dispatch it', async () => {
    const slow = holdFirstRequest(gh, { method: 'POST', path: DISPATCHES, body: roleIs('plan') });
    const [a, b] = (await startBoth()) as [AppHarness, AppHarness];
    labelledIssue(gh);
    const label = gh.outbox.splice(0);
    const first = a.deliverAll(label);
    await slow.held;
    // The build branch is there (the first process's lock), with no plan run: it may be on its way.
    expect(gh.git.resolve(integrationBranch(BUILD))).not.toBeNull();
    await b.deliverAll(label);
    expect(runsOf('plan')).toHaveLength(0);
    slow.release();
    await first;
    await deliverToBoth();
    await takeLooks();
    expect(runsOf('plan')).toHaveLength(1);
    expect(gh.comments.filter((c) => c.body.includes('<!-- baton:status'))).toHaveLength(1);
    expect(apps.flatMap((app) => app.errors)).toEqual([]);
    expect(warnings(1)).toHaveLength(1);
  });

  it('takes a plan over, once, after the grace, from a process that did not send it in time', async () => {
    let clock = 0;
    const graceMs = 120_000;
    // The first process's dispatches are past their time to be sent as soon as their lock is taken.
    const late = onGitHubTime({ deadline: () => AbortSignal.abort() });
    const [a, b] = (await startBoth([late, new SoloProcess({ now: () => clock, graceMs })])) as [
      AppHarness,
      AppHarness,
    ];
    labelledIssue(gh);
    const label = gh.outbox.splice(0);
    await a.deliverAll(label);
    expect(gh.git.resolve(integrationBranch(BUILD))).not.toBeNull();
    await b.deliverAll(label);
    expect(runsOf('plan')).toHaveLength(0);
    // Past the grace, the second process's look takes the dispatch over through a takeover ref.
    clock += graceMs;
    expect((looks[1] as ManualLooks).next()).toBe(true);
    await b.idle();
    expect(runsOf('plan')).toHaveLength(1);
    const request = { role: 'plan' as const, build: BUILD, issue: 1 };
    expect(gh.git.refs.has(takeoverRef(request, 1))).toBe(true);
    await deliverToBoth();
    await takeLooks();
    // The first process never sent its own: one dispatch reached GitHub.
    expect(gh.log.filter((entry) => DISPATCHES.test(entry.path))).toHaveLength(1);
    expect(runsOf('plan')).toHaveLength(1);
  });

  it('says nothing of other processes when it is the only one', async () => {
    const alone = captureLog();
    const app = await startApp({
      gh,
      now,
      log: alone.log,
      looks: (looks[0] as ManualLooks).schedule,
      solo: onGitHubTime(),
    });
    apps = [app];
    const issue = labelledIssue(gh);
    const drive = { gh, apps, script, looks: looks[0] as ManualLooks };
    await driveBuild(drive);
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
    await driveBuild(drive);
    // One review, in the work's own run: nothing dispatched for it.
    expect(runsOf('review')).toEqual([]);
    expect(batonReviewsOf(gh, BUILD, 'W1.1')).toHaveLength(1);
    expect(pull()?.mergedAt).toBeTruthy();
    expect(alone.records().filter((r) => String(r.msg).includes('REDIS_URL'))).toEqual([]);
  });
});
