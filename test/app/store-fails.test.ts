import { describe, expect, it } from 'vitest';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import { createPacerRegistry } from '../../src/github/client/pacing/pace-requests.js';
import { GITHUB_PACE } from '../../src/github/client/pacing/request-pacer.js';
import { type BatonStore, createMemoryStore } from '../../src/github/store/store.js';
import {
  deliverLabelledIssue,
  pushPayload,
  startApp,
  statusPayload,
} from '../support/app-harness.js';
import { BUILD, installedRepo, labelledIssue, landPlan, tickingClock } from '../support/builds.js';
import { captureLog } from '../support/captured-log.js';

/**
 * A store of replicas on one process's memory whose lease of a build answers as `hold` says:
 * `undefined` holds it as one process would, null is another replica's hold, a throw a store
 * that did not answer.
 */
function replicaStore(hold: () => null | undefined): BatonStore {
  const memory = createMemoryStore({ pacing: createPacerRegistry(GITHUB_PACE, {}) });
  return {
    ...memory,
    kind: 'redis',
    async holdBuild(key, look) {
      return hold() === null ? null : memory.holdBuild(key, look);
    },
  };
}

/**
 * The store replicas share did not answer when a reconcile asked it for its build's lease
 * (Redis timed out on a busy machine, as the bench's replicas part logged). No event may
 * follow: the replica asks again shortly, as it does for a build another replica holds,
 * and the build is not left for the resync with nothing said.
 */
describe('a store that fails to answer for a build once', () => {
  it('reconciles the build again shortly, and the plan is dispatched with no other event', async () => {
    const now = tickingClock();
    const gh = installedRepo(now);
    let asked = 0;
    const store = replicaStore(() => {
      asked += 1;
      if (asked === 1) throw new Error('Command timed out');
      return undefined;
    });
    const app = await startApp({ gh, now, store });
    try {
      labelledIssue(gh);
      for (const event of gh.outbox.splice(0)) await app.deliver(event.name, event.payload);
      expect(asked).toBe(1);
      expect(app.errors).toHaveLength(1);
      await expect
        .poll(() => gh.runs.filter((run) => run.inputs.role === 'plan').length, { timeout: 10_000 })
        .toBe(1);
      await app.idle();
      expect(asked).toBeGreaterThan(1);
    } finally {
      app.stop();
      await store.close();
    }
  });
});

/**
 * A delivery whose build another replica holds is asked again shortly (`HELD_RETRY_MS`). The
 * replica holding it reads the build meanwhile; the retry judges the delivery against that
 * read, so a push the holder read costs nothing more.
 */
describe('a delivery whose build another replica holds', () => {
  it('is judged again at the retry against the newer read, and reads nothing the holder read', async () => {
    const now = tickingClock();
    const gh = installedRepo(now);
    let heldElsewhere = 0;
    const store = replicaStore(() => {
      if (heldElsewhere === 0) return undefined;
      heldElsewhere -= 1;
      return null;
    });
    const captured = captureLog();
    const app = await startApp({ gh, now, store, log: captured.log });
    const reads = () => gh.log.filter((entry) => entry.route === 'POST /graphql').length;
    const said = (what: string) =>
      captured.records().filter((record) => String(record.msg).includes(what)).length;
    try {
      await deliverLabelledIssue(app, gh);
      landPlan(gh, { build: BUILD, issue: 1, workers: [{ id: 'W1.1' }] });
      const plan = gh.runs.at(-1);
      if (!plan) throw new Error('no plan run');
      gh.finishRun(plan.id, 'success');
      await app.deliver('push', pushPayload(gh, { branch: integrationBranch(BUILD) }));
      await app.idle();
      // The build branch moves: its push is news to the last read, and the build is held elsewhere.
      gh.git.commitOn(integrationBranch(BUILD), { 'NOTES.md': 'a note\n' }, 'A note');
      const moved = pushPayload(gh, { branch: integrationBranch(BUILD) });
      heldElsewhere = 1;
      const before = reads();
      await app.deliver('push', moved);
      await app.idle();
      expect(reads()).toBe(before);
      // The holder reads the build (here, on another event) before the retry.
      await app.deliver('status', statusPayload(gh, { branch: integrationBranch(BUILD) }));
      await app.idle();
      expect(reads()).toBe(before + 1);
      // The retry: the push is where that read saw the branch, and nothing more is read.
      await expect
        .poll(() => said('the build branch is where the last read saw it'), { timeout: 10_000 })
        .toBeGreaterThan(0);
      await app.idle();
      expect(reads()).toBe(before + 1);
      expect(app.errors).toEqual([]);
    } finally {
      app.stop();
      await store.close();
    }
  });
});
