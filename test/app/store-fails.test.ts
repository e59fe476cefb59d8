import { describe, expect, it } from 'vitest';
import { createPacerRegistry } from '../../src/github/client/pacing/pace-requests.js';
import { GITHUB_PACE } from '../../src/github/client/pacing/request-pacer.js';
import { type BatonStore, createMemoryStore } from '../../src/github/store/store.js';
import { startApp } from '../support/app-harness.js';
import { installedRepo, labelledIssue, tickingClock } from '../support/builds.js';

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
    const memory = createMemoryStore({ pacing: createPacerRegistry(GITHUB_PACE, {}) });
    let asked = 0;
    const store: BatonStore = {
      ...memory,
      kind: 'redis',
      async holdBuild(key, look) {
        asked += 1;
        if (asked === 1) throw new Error('Command timed out');
        return memory.holdBuild(key, look);
      },
    };
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
