// End-to-end (slow, about a minute): the diamond build through the real app,
// as two replicas, and real session processes on the simulator, with faults
// drawn from a seed on the app's and the sessions' GitHub traffic (502s,
// secondary rate limits, connection resets), every webhook duplicated,
// shuffled and delivered to both replicas, builds' leases taken in Redis from
// the replica reconciling them, and model 529s. The invariants are
// computed from what the simulated GitHub did (sim/chaos/invariants.ts).
// Once more with nothing shared between the replicas (no Redis).
// `npm run chaos -- --runs 100` plays a hundred seeds (`--no-redis`: sharing nothing).
import { describe, expect, it } from 'vitest';
import { runChaos } from '../../sim/chaos/run-chaos.js';
import { buildCeiling, type Simulation } from '../../sim/e2e.js';

// Each build's waits (240 s and the model's) are in the machine's time: a test's own limit is the ceiling on the wall.
describe('seeded chaos', { timeout: buildCeiling(300_000) }, () => {
  it('completes the build with every invariant held, a 502 on the PR a session opens after its push and leases taken mid-reconcile included', async () => {
    let pulls = '';
    let sim: Simulation | undefined;
    const result = await runChaos({
      seed: 1,
      // Under the test's own limit, so a build that stalls reports what it was doing.
      timeoutMs: 240_000,
      appEnv: { BATON_WRITE_SPACING_MS: '100' },
      prepare: (started) => {
        sim = started;
        // The first POST …/pulls is a work session's, right after its push.
        pulls = `/repos/${started.gh.fullName}/pulls`;
        started.server.faults.badGatewayNext(`POST ${pulls}`);
      },
    });
    expect(result.violations, result.diagnostics).toEqual([]);
    expect(result.completed).toBe(true);
    // A build's lease was taken from the replica reconciling it, and the build still delivered.
    expect(result.faults['lease-stolen']).toBeGreaterThan(0);
    const failedPull = sim?.server.requests.find(
      (r) => r.method === 'POST' && r.path === pulls && r.fault === 'bad-gateway',
    );
    expect(failedPull?.userAgent).toMatch(/^baton-session/);
  });

  it('completes the build with every invariant held on two replicas that share no store', async () => {
    // No REDIS_URL: each process alone, twin review runs and all (docs/deploy.md).
    const result = await runChaos({
      seed: 2,
      timeoutMs: 240_000,
      store: 'memory',
      appEnv: { BATON_WRITE_SPACING_MS: '100' },
    });
    expect(result.violations, result.diagnostics).toEqual([]);
    expect(result.completed).toBe(true);
  });

  it('posts no review on a merged pull request and asks no model for one, on two replicas that share no store and no faults', async () => {
    // Every webhook to both processes: each dispatches the review of a head (a workflow from
    // before the review jobs, whose runs review nothing after their session), and the second
    // twin runs after the first twin's approval was carried to the update and merged.
    // The sessions run from the sources, so the test plays the guard this tree has.
    let sim: Simulation | undefined;
    const result = await runChaos({
      seed: 3,
      timeoutMs: 240_000,
      store: 'memory',
      faults: false,
      code: 'source',
      reviewJobs: false,
      appEnv: { BATON_WRITE_SPACING_MS: '100' },
      prepare: (started) => {
        sim = started;
      },
    });
    expect(result.violations, result.diagnostics).toEqual([]);
    expect(result.completed).toBe(true);
    // The build played twins: some head's review was dispatched by both processes.
    const reviews = (sim?.gh.runs ?? []).filter((run) => run.inputs.role === 'review');
    const triggers = reviews.map((run) => `${run.inputs.worker} ${run.inputs.trigger}`);
    expect(new Set(triggers).size).toBeLessThan(triggers.length);
  });
});
