import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { integrationBranch, workerBranch } from '../../src/core/vocabulary/ids.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, CHAIN, labelledIssue } from '../support/builds.js';
import { makeScript, runQueuedSessions, type SessionScript } from '../support/scripted-sessions.js';

/** One delivered event, and what the app read and started for it. */
interface Delivered {
  name: string;
  payload: Record<string, unknown>;
  /** Build queries the event cost. */
  reads: number;
  /** Runs of the Baton workflow once its reconcile ended, as `role worker trigger`. */
  runs: string[];
}

/**
 * What a merge unlocks is decided in the reconcile that merged
 * (src/github/reconcile/pass/after-merges.ts), with the merged worker's report read
 * from its head: a dependent starts from the merge's commit, an adaptation the
 * report asks for comes first, and the merge's push reads nothing.
 */
describe('a merge and what it unlocks, in one reconcile', () => {
  let gh: FakeGitHub;
  let app: AppHarness;
  startAppEachTest((started) => ({ gh, app } = started));

  const reads = () => gh.log.filter((entry) => entry.route === 'POST /graphql').length;
  const runs = () =>
    gh.runs
      .filter((run) => run.workflow !== 'ci.yml')
      .map((run) =>
        [run.inputs.role, run.inputs.worker, run.inputs.trigger].filter(Boolean).join(' '),
      );

  /** Delivers every event one at a time, noting what each cost, until `until` or rest. */
  async function drive(script: SessionScript, until: () => boolean): Promise<Delivered[]> {
    const delivered: Delivered[] = [];
    for (let round = 0; round < 40 && !until(); round++) {
      for (const event of gh.outbox.splice(0)) {
        const before = reads();
        await app.deliver(event.name, event.payload);
        await app.idle();
        const payload = event.payload as Record<string, unknown>;
        delivered.push({ name: event.name, payload, reads: reads() - before, runs: runs() });
      }
      if (until()) break;
      if (runQueuedSessions(gh, script) === 0 && gh.outbox.length === 0) break;
    }
    return delivered;
  }

  async function approved(script: SessionScript): Promise<void> {
    const issue = labelledIssue(gh);
    await drive(script, () => false);
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
  }

  const merged = (worker: string) =>
    [...gh.pulls.values()].some(
      (pull) => pull.head === workerBranch(BUILD, worker) && pull.mergedAt !== null,
    );

  /** The commit a worker's first attempt was dispatched at, which its branch starts from. */
  function branchedAt(worker: string): string | undefined {
    return gh.runs.find((run) => run.inputs.role === 'work' && run.inputs.worker === worker)
      ?.headSha;
  }

  it('starts a dependent from the merge commit in the merging reconcile, and its push reads nothing', async () => {
    const script = makeScript({ workers: CHAIN });
    await approved(script);
    const delivered = await drive(script, () => false);

    // The review run's completion that merged W1.1 also started W2.1: one read for both.
    const unlocking = delivered.find((one) => one.runs.includes('work W2.1'));
    expect(unlocking?.name).toBe('workflow_run');
    expect(unlocking?.reads).toBe(1);
    expect(merged('W1.1')).toBe(true);

    // W2.1 was dispatched at the commit the merge made: it holds W1.1's work.
    const base = branchedAt('W2.1') ?? '';
    expect(gh.git.filesOf(base).has('src/W1.1.ts')).toBe(true);
    // The merge's push to the build branch brought nothing that reconcile had not read and done.
    const push = delivered.find(
      (one) =>
        one.name === 'push' &&
        one.payload.ref === `refs/heads/${integrationBranch(BUILD)}` &&
        one.payload.after === base,
    );
    expect(push?.reads).toBe(0);
    // The build still ends: W2.1 merged, and the final pull request carries both reports.
    const final = [...gh.pulls.values()].find((pull) => pull.head === integrationBranch(BUILD));
    expect(final?.body).toContain('W1.1 is done.');
    expect(final?.body).toContain('W2.1 is done.');
    // The reconcile that opened it asked the labeller's review at once: its opening reads nothing.
    const opening = delivered.find(
      (one) =>
        one.name === 'pull_request' &&
        one.payload.action === 'opened' &&
        (one.payload.pull_request as { number: number }).number === final?.number,
    );
    expect(opening?.reads).toBe(0);
    expect(final?.requestedReviewers).toEqual(['maintainer']);
    // The request told them: no notice on the issue says it again.
    const notices = [...gh.comments.values()].filter((comment) =>
      comment.body.includes('Every worker is done: the final pull request'),
    );
    expect(notices).toEqual([]);
  });

  it("runs the adaptation W1.1's report asks for before the worker it names", async () => {
    const script = makeScript({
      workers: CHAIN,
      affects: (worker) => (worker === 'W1.1' ? ['W2.1'] : []),
    });
    await approved(script);
    const delivered = await drive(script, () => merged('W1.1'));
    const merging = delivered.at(-1);
    expect(merged('W1.1')).toBe(true);
    // Read from W1.1's head in the merging reconcile: the adaptation goes, W2.1 waits for it.
    expect(merging?.runs).toContain('plan adapt-W1.1');
    expect(merging?.runs).not.toContain('work W2.1');
  });
});
