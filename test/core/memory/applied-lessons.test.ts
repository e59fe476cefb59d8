import { describe, expect, it } from 'vitest';
import { appliedLessons, appliedLessonsLine } from '../../../src/core/memory/applied-lessons.js';
import { renderReport } from '../../../src/core/status/render-report.js';
import { BUILD, makeCompletion, makePlan, makeTotals, makeWorkerRow } from '../factories.js';

describe('appliedLessons', () => {
  it.each([
    { name: 'no report names one', reports: [{}, { lessons: [] }], times: 0, bySlug: [] },
    {
      name: 'each report counts a lesson once, the most applied first, ties by slug',
      reports: [
        { lessons: ['no-any', 'log-through-log'] },
        { lessons: ['log-through-log', 'log-through-log'] },
        {},
        { lessons: ['a-first'] },
      ],
      times: 4,
      bySlug: [
        { slug: 'log-through-log', times: 2 },
        { slug: 'a-first', times: 1 },
        { slug: 'no-any', times: 1 },
      ],
    },
  ])('$name', ({ reports, times, bySlug }) => {
    expect(appliedLessons(reports)).toEqual({ times, bySlug });
  });

  it('says it in one line, or nothing when none was applied', () => {
    expect(appliedLessonsLine(appliedLessons([{ lessons: [] }]))).toBeNull();
    expect(
      appliedLessonsLine(
        appliedLessons([
          { lessons: ['no-any', 'log-through-log'] },
          { lessons: ['log-through-log'] },
        ]),
      ),
    ).toBe('**Lessons applied:** 3 (`log-through-log` ×2, `no-any`).');
  });

  it("puts it in the final pull request's delivery report, under the spend", () => {
    const workers = ['W1.1', 'W1.2'].map((id) => makeWorkerRow({ id, state: 'merged' }));
    const body = renderReport({
      plan: makePlan(),
      progress: {
        build: BUILD,
        issue: 12,
        title: 'Add login',
        workers,
        totals: makeTotals({ merged: 2, skipped: 0, total: 2 }),
        paused: null,
        budget: { maxUsd: null, reached: false },
        finalPull: null,
        history: [],
        links: { repoUrl: 'https://github.com/acme/shop', branch: `baton/${BUILD}/integration` },
      },
      completions: {
        'W1.1': makeCompletion({ lessons: ['log-through-log'] }),
        'W1.2': makeCompletion({ lessons: ['log-through-log', 'no-any'] }),
      },
    });
    const line = '**Lessons applied:** 3 (`log-through-log` ×2, `no-any`).';
    expect(body).toContain(line);
    expect(body.indexOf(line)).toBeGreaterThan(body.indexOf('By role:'));
    expect(body.indexOf(line)).toBeLessThan(body.indexOf('### W1.1'));
  });
});
