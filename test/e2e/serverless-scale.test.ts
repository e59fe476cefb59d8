import { describe, expect, it } from 'vitest';
import { measureServerlessScale } from '../../bench/serverless-scale.js';

/**
 * Nothing hosted (docs/serverless.md): ten builds in one installation labelled at once, each
 * event a conductor run whose jobs pace by the installation's session runs of the last hour
 * (bench/serverless-scale.ts, at a size CI affords: four workers a build, so that their first
 * dispatches alone ask for more than GitHub's 80 writes a minute; a clock 120 times faster).
 */
describe('ten builds in one installation with nothing hosted', () => {
  it("keep GitHub's limits together, and make nothing twice", async () => {
    const report = await measureServerlessScale({ k: 120, builds: 10, widths: [4] }, 170_000);
    expect(report.finished).toBe(true);
    expect(report.peakWrites.perMinute).toBeLessThan(80);
    expect(report.peakWrites.perHour).toBeLessThan(500);
    expect(report.secondaryRefusals).toBe(0);
    expect(report.twice).toEqual([]);
    expect(report.failedJobs).toBe(0);
  }, 180_000);
});
