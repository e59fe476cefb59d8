import { describe, expect, it } from 'vitest';
import { type AuditCostReport, auditCostRows, median } from '../../bench/audit.js';

/**
 * `npm run bench -- audit`'s arithmetic (bench/audit.ts): what the audit
 * stream, the traces and the trailers add to a build, from the runs' figures.
 */
const report = (over: Partial<AuditCostReport> = {}): AuditCostReport => ({
  workers: 20,
  requests: { off: [30, 31, 30], on: [30, 30, 31] },
  cpuSeconds: { off: [1.0, 1.2, 1.1], on: [1.12, 1.13, 1.3] },
  streamed: 140,
  exported: 9,
  trailerSeconds: 0.011,
  ...over,
});

describe('the audit part of the bench', () => {
  it.each([
    [[], Number.NaN],
    [[3], 3],
    [[5, 1, 3], 3],
    [[4, 1, 3, 2], 2.5],
  ])('takes the median of %j as %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('compares the medians of the runs on and off: requests added per worker, time added as a share', () => {
    const rows = auditCostRows(report());
    expect(rows.map((row) => [row.measured, row.target, row.met])).toEqual([
      ['0.00', '≤ 0', true],
      ['0', '≤ 0', true],
      // (1.13 - 1.1) / 1.1
      ['2.7%', '≤ 5%', true],
      // 0.011 / 1.1
      ['1.0%', '≤ 5%', true],
    ]);
    expect(rows[0]?.figure).toContain('20 workers, median of 3 runs each');
    expect(rows[2]?.figure).toContain('140 lines streamed, 9 trace exports');
  });

  it('says a target missed: a request added, or more than 5% of the time', () => {
    const rows = auditCostRows(
      report({
        requests: { off: [30, 30, 30], on: [31, 31, 31] },
        cpuSeconds: { off: [1, 1, 1], on: [1.2, 1.2, 1.2] },
        trailerSeconds: 0.06,
      }),
    );
    expect(rows.map((row) => [row.measured, row.met])).toEqual([
      ['1.00', false],
      ['0', true],
      ['20.0%', false],
      ['6.0%', false],
    ]);
  });
});
