/**
 * `go test -json`'s events, one JSON object a line
 * (https://pkg.go.dev/cmd/test2json: `Action` is start, run, pause, cont,
 * pass, bench, fail, output or skip; `Package`; `Test`, a subtest as
 * `TestLogin/ok`). A test's outcome is its last `pass`, `fail` or `skip`; an
 * event without `Test` is its package's. Go has no expected failure. Pure.
 */
import type { CheckOutcome, ReportedCheck } from './check-outcome.js';

const ENDS: Record<string, CheckOutcome> = { pass: 'passed', fail: 'failed', skip: 'skipped' };

/** The checks of a `go test -json` stream, or why it is not one. */
export function readGoReport(text: string): ReportedCheck[] | string {
  const outcomes = new Map<string, ReportedCheck>();
  let events = 0;
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      return `line ${index + 1} is not JSON`;
    }
    const { Action, Package, Test } = (event ?? {}) as Record<string, unknown>;
    if (typeof Action !== 'string') return `line ${index + 1} has no \`Action\``;
    events++;
    const outcome = ENDS[Action];
    if (outcome === undefined || typeof Test !== 'string') continue;
    const pkg = typeof Package === 'string' ? Package : null;
    outcomes.set(`${pkg}\u0000${Test}`, { name: Test, file: pkg, outcome });
  }
  return events === 0 ? 'it holds no event' : [...outcomes.values()];
}
