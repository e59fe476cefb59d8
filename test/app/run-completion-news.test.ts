import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import {
  type AppHarness,
  deliverLabelledIssue,
  pushPayload,
  statusPayload,
  workflowRunPayload,
} from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, landPlan, statusBody } from '../support/builds.js';

/** A run's completion whose news the last read already had starts no reconcile (`LastReads`). */
describe("a session run's completion, judged by the last read", () => {
  let gh: FakeGitHub;
  let app: AppHarness;
  startAppEachTest((started) => ({ gh, app } = started));

  const reads = () => gh.log.filter((entry) => entry.route === 'POST /graphql').length;

  /**
   * The plan lands and its push is reconciled (the run already completed): the
   * plan awaits /approve. The same push delivered again is no news (the read
   * saw the build branch there). A commit status on the build branch (another
   * event) reads it again: a read with nothing left to write, which is the
   * last read a completion is judged by.
   */
  async function planReadByItsPush() {
    await deliverLabelledIssue(app, gh);
    landPlan(gh, { build: BUILD, issue: 1, workers: [{ id: 'W1.1' }, { id: 'W1.2' }] });
    const run = gh.runs.at(-1);
    if (!run) throw new Error('no plan run');
    gh.finishRun(run.id, 'success');
    const push = pushPayload(gh, { branch: integrationBranch(BUILD) });
    await app.deliver('push', push);
    const read = reads();
    await app.deliver('push', push);
    expect(reads()).toBe(read);
    await app.deliver('status', statusPayload(gh, { branch: integrationBranch(BUILD) }));
    expect(reads()).toBe(read + 1);
    expect(statusBody(gh, BUILD)).toContain('/approve');
    return run;
  }

  it('reads nothing for a completion the last read saw, and reads again for one it did not', async () => {
    const run = await planReadByItsPush();
    const before = reads();
    await app.deliver('workflow_run', workflowRunPayload(gh, { runId: run.id }));
    expect(reads()).toBe(before);
    expect(app.errors).toEqual([]);

    // The same run re-run and failed: news the last read did not have.
    run.conclusion = 'failure';
    run.updatedAt = new Date(Date.parse(run.updatedAt) + 60_000).toISOString();
    await app.deliver('workflow_run', workflowRunPayload(gh, { runId: run.id }));
    expect(reads()).toBeGreaterThan(before);
  });
});
