import { expect, it } from 'vitest';
import { measureReplicas, type ReplicasOptions } from '../../bench/replicas.js';
import { describeWithRedis } from '../support/redis-server.js';

/**
 * The bench's replicas part (bench/replicas.ts) at a size CI affords: ten builds in one
 * installation, four workers each, approved within a minute of each other, so that their
 * first dispatches alone ask for more than GitHub's 80 writes a minute, on a clock 120 times
 * faster (a simulated hour in 30 real seconds). The bench runs ten workers a build (waves of
 * 4, 3, 2, 1), where the 500 an hour binds too. The app runs once as one process, once as
 * three behind one webhook address on one real Redis, one of the three killed mid-build.
 */
const SIZE: ReplicasOptions = {
  k: 120,
  builds: 10,
  widths: [4],
  leaseSeconds: 30,
  runs: ['one', 'replicas-killed'],
};
/**
 * What a survivor's reconcile takes to begin once the lease lapses: its retry of a held build
 * (a second), a look's poll (a quarter), and its start on the fast clock, which stretches the
 * real milliseconds of the app's own work 120 times.
 */
const RESUME_SLACK_MS = 6_000;
/**
 * The three replicas' makespan against one process's: two runs of builds this short on a clock
 * this fast, on shared cores, differ by a tenth alone (one process: 21.9 and 24.5 simulated
 * minutes in two runs on one machine), so the test allows a quarter and the kill's lease;
 * `npm run bench` measures the issue's 1.1 at the full size, where the hour's limit sets the pace.
 */
const MAKESPAN_RATIO = 1.25;

describeWithRedis('the app as three replicas on one Redis, ten builds in one installation', () => {
  it("keeps GitHub's limits across replicas, makes nothing twice, keeps one process's pace, and loses at most the lease to a replica killed mid-build", async () => {
    const { runs } = await measureReplicas(SIZE, 170_000);
    const [one, three] = runs;
    for (const run of runs) {
      expect(run.finished, `${run.kind}: every build opened its final pull request`).toBe(true);
      expect(run.peakWrites.perMinute).toBeLessThan(80);
      expect(run.peakWrites.perHour).toBeLessThan(500);
      expect(run.secondaryRefusals).toBe(0);
      expect(run.twice).toEqual([]);
    }
    expect(three?.replicas).toBe(3);
    const kill = three?.kill;
    expect(three?.makespanMinutes).toBeLessThanOrEqual(
      MAKESPAN_RATIO * (one?.makespanMinutes ?? 0) + (kill?.leaseMs ?? 0) / 60_000,
    );
    // The replica died holding builds; each was taken up again once its lease lapsed.
    expect(kill?.held.length).toBeGreaterThan(0);
    for (const held of kill?.held ?? [])
      expect(held.afterMs, held.build).toBeLessThanOrEqual((kill?.leaseMs ?? 0) + RESUME_SLACK_MS);
  }, 180_000);
});
