/**
 * What a test runner's own report says of each check (docs/verification.md,
 * "Fails before, passes after"): the outcome the runner gave it, by the name it
 * printed. The exit status says only that nothing failed; a check kept under an
 * expected-failure mark, skipped or left to do also exits 0, and only the
 * report tells it from a check that passed. Pure.
 */

/** A check's outcome as its runner reported it. */
export type CheckOutcome = 'passed' | 'failed' | 'expected-failure' | 'skipped' | 'todo';

export const CHECK_OUTCOMES: readonly CheckOutcome[] = [
  'passed',
  'failed',
  'expected-failure',
  'skipped',
  'todo',
];

/** The report formats Baton reads. */
export type ReportFormat = 'json' | 'tap' | 'junit' | 'go-json';

/** One check in a report: its full name as the runner prints it, and its file where the report names one. */
export interface ReportedCheck {
  name: string;
  file: string | null;
  outcome: CheckOutcome;
}

/** A report read whole, or why there is none: a report that does not parse is never a pass. */
export type RunnerReport =
  | { ok: true; format: ReportFormat; checks: ReportedCheck[] }
  | { ok: false; reason: string };

/** The largest report Baton reads (a suite of many thousand tests fits). */
export const REPORT_MAX_BYTES = 8 * 1024 * 1024;

/** The most checks a report may hold. */
export const REPORT_MAX_CHECKS = 50_000;

/**
 * A name's words, whatever the runner puts between a suite's name and its
 * test's (`›`, `>`, `::`, `/`, a space, pytest's `.py::` and a JUnit class's
 * dots), so that the contract's name and the report's compare.
 */
export function nameWords(name: string): string {
  return name
    .replace(/\.py(?=::|$)/g, '')
    .split(/\s+[›>]\s+|::|[\s/.]+/)
    .filter((word) => word !== '')
    .join(' ');
}

/** Worst first: where several reported checks answer one name, the worst is its outcome. */
const WORST: readonly CheckOutcome[] = ['failed', 'expected-failure', 'todo', 'skipped', 'passed'];

/**
 * The outcome of the contract's check in a report: the checks of its file (or
 * of no file the report names) whose name is the check's, or ends with it; the
 * worst of them where several answer. Null: the report does not hold it.
 */
export function outcomeOf(
  checks: readonly ReportedCheck[],
  check: { file: string; name: string },
): CheckOutcome | null {
  const wanted = nameWords(check.name);
  if (wanted === '') return null;
  const inFile = checks.filter((entry) => entry.file === null || sameFile(entry.file, check.file));
  const exact = inFile.filter((entry) => nameWords(entry.name) === wanted);
  const found =
    exact.length > 0
      ? exact
      : inFile.filter((entry) => nameWords(entry.name).endsWith(` ${wanted}`));
  if (found.length === 0) return null;
  return WORST.find((outcome) => found.some((entry) => entry.outcome === outcome)) ?? null;
}

/** A report's file (often absolute, or a Go package) against the contract's path from the repository's root. */
function sameFile(reported: string, file: string): boolean {
  const plain = reported.replace(/\\/g, '/').replace(/^\.\//, '');
  if (plain === file || plain.endsWith(`/${file}`)) return true;
  // Go names a package, never a file: the package's import path ends with the file's folder.
  const folder = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  return file.endsWith('_test.go') && (folder === '' || plain.endsWith(folder));
}
