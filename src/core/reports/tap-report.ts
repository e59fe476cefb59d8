/**
 * node:test's TAP report (`node --test --test-reporter=tap
 * --test-reporter-destination=F`; the format: https://testanything.org/tap-version-13-specification.html,
 * node's reporter: https://nodejs.org/api/test.html#test-reporters). Each
 * test opens with `# Subtest: <name>`, its subtests indented four spaces, and
 * ends with `ok N - <name>` or `not ok N - <name>`, a `# TODO` or `# SKIP`
 * directive after the name (a `#` in a name is written `\#`); a YAML block
 * under it names its `location`. A test with subtests (a suite) is not a check
 * of its own. `# TODO` never fails the run: one that failed is an `expected-failure` (the contract's
 * mark for node:test, a check that fails until its worker delivers), one that
 * passed `todo` (still marked, it proves nothing); `# SKIP` is `skipped`. Pure.
 */
import type { CheckOutcome, ReportedCheck } from './check-outcome.js';

const SUBTEST = /^( *)# Subtest: (.*)$/;
const RESULT = /^( *)(not ok|ok) \d+(?: - (.*))?$/;
const LOCATION = /^ *location: '(.*?)(?::\d+:\d+)?'$/;

interface Open {
  name: string;
  parents: string[];
  hasChildren: boolean;
}

/** The checks of a TAP report, or why it is not one. */
export function readTapReport(text: string): ReportedCheck[] | string {
  const lines = text.split(/\r?\n/);
  if (!lines.some((line) => /^TAP version \d+/.test(line))) return 'it has no `TAP version` line';
  const checks: ReportedCheck[] = [];
  /** The names of the subtests open at each depth. */
  const open: (Open | undefined)[] = [];
  let last: ReportedCheck | null = null;
  for (const line of lines) {
    const subtest = SUBTEST.exec(line);
    if (subtest) {
      const depth = depthOf(subtest[1] ?? '');
      const parents = open.slice(0, depth).map((entry) => entry?.name ?? '');
      open.length = depth;
      const parent = open[depth - 1];
      if (parent) parent.hasChildren = true;
      open[depth] = { name: unescapeName(subtest[2] ?? ''), parents, hasChildren: false };
      last = null;
      continue;
    }
    const result = RESULT.exec(line);
    if (result) {
      const depth = depthOf(result[1] ?? '');
      const { name, directive } = splitDirective(result[3] ?? '');
      const entry = open[depth];
      open.length = depth;
      last = null;
      if (entry?.hasChildren) continue;
      const parents = entry?.parents ?? open.slice(0, depth).map((item) => item?.name ?? '');
      const check: ReportedCheck = {
        name: [...parents, entry?.name ?? name].join(' > '),
        file: null,
        outcome: outcomeOf(result[2] === 'ok', directive),
      };
      checks.push(check);
      last = check;
      continue;
    }
    const location = LOCATION.exec(line);
    if (location && last && last.file === null) last.file = location[1] ?? null;
  }
  return checks;
}

function depthOf(indent: string): number {
  return Math.floor(indent.length / 4);
}

/** The name and the directive after its first `#` that is not escaped. */
function splitDirective(rest: string): { name: string; directive: string | null } {
  const at = rest.search(/(?<!\\)#/);
  if (at < 0) return { name: unescapeName(rest.trim()), directive: null };
  const directive = /^#\s*(TODO|SKIP)\b/i.exec(rest.slice(at))?.[1]?.toUpperCase() ?? null;
  return { name: unescapeName(rest.slice(0, at).trim()), directive };
}

function outcomeOf(ok: boolean, directive: string | null): CheckOutcome {
  if (directive === 'TODO') return ok ? 'todo' : 'expected-failure';
  if (directive === 'SKIP') return 'skipped';
  return ok ? 'passed' : 'failed';
}

function unescapeName(name: string): string {
  return name.replace(/\\([#\\])/g, '$1');
}
