import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reply, toolUse } from '../../sim/fake-anthropic.js';
import { sealPath } from '../../src/core/verification/seal.js';
import { BUILD, gitIn, makeTempDir, removeTempDirs } from './agent-fixtures.js';
import {
  keptOut,
  recordOn,
  type SealedContract,
  sealedBuildBranch,
  validateMilestone,
} from './sealed-branch.js';

afterEach(removeTempDirs);

/**
 * Attacks on what runs the contract's checks and what they read, each
 * performed with the real runner on a build branch whose code is wrong: the
 * contract's check fails on the contract's commit and must fail on the head,
 * but the head (a merged worker's change, or a person's push) holds a way to
 * make it pass. Before the contract's tree, each was proven ("failed on the
 * contract's commit, passed on the head"); now each check is failing, and the
 * path that rigged it stays as the contract's commit holds it.
 */

const NAMED = reply(
  toolUse('submit_validation', {
    failures: [{ check: 'W1.1:1', brief: 'greet() ignores the name it is given.' }],
  }),
);

/** The validation of milestone 1 at `root`, which the reports judge: the check failing, not proven. */
async function expectFailing(root: string) {
  const { code, result, log } = await validateMilestone(root, { replies: [NAMED] });
  expect(code).toBe(0);
  expect(result.validation?.failures).toEqual([expect.objectContaining({ check: 'W1.1:1' })]);
  expect(result.validation?.checks?.[0]).toMatchObject({ before: 'failed', verdict: 'failing' });
  return { result, log };
}

const WRONG_GREET = "export function greet(name) {\n  return 'Hello';\n}\n";

const VITEST_PROJECT: Record<string, string> = {
  'package.json': `${JSON.stringify({ name: 'greet', private: true, type: 'module', scripts: { test: 'vitest run test/contract' } }, null, 2)}\n`,
  'vitest.config.mjs':
    "export default { cacheDir: '.vite-cache', test: { include: ['test/**/*.test.js'] } };\n",
  'src/greet.js': WRONG_GREET,
};

const VITEST_CHECK = `import { expect, it } from 'vitest';
import { greet } from '../../src/greet.js';

it('greets by name', () => {
  expect(greet('Ada')).toBe('Hello, Ada');
});
`;

const VITEST_CONTRACT: SealedContract = {
  version: 1,
  command: 'npm test',
  files: ['test/contract'],
  checks: [{ criterion: 'W1.1:1', file: 'test/contract/greet.test.js', name: 'greets by name' }],
};

/**
 * A `node` committed under `node_modules/.bin`, which `npm test` puts first on
 * `PATH`: the contract's own command runs it, and it makes the code do the job
 * for as long as the checks run before it hands over to the real node.
 */
const NODE_SHIM = `#!/bin/sh
printf 'export function greet(name) {\\n  return "Hello, " + name;\\n}\\n' > src/greet.js
here=$(cd "$(dirname "$0")" && pwd)
PATH=$(printf '%s' "$PATH" | tr ':' '\\n' | grep -vx "$here" | paste -sd: -)
export PATH
exec node "$@"
`;

describe('what runs the checks, outside the seal', () => {
  it('runs the real node, not a `node_modules/.bin/node` the head committed', async () => {
    const { root } = await sealedBuildBranch({
      project: { ...VITEST_PROJECT, 'test/contract/greet.test.js': VITEST_CHECK },
      contract: VITEST_CONTRACT,
      pushed: { 'node_modules/.bin/node': NODE_SHIM },
      executable: ['node_modules/.bin/node'],
    });
    const { log } = await expectFailing(root);
    expect(keptOut(log)).toContain('node_modules/.bin/node');
  }, 120_000);

  /** greet.py wrong, and a check of it run by pytest. */
  const PYTHON: Record<string, string> = {
    'greet.py': "def greet(name):\n    return 'Hello'\n",
    'tests/contract/test_greet.py':
      "from greet import greet\n\n\ndef test_greets_by_name():\n    assert greet('Ada') == 'Hello, Ada'\n",
  };
  const PYTHON_CONTRACT: SealedContract = {
    version: 1,
    command: 'python3 -m pytest tests/contract',
    files: ['tests/contract'],
    checks: [
      { criterion: 'W1.1:1', file: 'tests/contract/test_greet.py', name: 'test_greets_by_name' },
    ],
  };
  /** A pytest plugin that makes every test pass without running it. */
  const CHEAT =
    'def pytest_collection_modifyitems(items):\n    for item in items:\n        item.runtest = lambda: None\n';

  it.each<[string, Record<string, string>, string[]]>([
    [
      'a `tests/pytest.ini` loading a plugin, which pytest reads before the root',
      { 'tests/pytest.ini': '[pytest]\naddopts = -p cheat\n', 'cheat.py': CHEAT },
      ['cheat.py', 'tests/pytest.ini'],
    ],
    [
      'a root `.pytest.ini` loading it',
      { '.pytest.ini': '[pytest]\naddopts = -p cheat\n', 'cheat.py': CHEAT },
      ['.pytest.ini', 'cheat.py'],
    ],
    [
      'a root `pytest.toml` loading it (pytest 9 reads it before every other file)',
      { 'pytest.toml': '[pytest]\naddopts = ["-p", "cheat"]\n', 'cheat.py': CHEAT },
      ['cheat.py', 'pytest.toml'],
    ],
    [
      "a plugin's entry point in a distribution at the root, which pytest loads by itself",
      {
        'cheat.py': CHEAT,
        'cheat-1.0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: cheat\nVersion: 1.0\n',
        'cheat-1.0.dist-info/entry_points.txt': '[pytest11]\ncheat = cheat\n',
      },
      ['cheat-1.0.dist-info/METADATA', 'cheat-1.0.dist-info/entry_points.txt', 'cheat.py'],
    ],
  ])(
    'runs pytest on its settings alone, whatever the head holds: %s',
    async (_name, pushed, kept) => {
      const { root } = await sealedBuildBranch({
        project: PYTHON,
        contract: PYTHON_CONTRACT,
        pushed,
      });
      const { log } = await expectFailing(root);
      expect(keptOut(log)).toEqual(kept);
    },
    120_000,
  );

  it('runs pytest without what an install step wrote into the job’s environment', async () => {
    const { root } = await sealedBuildBranch({ project: PYTHON, contract: PYTHON_CONTRACT });
    const site = await makeTempDir('baton-site-');
    await writeFile(path.join(site, 'cheat.py'), CHEAT);
    const set = { PYTEST_ADDOPTS: '-p cheat', PYTHONPATH: site, PYTEST_PLUGINS: 'cheat' };
    const before = Object.fromEntries(Object.keys(set).map((name) => [name, process.env[name]]));
    Object.assign(process.env, set);
    try {
      await expectFailing(root);
    } finally {
      for (const [name, value] of Object.entries(before)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  }, 120_000);
});

describe("the runner's packages", () => {
  /** An npm lock of the project with Vitest where `resolved` says. */
  const lock = (vitest: Record<string, unknown>) =>
    `${JSON.stringify(
      {
        name: 'greet',
        lockfileVersion: 3,
        requires: true,
        packages: {
          '': { name: 'greet', devDependencies: { vitest: '^4.1.0' } },
          'node_modules/vitest': vitest,
        },
      },
      null,
      2,
    )}\n`;
  const REGISTRY = {
    version: '4.1.12',
    resolved: 'https://registry.npmjs.org/vitest/-/vitest-4.1.12.tgz',
    integrity: 'sha512-sealed',
    dev: true,
  };

  it("judges nothing where the head's lock file swaps the runner for one in the tree", async () => {
    const { root } = await sealedBuildBranch({
      project: {
        ...VITEST_PROJECT,
        'package-lock.json': lock(REGISTRY),
        'test/contract/greet.test.js': VITEST_CHECK,
      },
      contract: VITEST_CONTRACT,
      pushed: {
        'package-lock.json': lock({ resolved: 'tools/vitest', link: true }),
        'tools/vitest/package.json': '{ "name": "vitest", "version": "4.1.12" }\n',
      },
    });
    const { result } = await validateMilestone(root, { replies: [NAMED] });
    expect(result).toMatchObject({ status: 'failed' });
    expect(result.reason).toContain("the runner's world is not the contract's");
    expect(result.reason).toContain('vitest (node_modules/vitest) was 4.1.12');
  }, 120_000);
});

describe('what the checks read, outside the seal', () => {
  /** node:test's check, marked to do until W1.1 delivers, reading `import` from where it says. */
  const nodeCheck = (from: string, marked: boolean) => `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { greet } from '${from}';

test('greets by name', ${marked ? "{ todo: 'W1.1:1' }, " : ''}() => {
  assert.equal(greet('Ada'), 'Hello, Ada');
});
`;
  const NODE_CONTRACT: SealedContract = {
    version: 1,
    command: 'node --test test/contract/greet.test.mjs',
    files: ['test/contract'],
    checks: [{ criterion: 'W1.1:1', file: 'test/contract/greet.test.mjs', name: 'greets by name' }],
  };
  const NODE_PROJECT = {
    'package.json': `${JSON.stringify({ name: 'greet', private: true, type: 'module' })}\n`,
    'src/greet.mjs': WRONG_GREET,
  };

  it("runs the check's sealed import, not one a worker pointed at a double in a new test file", async () => {
    const { root } = await sealedBuildBranch({
      project: NODE_PROJECT,
      contract: NODE_CONTRACT,
      contractFiles: { 'test/contract/greet.test.mjs': nodeCheck('../../src/greet.mjs', true) },
      pushed: {
        // The mark taken off as the worker's own, and one line more changed: no assertion line.
        'test/contract/greet.test.mjs': nodeCheck('../double.mjs', false),
        'test/double.mjs': "export const greet = (name) => 'Hello, ' + name;\n",
      },
    });
    const { result, log } = await validateMilestone(root, { replies: [NAMED] });
    // The sealed text runs, still marked to do: the check is no plain pass.
    expect(result.validation?.checks?.[0]).toMatchObject({
      before: 'expected-failure',
      after: 'expected-failure',
      verdict: 'failing',
    });
    expect(keptOut(log)).toEqual(['test/contract/greet.test.mjs', 'test/double.mjs']);
  }, 120_000);

  it('runs the check on the fixture it was sealed with, not one the head rewrote', async () => {
    const check = `import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { greet } from '../../src/greet.mjs';

test('greets by name', () => {
  assert.equal(greet('Ada'), readFileSync('test/fixtures/greeting.txt', 'utf8').trim());
});
`;
    const { root } = await sealedBuildBranch({
      project: {
        ...NODE_PROJECT,
        'test/fixtures/greeting.txt': 'Hello, Ada\n',
        'test/contract/greet.test.mjs': check,
      },
      contract: NODE_CONTRACT,
      pushed: { 'test/fixtures/greeting.txt': 'Hello\n' },
    });
    const { log } = await expectFailing(root);
    expect(keptOut(log)).toEqual(['test/fixtures/greeting.txt']);
  }, 120_000);

  it('runs the check on the snapshot it was sealed with, not one the head rewrote', async () => {
    const check = `import { expect, it } from 'vitest';
import { greet } from '../../src/greet.js';

it('greets by name', () => {
  expect(greet('Ada')).toMatchSnapshot();
});
`;
    const snapshot = (text: string) =>
      `// Vitest Snapshot v1, https://vitest.dev/guide/snapshot.html\n\nexports[\`greets by name 1\`] = \`"${text}"\`;\n`;
    const file = 'test/contract/__snapshots__/greet.test.js.snap';
    const { root } = await sealedBuildBranch({
      project: {
        ...VITEST_PROJECT,
        'test/contract/greet.test.js': check,
        [file]: snapshot('Hello, Ada'),
      },
      contract: VITEST_CONTRACT,
      pushed: { [file]: snapshot('Hello') },
    });
    const { log } = await expectFailing(root);
    expect(keptOut(log)).toEqual([file]);
  }, 120_000);
});

describe('the seal itself', () => {
  it('records every commit that brought the contract or its seal, a push rewriting the seal the newest, for the app to judge', async () => {
    const { root, contractMerge } = await sealedBuildBranch({
      project: { ...VITEST_PROJECT, 'test/contract/greet.test.js': VITEST_CHECK },
      contract: VITEST_CONTRACT,
      pushed: {
        [sealPath(BUILD)]: '{"version":1,"files":[]}\n',
        '.npmrc': 'script-shell=/bin/true\n',
      },
    });
    const { result } = await validateMilestone(root, { replies: [NAMED] });
    const commits = result.validation?.contract_commits ?? [];
    expect(commits).toHaveLength(3);
    expect(commits[0]).not.toBe(contractMerge);
    expect(commits[1]).toBe(contractMerge);
  }, 120_000);

  it("builds the tree from the contract's merge where the push was reverted exactly, and names both for the app", async () => {
    const { root, contractMerge } = await sealedBuildBranch({
      project: { ...VITEST_PROJECT, 'test/contract/greet.test.js': VITEST_CHECK },
      contract: VITEST_CONTRACT,
    });
    await writeFile(path.join(root, sealPath(BUILD)), '{"version":1,"files":[]}\n');
    await writeFile(path.join(root, '.npmrc'), 'script-shell=/bin/true\n');
    gitIn(root, 'add', '-A');
    gitIn(root, 'commit', '-q', '-m', 'a push');
    const push = gitIn(root, 'rev-parse', 'HEAD');
    gitIn(root, 'revert', '--no-edit', 'HEAD');
    const by = gitIn(root, 'rev-parse', 'HEAD');
    const { result } = await expectFailing(root);
    expect(result.validation?.contract_commits?.[0]).toBe(contractMerge);
    expect(result.validation?.contract_commits).not.toContain(push);
    expect(result.validation?.reverted).toEqual([{ commit: push, by }]);
  }, 120_000);
});

describe("the contract's commit run once per contract", () => {
  it('takes its outcomes from the record of the run that made them, and names that run', async () => {
    const { root, contractMerge } = await sealedBuildBranch({
      project: { ...VITEST_PROJECT, 'test/contract/greet.test.js': VITEST_CHECK },
      contract: VITEST_CONTRACT,
    });
    const first = await validateMilestone(root, { replies: [NAMED] });
    expect(first.result.validation?.before_from).toBeUndefined();
    // The record publish left for it, on a remote the session fetches.
    const origin = await makeTempDir('baton-origin-');
    await mkdir(origin, { recursive: true });
    await recordOn(root, origin, {
      milestone: 1,
      runId: 4401,
      validation: first.result.validation,
    });
    const second = await validateMilestone(root, { milestone: 2, replies: [NAMED] });
    expect(second.log).toContain('its outcomes there are reused');
    expect(second.log).not.toContain("running the contract's command on the contract's commit");
    // The fixture's contract lands in two first-parent commits, the seal's the newest.
    expect(second.result.validation?.contract_commits?.[0]).toBe(contractMerge);
    expect(second.result.validation).toMatchObject({
      before_from: 4401,
      checks: [{ criterion: 'W1.1:1', before: 'failed', verdict: 'failing' }],
    });
  }, 180_000);
});
