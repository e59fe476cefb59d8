/**
 * A validation judged check by check from the test runner's own reports, on
 * the contract's commit and on the head (docs/verification.md, "Fails before,
 * passes after"): a real node:test and Vitest run in the build's checkout.
 */
import { chmod, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { contractPath } from '../../src/core/plan/contract.js';
import { completionPath, planPath } from '../../src/core/vocabulary/ids.js';
import {
  BUILD,
  buildRepo,
  gitIn,
  planJson,
  removeTempDirs,
  runSession,
  writeFiles,
} from './agent-fixtures.js';

afterEach(removeTempDirs);

const VALIDATE = { BATON_ROLE: 'validate', BATON_WORKER: 'M1', BATON_ISSUE: '12' };
const RECORDS = `GET /repos/octo/demo/git/matching-refs/baton/${BUILD}/validation/M1`;

const CHECKS = 'test/contract/greet.test.mjs';

/** W1.1's three criteria: the third already holds, a guard. */
const PLAN = planJson({
  workers: [
    {
      id: 'W1.1',
      title: 'Greet by name',
      criteria: [
        'greets by name',
        'adds numbers',
        { text: 'keeps the plain greeting', guard: true },
      ],
    },
  ],
});

function contract(command: string, file = CHECKS): string {
  return JSON.stringify({
    version: 1,
    command,
    files: [file],
    checks: [
      { criterion: 'W1.1:1', file, name: 'greets by name' },
      { criterion: 'W1.1:2', file, name: 'adds numbers' },
      { criterion: 'W1.1:3', file, name: 'keeps the plain greeting' },
    ],
  });
}

/** node:test checks; `marked` keeps the first under node:test's `todo` mark. */
function nodeChecks(marked: boolean): string {
  return `import { test } from 'node:test';
import assert from 'node:assert';
import { greet } from '../../src/greet.mjs';
test('greets by name', ${marked ? "{ todo: 'W1.1:1' }, " : ''}() => assert.equal(greet('Ada'), 'Hello, Ada'));
test('adds numbers', () => assert.equal(1 + 1, 2));
test('keeps the plain greeting', () => assert.equal(greet(), 'Hello'));
`;
}

const BEFORE_CODE = "export const greet = (name) => 'Hello';\n";
/** The work handed in with nothing done: greeting anyone by name throws. */
const THROWS_FOR_A_NAME =
  "export const greet = (name) => { if (name) throw new Error('not implemented'); return 'Hello'; };\n";
const DONE_CODE = "export const greet = (name) => (name ? 'Hello, ' + name : 'Hello');\n";

/**
 * A Vitest project of two commits, the contract's (its checks in `file`, `src/greet.mjs`
 * before the work) and the work's (`src/greet.mjs` as `work` writes it), with this
 * repository's Vitest linked in.
 */
async function vitestProject({
  command,
  file,
  checks,
  work,
}: {
  command: string;
  file: string;
  checks: string;
  work: string;
}): Promise<string> {
  const { root } = await twoCommits(
    {
      [contractPath(BUILD)]: contract(command, file),
      [file]: checks,
      'src/greet.mjs': BEFORE_CODE,
      'vitest.config.mjs': 'export default {};\n',
      'package.json': JSON.stringify({ type: 'module' }),
    },
    { 'src/greet.mjs': work },
  );
  await symlink(path.resolve('node_modules'), path.join(root, 'node_modules'));
  return root;
}

/**
 * The build branch: the contract's commit (its checks marked, the code before
 * any work), then the work's commit with `after`, W1.1's report among it.
 */
async function twoCommits(
  before: Record<string, string>,
  after: Record<string, string>,
): Promise<{ root: string; base: string; contractCommit: string }> {
  const { root, base: contractCommit } = await buildRepo({
    '.gitignore': 'node_modules\n',
    [planPath(BUILD)]: PLAN,
    ...before,
  });
  await writeFiles(root, { ...after, [completionPath(BUILD, 'W1.1')]: '{}\n' });
  gitIn(root, 'add', '-A');
  gitIn(root, 'commit', '-q', '-m', 'W1.1: greet by name');
  return { root, base: gitIn(root, 'rev-parse', 'HEAD'), contractCommit };
}

function validate(root: string) {
  return runSession({ root, env: VALIDATE, routes: { [RECORDS]: [] } });
}

describe('a validation judged by the runner reports', () => {
  it('node:test: proven, not proven (it passed before the work), guard; exit 0 and no model', async () => {
    const command = `node --test ${CHECKS}`;
    const { root, base, contractCommit } = await twoCommits(
      {
        [contractPath(BUILD)]: contract(command),
        [CHECKS]: nodeChecks(true),
        'src/greet.mjs': BEFORE_CODE,
      },
      { [CHECKS]: nodeChecks(false), 'src/greet.mjs': DONE_CODE },
    );
    const { code, result, requests } = await validate(root);
    expect(code).toBe(0);
    expect(requests).toEqual([]);
    expect(result.validation).toMatchObject({
      head: base,
      exit_code: 0,
      failures: [],
      contract_commit: contractCommit,
      checks: [
        { criterion: 'W1.1:1', before: 'expected-failure', after: 'passed', verdict: 'proven' },
        { criterion: 'W1.1:2', before: 'passed', after: 'passed', verdict: 'not-proven' },
        { criterion: 'W1.1:3', before: 'passed', after: 'passed', verdict: 'guard' },
      ],
    });
    // The checkout is back on the head.
    expect(gitIn(root, 'rev-parse', 'HEAD')).toBe(base);
  });

  it("node:test: a check a contract fix rewrote runs on the contract's first commit, and is proven", async () => {
    const command = `node --test ${CHECKS}`;
    const { root, contractCommit } = await twoCommits(
      {
        [contractPath(BUILD)]: contract(command),
        [CHECKS]: nodeChecks(true),
        'src/greet.mjs': BEFORE_CODE,
      },
      { [CHECKS]: nodeChecks(false), 'src/greet.mjs': DONE_CODE },
    );
    // W0.2's merge: 'adds numbers' (W1.1:2) asserted what held already; now it asserts the work.
    const rewritten = nodeChecks(false).replace(
      'assert.equal(1 + 1, 2)',
      "assert.equal(greet('Bo'), 'Hello, Bo')",
    );
    await writeFiles(root, {
      [CHECKS]: rewritten,
      [contractPath(BUILD)]: `${contract(command)}\n`,
      [completionPath(BUILD, 'W0.2')]: '{}\n',
    });
    gitIn(root, 'add', '-A');
    gitIn(root, 'commit', '-q', '-m', 'W0.2: contract fix');
    const { result } = await validate(root);
    expect(result.validation).toMatchObject({
      contract_commit: contractCommit,
      checks: [
        { criterion: 'W1.1:1', verdict: 'proven' },
        { criterion: 'W1.1:2', before: 'failed', after: 'passed', verdict: 'proven' },
        { criterion: 'W1.1:3', verdict: 'guard' },
      ],
    });
  });

  it('node:test: a green exit with a check still marked to fail fails that check', async () => {
    const command = `node --test ${CHECKS}`;
    const { root } = await twoCommits(
      {
        [contractPath(BUILD)]: contract(command),
        [CHECKS]: nodeChecks(true),
        'src/greet.mjs': BEFORE_CODE,
      },
      { 'src/greet.mjs': THROWS_FOR_A_NAME },
    );
    const { code, result, requests } = await validate(root);
    expect(code).toBe(0);
    expect(requests).toEqual([]);
    expect(result.validation?.exit_code).toBe(0);
    expect(result.validation?.checks).toEqual([
      {
        criterion: 'W1.1:1',
        before: 'expected-failure',
        after: 'expected-failure',
        verdict: 'failing',
      },
      { criterion: 'W1.1:2', before: 'passed', after: 'passed', verdict: 'not-proven' },
      { criterion: 'W1.1:3', before: 'passed', after: 'passed', verdict: 'guard' },
    ]);
    expect(result.validation?.failures.map((failure) => failure.check)).toEqual(['W1.1:1']);
    expect(result.validation?.failures[0]?.brief).toContain('still marked to fail');
  });

  it('Vitest: an it.fails mark moved four lines above the name, code that only throws, exit 0: the check fails', async () => {
    const command = 'npx vitest run test/contract';
    const file = 'test/contract/greet.test.ts';
    const marked = (mark: string) => `import { expect, it } from 'vitest';
import { greet } from '../../src/greet.mjs';
${mark}(


  // W1.1:1
  'greets by name', () => { expect(greet('Ada')).toBe('Hello, Ada'); });
it('adds numbers', () => { expect(1 + 1).toBe(2); });
it('keeps the plain greeting', () => { expect(greet()).toBe('Hello'); });
`;
    const root = await vitestProject({
      command,
      file,
      checks: marked('it.fails'),
      work: THROWS_FOR_A_NAME,
    });
    const { code, result, requests } = await validate(root);
    expect(code).toBe(0);
    expect(requests).toEqual([]);
    expect(result.validation).toMatchObject({
      exit_code: 0,
      failures: [{ check: 'W1.1:1' }],
      checks: [
        {
          criterion: 'W1.1:1',
          before: 'expected-failure',
          after: 'expected-failure',
          verdict: 'failing',
        },
        { criterion: 'W1.1:2', verdict: 'not-proven' },
        { criterion: 'W1.1:3', verdict: 'guard' },
      ],
    });
  });

  it("Vitest: the work's code cannot rig the run on the contract's commit: a runner setting it leaves behind is not read there", async () => {
    const command = 'npx vitest run test/contract';
    const file = 'test/contract/greet.test.ts';
    const checks = `import { expect, it } from 'vitest';
import { greet } from '../../src/greet.mjs';
it('greets by name', () => { expect(greet('Ada')).toBe('Hello, Ada'); });
it('adds numbers', () => { expect(1 + 1).toBe(2); });
it('keeps the plain greeting', () => { expect(greet()).toBe('Hello'); });
`;
    // The work's code, when the checks import it, leaves a runner setting (sealed as absent, so never
    // committed) whose setup fails every check: read by a later run, "adds numbers", which passed
    // before any work, would read as failing before and so as proven.
    const rigging = `import { writeFileSync } from 'node:fs';
writeFileSync('vitest.config.ts', "export default { test: { setupFiles: ['./rig.mjs'] } };\\n");
writeFileSync('rig.mjs', "import { beforeEach } from 'vitest';\\nbeforeEach(() => { throw new Error('rigged'); });\\n");
${DONE_CODE}`;
    const root = await vitestProject({ command, file, checks, work: rigging });
    const { code, result, requests } = await validate(root);
    expect(code).toBe(0);
    expect(requests).toEqual([]);
    expect(result.validation).toMatchObject({
      exit_code: 0,
      failures: [],
      checks: [
        { criterion: 'W1.1:1', before: 'failed', after: 'passed', verdict: 'proven' },
        { criterion: 'W1.1:2', before: 'passed', after: 'passed', verdict: 'not-proven' },
        { criterion: 'W1.1:3', before: 'passed', after: 'passed', verdict: 'guard' },
      ],
    });
  });

  it('a green exit whose report does not parse is no pass: it fails `command`', async () => {
    // A runner that exits 0 and leaves a report that is not JSON where Baton reads it.
    const fake = `#!/bin/sh
for arg in "$@"; do case "$arg" in --reporter=*.mjs) dir=$(dirname "\${arg#--reporter=}"); echo 'all passed {' > "$dir/after.report";; esac; done
exit 0
`;
    const command = 'npx vitest run test/contract';
    const { root } = await twoCommits(
      {
        [contractPath(BUILD)]: contract(command),
        [CHECKS]: nodeChecks(true),
        'src/greet.mjs': BEFORE_CODE,
      },
      { 'src/greet.mjs': DONE_CODE },
    );
    await writeFiles(root, { 'node_modules/.bin/vitest': fake });
    await chmod(path.join(root, 'node_modules/.bin/vitest'), 0o755);
    const { code, result, requests } = await validate(root);
    expect(code).toBe(0);
    expect(requests).toEqual([]);
    expect(result.validation?.exit_code).toBe(0);
    expect(result.validation?.checks).toBeUndefined();
    expect(result.validation?.failures).toEqual([
      { check: 'command', brief: expect.stringContaining('does not parse: it is not JSON') },
    ]);
  });
});
