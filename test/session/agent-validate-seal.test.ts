import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reply, toolUse } from '../../sim/fake-anthropic.js';
import { contractPath } from '../../src/core/plan/contract.js';
import { sealPath } from '../../src/core/verification/seal.js';
import { memberBuildId, planPath } from '../../src/core/vocabulary/ids.js';
import { BUILD, buildRepo, gitIn, planJson, removeTempDirs, writeFiles } from './agent-fixtures.js';
import {
  keptOut,
  linkInstall,
  type SealedContract,
  sealedBuildBranch,
  sealOfHead,
  validateMilestone,
} from './sealed-branch.js';

afterEach(removeTempDirs);

/**
 * A project whose code is wrong (greet ignores the name) and whose contract's
 * check, run by Vitest through `npm test`, says so: a validation of it fails
 * unless something makes the checks pass whatever the code does.
 */
const PROJECT: Record<string, string> = {
  'package.json': `${JSON.stringify({ name: 'greet', private: true, type: 'module', scripts: { test: 'vitest run test/contract' } }, null, 2)}\n`,
  'vitest.config.mjs':
    "export default { cacheDir: '.vite-cache', test: { include: ['test/**/*.test.js'] } };\n",
  'src/greet.js': "export function greet(name) {\n  return 'Hello';\n}\n",
  'test/helpers.js': "export function expected(name) {\n  return 'Hello, ' + name;\n}\n",
  'test/contract/greet.test.js': `import { expect, it } from 'vitest';
import { greet } from '../../src/greet.js';
import { expected } from '../helpers.js';

it('greets by name', () => {
  expect(greet('Ada')).toBe(expected('Ada'));
});
`,
};

const CONTRACT: SealedContract = {
  version: 1,
  command: 'npm test',
  files: ['test/contract'],
  checks: [{ criterion: 'W1.1:1', file: 'test/contract/greet.test.js', name: 'greets by name' }],
};

/**
 * What a person pushed to the build branch after the contract merged, each of
 * which makes the command exit 0 on the wrong code, and the sealed paths it changes.
 */
const ATTACKS: Record<string, { pushed: Record<string, string>; sealed: string[] }> = {
  '.npmrc script-shell=/bin/true': {
    pushed: { '.npmrc': 'script-shell=/bin/true\n' },
    sealed: ['.npmrc'],
  },
  '.npmrc node-options preloading a module that sets the exit code': {
    pushed: {
      '.npmrc': 'node-options=--require ./test/exit-zero.cjs\n',
      'test/exit-zero.cjs': "process.on('exit', () => {\n  process.exitCode = 0;\n});\n",
    },
    sealed: ['.npmrc'],
  },
  'a Vitest include elsewhere with passWithNoTests': {
    pushed: {
      'vitest.config.mjs':
        "export default { cacheDir: '.vite-cache', test: { include: ['nowhere/**/*.test.js'], passWithNoTests: true } };\n",
    },
    sealed: ['vitest.config.mjs'],
  },
  'a setupFiles entry overriding toBe': {
    pushed: {
      'vitest.config.mjs':
        "export default { cacheDir: '.vite-cache', test: { include: ['test/**/*.test.js'], setupFiles: ['./test/setup.js'] } };\n",
      'test/setup.js':
        "import { expect } from 'vitest';\nexpect.extend({ toBe: () => ({ pass: true, message: () => '' }) });\n",
    },
    sealed: ['vitest.config.mjs'],
  },
  'the check itself skipped': {
    pushed: {
      'test/contract/greet.test.js': PROJECT['test/contract/greet.test.js']!.replace(
        "it('",
        "it.skip('",
      ),
    },
    sealed: ['test/contract/greet.test.js'],
  },
  'the helper the check imports, emptied': {
    pushed: { 'test/helpers.js': "export function expected() {\n  return 'Hello';\n}\n" },
    sealed: ['test/helpers.js'],
  },
};

/**
 * The build branch: the project, then the contract's merge (contract.json and
 * the seal publish takes of it), then `pushed` on top, as a person's push.
 */
function buildBranch(
  pushed: Record<string, string>,
  build = BUILD,
  {
    project = PROJECT,
    contract = CONTRACT,
  }: { project?: Record<string, string>; contract?: SealedContract } = {},
) {
  return sealedBuildBranch({ project, contract, pushed, build });
}

const NAMED = reply(
  toolUse('submit_validation', {
    failures: [{ check: 'W1.1:1', brief: 'greet() ignores the name it is given.' }],
  }),
);

/** Milestone 1's validation of the build branch at `root` (of `build`), its log kept. */
function validate(root: string, build = BUILD) {
  return validateMilestone(root, { build, replies: [NAMED] });
}

describe("validation runs the contract's tree: the contract's commit, the head's work alone brought in", () => {
  it('fails on the wrong code with nothing pushed after the contract, restoring nothing', async () => {
    const { root, contractMerge } = await buildBranch({});
    const { code, result, log } = await validate(root);
    expect(code).toBe(0);
    expect(result.validation).toMatchObject({ exit_code: 1, failures: [{ check: 'W1.1:1' }] });
    expect(result.validation?.tail).toContain('1 failed');
    expect(log).toContain(`the contract's tree: ${contractMerge.slice(0, 12)}'s`);
    expect(log).toContain("0 left as the contract's commit holds them");
  });

  it.each(Object.entries(ATTACKS))(
    'still fails on the wrong code when the build branch holds %s',
    async (_name, { pushed, sealed }) => {
      const { root } = await buildBranch(pushed);
      const { code, result, log } = await validate(root);
      expect(code).toBe(0);
      expect(result.validation).toMatchObject({ exit_code: 1, failures: [{ check: 'W1.1:1' }] });
      expect(result.validation?.tail).toContain('1 failed');
      expect(keptOut(log)).toEqual(expect.arrayContaining(sealed));
    },
    120_000,
  );

  it.each(['.npmrc script-shell=/bin/true', 'a Vitest include elsewhere with passWithNoTests'])(
    "still fails on the wrong code in a change set's member whose build branch holds %s",
    async (name) => {
      const member = memberBuildId(BUILD, 'octo/home');
      const attack = ATTACKS[name]!;
      const { root } = await buildBranch(attack.pushed, member);
      const { result, log } = await validate(root, member);
      expect(result.validation).toMatchObject({ exit_code: 1, failures: [{ check: 'W1.1:1' }] });
      expect(result.validation?.tail).toContain('1 failed');
      expect(keptOut(log)).toEqual(expect.arrayContaining(attack.sealed));
    },
    120_000,
  );

  it('still fails on the wrong code when the build branch holds a conftest.py marking every test xfail', async () => {
    const project = {
      'greet.py': "def greet(name):\n    return 'Hello'\n",
      'tests/contract/test_greet.py':
        "from greet import greet\n\ndef test_greets_by_name():\n    assert greet('Ada') == 'Hello, Ada'\n",
    };
    const contract = {
      ...CONTRACT,
      command: 'python3 -m pytest -p no:cacheprovider --rootdir=. tests/contract',
      files: ['tests/contract'],
      checks: [
        { criterion: 'W1.1:1', file: 'tests/contract/test_greet.py', name: 'test_greets_by_name' },
      ],
    };
    const conftest =
      'import pytest\n\ndef pytest_collection_modifyitems(items):\n    for item in items:\n        item.add_marker(pytest.mark.xfail)\n';
    const { root } = await buildBranch({ 'tests/conftest.py': conftest }, BUILD, {
      project,
      contract,
    });
    const { result, log } = await validate(root);
    expect(result.validation).toMatchObject({ exit_code: 1, failures: [{ check: 'W1.1:1' }] });
    expect(result.validation?.tail).toContain('1 failed');
    expect(keptOut(log)).toEqual(['tests/conftest.py']);
  }, 120_000);

  it("runs the command with the job's Node and npm options taken away", async () => {
    const { root } = await buildBranch({});
    const preload = path.join(root, '.git', 'exit-zero.cjs');
    await writeFile(preload, "process.on('exit', () => {\n  process.exitCode = 0;\n});\n");
    const set = { NODE_OPTIONS: `--require ${preload}`, npm_config_script_shell: '/bin/true' };
    const before = Object.fromEntries(Object.keys(set).map((name) => [name, process.env[name]]));
    Object.assign(process.env, set);
    try {
      const { result } = await validate(root);
      expect(result.validation).toMatchObject({ exit_code: 1, failures: [{ check: 'W1.1:1' }] });
      expect(result.validation?.tail).toContain('1 failed');
    } finally {
      for (const [name, value] of Object.entries(before)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  }, 120_000);

  it("runs a package.json whose scripts the head changed as sealed, with the head's dependencies", async () => {
    const manifest = JSON.parse(PROJECT['package.json']!);
    const { root } = await buildBranch({
      'package.json': `${JSON.stringify({ ...manifest, dependencies: { kleur: '^4.1.5' }, scripts: { test: 'true' } }, null, 2)}\n`,
    });
    const { result, log } = await validate(root);
    expect(result.validation).toMatchObject({ exit_code: 1, failures: [{ check: 'W1.1:1' }] });
    expect(result.validation?.tail).toContain('1 failed');
    expect(log).toContain("0 left as the contract's commit holds them");
  }, 120_000);

  it("keeps a worker's check made plain, which the sealed text still marks to fail", async () => {
    const marked = PROJECT['test/contract/greet.test.js']!.replace("it('", "it.fails('");
    // The contract as sealed marks the check; the worker who delivers removes the mark.
    const { root } = await buildRepo({ ...PROJECT, [planPath(BUILD)]: planJson() });
    await writeFiles(root, {
      [contractPath(BUILD)]: JSON.stringify(CONTRACT),
      'test/contract/greet.test.js': marked,
    });
    gitIn(root, 'add', '-A');
    gitIn(root, 'commit', '-q', '-m', 'the contract');
    await writeFiles(root, {
      [sealPath(BUILD)]: await sealOfHead(root, CONTRACT.files),
      'src/greet.js': "export function greet(name) {\n  return 'Hello, ' + name;\n}\n",
      'test/contract/greet.test.js': PROJECT['test/contract/greet.test.js']!,
    });
    gitIn(root, 'add', '-A');
    gitIn(root, 'commit', '-q', '-m', 'the contract and W1.1');
    await linkInstall(root);
    const { result, requests, log } = await validate(root);
    expect(result.validation).toMatchObject({ exit_code: 0, failures: [] });
    expect(requests).toEqual([]);
    expect(log).toContain("0 left as the contract's commit holds them");
  }, 120_000);
});
