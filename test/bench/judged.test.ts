import { describe, expect, it } from 'vitest';
import { JUDGED_WITHIN_REAL_MS, judgedOnFastClock } from '../../bench/judged.js';
import type { ScenarioFigures } from '../../bench/scale.js';
import { scaleRows } from '../../bench/scale-report.js';

/** Ten builds in one installation as bench/scale.ts reports them, the app's median webhook wait `medianRealMs`. */
function tenBuilds(medianRealMs: number): ScenarioFigures {
  const k = 60;
  const build = {
    minutes: 60,
    criticalPathMinutes: 56,
    ratio: 60 / 56,
    endMinutes: 80,
    boundMinutes: 84,
    boundRatio: 80 / 84,
  };
  return {
    name: 'ten builds of 10 workers at once, one installation',
    builds: 10,
    installations: 1,
    workers: 100,
    finished: true,
    requests: 1_100,
    writes: 420,
    notModified: 300,
    byRoute: [],
    byReason: [],
    sessionWrites: 200,
    cpuSecondsPerWorker: 0.1,
    peakWrites: { perMinute: 30, perHour: 470 },
    graphqlPoints: { total: 300, perWorker: 3, peakPerHour: 200 },
    makespan: {
      ...build,
      builds: Array.from({ length: 10 }, () => build),
      worstBoundRatio: 80 / 84,
      spanMinutes: 88,
      longestCriticalPathMinutes: 64,
      leastMinutes: 84,
      limitedRatio: 88 / 84,
    },
    limitMinutes: 84,
    webhookWait: {
      maxMs: medianRealMs * 4 * k,
      maxRealMs: medianRealMs * 4,
      medianMs: medianRealMs * k,
      medianRealMs,
      p99Ms: medianRealMs * 3 * k,
      p99RealMs: medianRealMs * 3,
      count: 200,
    },
    reconciles: [],
    realSeconds: 100,
    rssMiB: { before: 150, after: 160 },
    heapMiB: { before: 30, after: 31 },
  };
}

const makespanRows = (medianRealMs: number) =>
  scaleRows(
    {
      k: 60,
      scenarios: [tenBuilds(medianRealMs)],
      rssMiB: { start: 150, end: 160, max: 160 },
      heapStartMiB: 30,
      realSeconds: 100,
    },
    11,
  ).filter((row) => row.figure.includes('÷'));

describe('a ratio on the fast clock is judged only where the app kept up', () => {
  it('gives the ratio with the median webhook wait in real ms, and judges it', () => {
    const rows = makespanRows(120);
    expect(rows).toHaveLength(3);
    expect(rows[0]?.measured).toBe(
      '88.0 ÷ 84 = 1.048 (longest critical path 64, the limits ≥ 84); median webhook wait 120 real ms',
    );
    expect(rows[0]?.met).toBe(true);
  });

  it('says "not judged" past the threshold, with no ratio and no verdict, on a loaded machine', () => {
    const rows = makespanRows(2_909);
    for (const row of rows) {
      expect(row.measured).toBe(
        `not judged: the app's median webhook wait was 2909 real ms, past ${JUDGED_WITHIN_REAL_MS} (the machine could not keep up)`,
      );
      expect(row.met).toBeNull();
    }
  });

  it.each([
    ['within the threshold', [100, JUDGED_WITHIN_REAL_MS], true],
    ['one run past it', [100, JUDGED_WITHIN_REAL_MS + 1], null],
    ['no delivery timed', [Number.NaN], null],
  ])('judges a ratio of several runs by the worst wait: %s', (_name, waits, met) => {
    expect(judgedOnFastClock({ measured: '1.05', met: true, waits }).met).toBe(met);
  });
});
