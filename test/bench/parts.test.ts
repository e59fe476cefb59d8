import { expect, it } from 'vitest';
import { measureInChild } from '../../bench/in-child.js';
import {
  type MissedPart,
  measurePart,
  missedLines,
  type Row,
  renderTable,
  rowsOf,
} from '../../bench/parts.js';

/**
 * `npm run bench` on a busy machine: a part that runs past its time limit
 * leaves its figures out and is named, and what the other parts measured is
 * written all the same (bench/run.ts writes results.md from these).
 */
const part = (file: string) => `../test/bench/fixtures/${file}`;

it('keeps what the other parts measured when one runs past its limit, and names that part', async () => {
  const missed: MissedPart[] = [];
  const rows: Row[] = [];
  const figure = (report: { perSecond: number }): Row[] => [
    { figure: 'Answers per second', measured: String(report.perSecond), target: '≥ 1', met: true },
  ];
  // The limit that ends it is what the test is about; the part itself would never end.
  const hung = await measurePart(`bench/${part('never-ends.ts')}`, missed, () =>
    measureInChild<{ perSecond: number }>(part('never-ends.ts'), 1_000),
  );
  rows.push(...rowsOf(hung, figure));
  // A limit no busy machine reaches: the part hands in its report at once.
  const measured = await measurePart(`bench/${part('reports.ts')}`, missed, () =>
    measureInChild<{ perSecond: number }>(part('reports.ts'), 170_000),
  );
  rows.push(...rowsOf(measured, figure));

  expect(hung).toBeNull();
  expect(measured).toEqual({ perSecond: 42 });
  expect(missed).toEqual([
    {
      part: 'bench/../test/bench/fixtures/never-ends.ts',
      why: 'bench/../test/bench/fixtures/never-ends.ts ran past its time limit of 1 s',
    },
  ]);
  expect(renderTable(rows)).toBe(
    [
      '| Figure | Measured | Target | Met |',
      '| --- | --- | --- | --- |',
      '| Answers per second | 42 | ≥ 1 | yes |',
    ].join('\n'),
  );
  expect(missedLines(missed)).toEqual([
    '**Not measured in this run** (their figures are missing below): bench/../test/bench/fixtures/never-ends.ts ran past its time limit of 1 s.',
    '',
  ]);
});

it('names a part that failed in the process, with its error, and says nothing when every part was measured', async () => {
  const missed: MissedPart[] = [];
  await measurePart('bench/scheduling.ts', missed, () => {
    throw new Error('no plans');
  });
  expect(await measurePart('bench/memory.ts', missed, () => 7)).toBe(7);
  expect(missedLines(missed)[0]).toBe(
    '**Not measured in this run** (their figures are missing below): bench/scheduling.ts: no plans.',
  );
  expect(missedLines([])).toEqual([]);
});
