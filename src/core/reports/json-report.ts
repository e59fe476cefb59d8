/**
 * Vitest's and Jest's JSON reports (`vitest run --reporter=json
 * --outputFile=F`, `jest --json --outputFile=F`), one shape: `testResults`,
 * a file each (`name`), its `assertionResults`, each a test's `ancestorTitles`,
 * `title` and `status` (passed, failed, pending or skipped, todo, disabled).
 * Neither runner's own report tells an expected failure that failed from a
 * check that passed: Vitest reports an `it.fails` check that threw as
 * `passed`, and so does Jest a `test.failing` one. Baton's reporter for Vitest
 * (src/session/agent/roles/proof/vitest-reporter.ts) writes the same shape with `fails: true` on such a
 * check, which is read as `expected-failure`. Pure.
 */
import type { CheckOutcome, ReportedCheck } from './check-outcome.js';

/** Why the text is not a report of this shape, or its checks. */
export function readJsonReport(text: string): ReportedCheck[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'it is not JSON';
  }
  const files = field(parsed, 'testResults');
  if (!Array.isArray(files)) return 'it has no `testResults` list';
  const checks: ReportedCheck[] = [];
  for (const file of files) {
    const path = field(file, 'name') ?? field(file, 'testFilePath');
    const tests = field(file, 'assertionResults');
    if (typeof path !== 'string' || !Array.isArray(tests))
      return 'a file of `testResults` has no `name` or no `assertionResults`';
    for (const test of tests) {
      const title = field(test, 'title');
      const ancestors = field(test, 'ancestorTitles') ?? [];
      const status = field(test, 'status');
      if (typeof title !== 'string' || typeof status !== 'string' || !isStrings(ancestors))
        return `a test of ${path} has no \`title\` or \`status\``;
      checks.push({
        name: [...ancestors, title].join(' > '),
        file: path,
        outcome: outcomeOf(status, field(test, 'fails') === true),
      });
    }
  }
  return checks;
}

/** A status, with Baton's reporter's mark of an expected failure; any status not known is a failure, never a pass. */
function outcomeOf(status: string, fails: boolean): CheckOutcome {
  if (fails) return status === 'passed' ? 'expected-failure' : 'failed';
  if (status === 'passed') return 'passed';
  if (status === 'pending' || status === 'skipped' || status === 'disabled') return 'skipped';
  if (status === 'todo') return 'todo';
  return 'failed';
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object'
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
