/**
 * The parts of `npm run bench` (bench/run.ts), each measured on its own: a
 * part that fails or runs past its time limit leaves its figures out and
 * says so, and every other part's figures are written all the same. A run of
 * a quarter of an hour on a busy machine keeps what it measured.
 */

/** One figure of the table: what was measured, beside its target. */
export interface Row {
  figure: string;
  measured: string;
  target: string;
  met: boolean | null;
}

/** A part that ended without its report: its file, and why (its time limit, or its error). */
export interface MissedPart {
  part: string;
  why: string;
}

/**
 * Measures one part; when it throws, its name and why go in `missed` and it
 * answers null, so that the run goes on to the next part.
 */
export async function measurePart<T>(
  part: string,
  missed: MissedPart[],
  measure: () => T | Promise<T>,
): Promise<T | null> {
  try {
    return await measure();
  } catch (error) {
    missed.push({ part, why: error instanceof Error ? error.message : String(error) });
    return null;
  }
}

/** The rows of a part measured, or none of a part that was not (`missedLines` says why). */
export function rowsOf<T>(report: T | null, rows: (report: T) => Row[]): Row[] {
  return report === null ? [] : rows(report);
}

/** The lines results.md opens with when a part was not measured: which part, and why. */
export function missedLines(missed: readonly MissedPart[]): string[] {
  if (missed.length === 0) return [];
  return [
    `**Not measured in this run** (their figures are missing below): ${missed
      .map(({ part, why }) => (why.includes(part) ? why : `${part}: ${why}`))
      .join('; ')}.`,
    '',
  ];
}

/** What stands in a section of results.md for a part that was not measured. */
export function notMeasured(part: string): string[] {
  return [`Not measured in this run: ${part} ended without its report (see the top of this file).`];
}

/** The table of every figure measured. */
export function renderTable(rows: readonly Row[]): string {
  const lines = ['| Figure | Measured | Target | Met |', '| --- | --- | --- | --- |'];
  for (const row of rows) {
    const met = row.met === null ? '—' : row.met ? 'yes' : '**no**';
    lines.push(`| ${row.figure} | ${row.measured} | ${row.target} | ${met} |`);
  }
  return lines.join('\n');
}
