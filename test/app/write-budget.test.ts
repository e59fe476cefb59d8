import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import {
  WRITES_OF_A_MERGE,
  WRITES_OF_A_REVIEW_DISPATCH,
  WRITES_PER_STARTED_WORKER,
} from '../../src/core/snapshot/estimate.js';
import { integrationBranch, workerBranch } from '../../src/core/vocabulary/ids.js';
import { createStatusPacer, type StatusPacer } from '../../src/github/act/status-pacer.js';
import {
  createWriteBudget,
  type WriteBudget,
} from '../../src/github/client/pacing/write-budget.js';
import { type AppHarness, startApp } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, CHAIN, labelledIssue, statusBody } from '../support/builds.js';
import { type ManualTimers, manualTimers } from '../support/manual-timers.js';
import { EDIT_COMMENT } from '../support/rest-routes.js';
import { driveBuild, makeScript, type SessionScript } from '../support/scripted-sessions.js';

const SCRIPT = makeScript({ workers: CHAIN });

describe('the write budget: near a window its budget, what can wait waits', () => {
  let gh: FakeGitHub;
  let app: AppHarness;
  let time: ManualTimers;
  let statusPacer: StatusPacer;
  let budget: WriteBudget;
  let now: () => string;
  /** The chain each waiting build was queued with (`WriteBudget.wake`). */
  let wakes: Array<number | undefined>;

  startAppEachTest(
    (started) => ({ gh, app, now } = started),
    () => {
      time = manualTimers();
      budget = createWriteBudget({ clock: time.now, setTimer: time.setTimer });
      wakes = [];
      const wake = budget.wake;
      budget.wake = (key, run, chain) => {
        wakes.push(chain);
        wake(key, run, chain);
      };
      statusPacer = createStatusPacer({ intervalMs: 0, clock: time.now, setTimer: time.setTimer });
      return { statusPacer, writeBudget: budget, moved: time.now };
    },
  );

  async function advance(ms: number) {
    time.advance(ms);
    await app.idle();
  }

  const pullOf = (worker: string) =>
    [...gh.pulls.values()].find((pull) => pull.head === workerBranch(BUILD, worker));
  const edits = () => gh.log.filter((entry) => entry.route === EDIT_COMMENT).length;
  const workRuns = (worker: string) =>
    gh.runs.filter((run) => run.inputs.role === 'work' && run.inputs.worker === worker);
  /** Whether the pull request of `worker` has its review: the next round merges it. */
  const reviewed = (worker: string) => {
    const pull = pullOf(worker);
    return pull !== undefined && gh.reviews.some((review) => review.pull === pull.number);
  };
  /** Plays `script`'s sessions round after round on the app, `afterRound` after each. */
  const drive = (script: SessionScript, afterRound?: () => Promise<void>) =>
    driveBuild({ gh, apps: [app], script, ...(afterRound ? { afterRound } : {}) });

  it('defers the status edit and the next dispatch, never the merge, and catches up in the next window', async () => {
    const issue = labelledIssue(gh);
    await drive(SCRIPT);
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
    let filled = false;
    let owedWhenFilled = 0;
    let editsWhenFilled = 0;
    let statusWhenFilled: string | undefined;
    // Once W1.1's review is in, the next round merges it: the sessions and others spent the minute.
    await drive(SCRIPT, async () => {
      if (filled || !reviewed('W1.1')) return;
      budget.note(75 - budget.used().minute);
      filled = true;
      owedWhenFilled = budget.owed();
      editsWhenFilled = edits();
      statusWhenFilled = statusBody(gh, BUILD);
    });
    expect(filled).toBe(true);
    // W1.1's run was under way when the app last read the build (its review made in it since):
    // the budget held back what it still owed, its merge. Its review in its run was counted at
    // its dispatch, with its session's writes: no run of the build has ended without one (the
    // final pull request's writes are owed once W2.1, the last worker, has started).
    expect(owedWhenFilled).toBe(WRITES_OF_A_MERGE);
    // The merge is owed: made at once.
    expect(pullOf('W1.1')?.mergedAt).toBeTruthy();
    // W2.1, ready now, waits for the window; so does the status, which still shows the review.
    expect(workRuns('W2.1')).toHaveLength(0);
    expect(edits()).toBe(editsWhenFilled);
    expect(statusBody(gh, BUILD)).toBe(statusWhenFilled);
    expect(time.pending().length).toBeGreaterThan(0);

    // The next window: the timed reconcile dispatches W2.1 and shows it.
    await advance(60_000);
    expect(workRuns('W2.1')).toHaveLength(1);
    expect(edits()).toBeGreaterThan(editsWhenFilled);
    expect(statusBody(gh, BUILD)).not.toBe(statusWhenFilled);
    await drive(SCRIPT);
    const final = [...gh.pulls.values()].find((pull) => pull.head === integrationBranch(BUILD));
    expect(final?.base).toBe('main');
    // With the final pull request open the build owes nothing, and the budget forgets it.
    expect(budget.owed()).toBe(0);
    expect(app.errors).toEqual([]);
  });

  it('starts the worker a merge unlocks in the same reconcile when the hour has room for it, not counting the room held for it', async () => {
    const chainOfThree = makeScript({
      workers: [...CHAIN, { id: 'W3.1', depends_on: ['W2.1'] }],
    });
    const issue = labelledIssue(gh);
    await drive(chainOfThree);
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
    let filled = false;
    // Once W1.1's review is in, the next round merges it. The hour holds 473 writes by then
    // (none in the last minute), and W1.1 owes 1 (its merge: its review in its run was counted
    // at its dispatch), room held for W2.1 (next of its chain) 4, its review in its run too:
    // 473 + 5 + W2.1's own 4 would pass 480, but once W1.1 is merged neither is owed.
    const withReviewInRun = WRITES_PER_STARTED_WORKER - WRITES_OF_A_REVIEW_DISPATCH;
    await drive(chainOfThree, async () => {
      if (filled || !reviewed('W1.1')) return;
      budget.note(473 - budget.used().hour);
      time.advance(2 * 60_000);
      filled = true;
      expect(budget.owed()).toBe(WRITES_OF_A_MERGE + withReviewInRun);
    });
    expect(filled).toBe(true);
    expect(pullOf('W1.1')?.mergedAt).toBeTruthy();
    // W2.1 started from the merge's reconcile: the hour's 473 have not left it.
    expect(workRuns('W2.1')).toHaveLength(1);
    expect(budget.used().hour).toBeGreaterThanOrEqual(473);
    expect(app.errors).toEqual([]);
  });

  it("defers a first dispatch while the hour's writes made and owed leave no room for it, and makes it once they are paid", async () => {
    // 340 writes made earlier this hour (none this minute), and another build's workers owe 140, due now.
    budget.note(340);
    time.advance(5 * 60_000);
    budget.owe('acme/other#9-other-build', [{ at: time.now(), count: 140 }]);
    const issue = labelledIssue(gh);
    await drive(SCRIPT);
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
    await drive(SCRIPT);
    // 340 + 140 + W1.1's own share is over 96% of 500: W1.1 waits, though the writes made alone leave room.
    expect(workRuns('W1.1')).toHaveLength(0);
    // It waits as the head of a chain of two (W2.1 waits on it), ahead of any build's last worker.
    expect(wakes).toContain(2);
    // 480 made and owed strain the budget: the status, created once, gathers a minute of changes per edit.
    expect(edits()).toBe(1);
    expect(time.pending().length).toBeGreaterThan(0);
    // The other build's workers merge: what it owed is paid, which wakes the build (no timer).
    budget.owe('acme/other#9-other-build', []);
    await app.idle();
    expect(workRuns('W1.1')).toHaveLength(1);
    // W2.1, the end of the chain, is not held room for; the final pull request is owed once it
    // starts. W1.1 owes its merge: its review in its run is counted with its session's writes.
    expect(budget.owed()).toBe(WRITES_OF_A_MERGE);
    expect(app.errors).toEqual([]);
  });

  it('while a worker waits for room to start, edits a status at most once in ten minutes, except the one that first shows the final pull request', async () => {
    // Another build of the installation has a first dispatch waiting for room (`waiting`).
    let saturated = false;
    app.stop();
    app = await startApp({
      gh,
      now,
      statusPacer,
      writeBudget: { ...budget, waiting: () => saturated },
    });
    const issue = labelledIssue(gh);
    await drive(SCRIPT);
    saturated = true;
    const before = edits();
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
    await drive(SCRIPT);
    // The build ran to its end at once; its status, last edited when the plan was ready (within
    // the ten minutes), was held until the final pull request opened: that edit is made at once
    // (its notice points people here).
    expect(pullOf('W2.1')?.mergedAt).toBeTruthy();
    expect(edits()).toBe(before + 1);
    expect(statusBody(gh, BUILD)).toContain('**2 of 2** workers done');
    expect(statusBody(gh, BUILD)).toContain('**Final pull request:**');
    // Nothing was left held behind it.
    await advance(10 * 60_000);
    expect(edits()).toBe(before + 1);
    expect(app.errors).toEqual([]);
  });
});
