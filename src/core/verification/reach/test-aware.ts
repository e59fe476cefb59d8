/**
 * Code that asks whether a test runner runs it (docs/verification.md, the
 * `test-aware` class): outside the tests, such a line lets the code pass its
 * checks and do otherwise in use, the contract's checks included. Publish
 * reads each added line of a file that is not a test against this table; the
 * app reads only the mark publish leaves in the evidence.
 */

/** One reach of code (runner-reach.ts): its line (from 1) and what it reaches, in words. */
export interface Reach {
  line: number;
  what: string;
}

/** What reads a runner's environment, with the runner it gives away. */
const TEST_RUNNER_READS: readonly { runner: string; pattern: RegExp }[] = [
  { runner: 'node:test', pattern: /\bNODE_TEST_CONTEXT\b/ },
  {
    runner: 'Vitest',
    pattern: /\bVITEST(?:_WORKER_ID|_POOL_ID|_MODE)?\b|\bimport\.meta\.vitest\b/,
  },
  { runner: 'Jest', pattern: /\bJEST_WORKER_ID\b/ },
  { runner: 'pytest', pattern: /\bPYTEST_(?:CURRENT_TEST|XDIST_WORKER|VERSION)\b/ },
  { runner: 'pytest', pattern: /["']_?pytest["']\s+in\s+sys\.modules/ },
  { runner: 'go test', pattern: /\btesting\.Testing\(\)/ },
  // Jest sets NODE_ENV to `test`; code that branches on it takes another path under the runner.
  // NODE_ENV read for anything else (`production`) is no runner's mark and is not flagged.
  {
    runner: 'NODE_ENV test',
    pattern: /\bNODE_ENV\b.{0,40}?["'`]test["'`]|["'`]test["'`].{0,40}?\bNODE_ENV\b/,
  },
];

/** The runner a line of code asks about, or null. */
export function readsTestRunner(line: string): string | null {
  return TEST_RUNNER_READS.find(({ pattern }) => pattern.test(line))?.runner ?? null;
}
