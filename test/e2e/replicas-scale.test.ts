import { expect, it } from 'vitest';
import { measureReplicas, type ReplicasOptions } from '../../bench/replicas.js';
import { describeWithRedis } from '../support/redis-server.js';

/** A busy machine's stalls are simulated minutes here: a guard twice the bench's. */
const HOURS = 8;

/**
 * The bench's replicas part (bench/replicas.ts) at a size CI affords: ten builds in one
 * installation, four workers each, approved within a minute of each other, so that their
 * first dispatches alone ask for more than GitHub's 80 writes a minute, on a clock 120 times
 * faster (a simulated hour in 30 real seconds). The bench runs ten workers a build (waves of
 * 4, 3, 2, 1), where the 500 an hour binds too. The app runs once as one process, once as
 * three behind one webhook address on one real Redis, one of the three killed mid-build.
 * What holds here is what must: the limits, nothing made twice, every build ending, the dead
 * replica's builds taken up. How fast (makespan against one process's, the time past the
 * lease) is the bench's to measure: on a clock this fast a busy machine's real milliseconds
 * are simulated seconds.
 */
const SIZE: ReplicasOptions = {
  k: 120,
  builds: 10,
  widths: [4],
  // Half a real second, as the bench's lease (30 s at 60 times): a replica starved of time
  // for longer sends no dispatch, and the builds go slower, not wrong.
  leaseSeconds: 60,
  runs: ['one', 'replicas-killed'],
  hours: HOURS,
};
/** Both runs' guard: `HOURS` each in real time at `k`, and two minutes to start and stop. */
const RUNS_LIMIT_MS = (2 * HOURS * 3_600_000) / SIZE.k + 120_000;
describeWithRedis('the app as three replicas on one Redis, ten builds in one installation', () => {
  it(
    "keeps GitHub's limits across replicas, makes nothing twice, and finishes the builds of a replica killed mid-build",
    async () => {
      const { runs } = await measureReplicas(SIZE, RUNS_LIMIT_MS);
      const [one, three] = runs;
      for (const run of runs) {
        expect(
          run.finished,
          `${run.kind}: every build opened its final pull request (not: ${JSON.stringify(run.unfinished)})`,
        ).toBe(true);
        expect(run.peakWrites.perMinute).toBeLessThan(80);
        expect(run.peakWrites.perHour).toBeLessThan(500);
        expect(run.secondaryRefusals).toBe(0);
        expect(run.twice).toEqual([]);
      }
      expect(one?.replicas).toBe(1);
      expect(three?.replicas).toBe(3);
      // The replica died holding builds; a live replica reconciled each of them again.
      const kill = three?.kill;
      expect(kill?.held.length).toBeGreaterThan(0);
      for (const held of kill?.held ?? [])
        expect(Number.isFinite(held.afterMs), held.build).toBe(true);
    },
    RUNS_LIMIT_MS + 60_000,
  );
});
