/**
 * The checked code cannot vote (docs/verification.md, "The check's process"):
 * code under test that replaces what the assertions read, or hands the check a
 * value that answers for itself, is proven by a validation that runs the
 * checks in the runner's process as it is. Each attack is performed with the
 * real runner (Vitest through npm, node:test, pytest) through the real
 * validation, on a build branch whose contract's commit holds the wrong code
 * and whose head holds the attack: without Baton's setup of the check's
 * process, each check reads "failed on the contract's commit, passed on the head".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { reply, toolUse } from '../../sim/fake-anthropic.js';
import { REPOSITORY, removeTempDirs, runSession } from './agent-fixtures.js';
import { type SealedContract, sealedBuildBranch } from './sealed-branch.js';

afterEach(removeTempDirs);

const VITEST_PROJECT: Record<string, string> = {
  'package.json': `${JSON.stringify({ name: 'greet', private: true, type: 'module', scripts: { test: 'vitest run test/contract' } }, null, 2)}\n`,
  'vitest.config.mjs': "export default { cacheDir: '.vite-cache' };\n",
  'src/greet.js': "export function greet(name) {\n  return 'Hello';\n}\n",
};

const VITEST_CONTRACT: SealedContract = {
  version: 1,
  command: 'npm test',
  files: ['test/contract'],
  checks: [{ criterion: 'W1.1:1', file: 'test/contract/greet.test.js', name: 'greets by name' }],
};

/** A Vitest check of greet: `assertion` is what it asserts of `greet('Ada')`. */
function vitestCheck(assertion: string): string {
  return `import { expect, it } from 'vitest';
import { greet } from '../../src/greet.js';

it('greets by name', () => {
  expect(greet('Ada'))${assertion};
});
`;
}

/** greet's code as the work pushed it: `body` before an export that does not greet by name. */
function vitestWork(body: string, returned = "'Hello'"): Record<string, string> {
  return { 'src/greet.js': `${body}\nexport function greet(name) {\n  return ${returned};\n}\n` };
}

const NODE_PROJECT: Record<string, string> = {
  'package.json': `${JSON.stringify({ name: 'greet', private: true, type: 'module' }, null, 2)}\n`,
  'src/greet.js': "export function greet(name) {\n  return { text: 'Hello' };\n}\n",
  'test/contract/greet.test.js': `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { greet } from '../../src/greet.js';

test('greets by name', () => {
  assert.deepStrictEqual(greet('Ada'), { text: 'Hello, Ada' });
});
`,
};

const NODE_CONTRACT: SealedContract = {
  version: 1,
  command: 'node --test test/contract/greet.test.js',
  files: ['test/contract'],
  checks: [{ criterion: 'W1.1:1', file: 'test/contract/greet.test.js', name: 'greets by name' }],
};

/** A pytest project whose check asserts `assertion` of `greet('Ada')`, wrong before the work. */
function pytestProject(assertion = "greet('Ada') == 'Hello, Ada'"): Record<string, string> {
  return {
    'greet.py': "def greet(name):\n    return 'Hello'\n",
    'tests/contract/test_greet.py': `from greet import greet\n\n\ndef test_greets_by_name():\n    assert ${assertion}\n`,
  };
}

const PYTEST_CONTRACT: SealedContract = {
  version: 1,
  command: 'python3 -m pytest -p no:cacheprovider --rootdir=. tests/contract',
  files: ['tests/contract'],
  checks: [
    { criterion: 'W1.1:1', file: 'tests/contract/test_greet.py', name: 'test_greets_by_name' },
  ],
};

/** Milestone 1's validation of the build branch at `root`; a red run no check explains, the model names `command`. */
function validate(root: string) {
  return runSession({
    root,
    env: { BATON_ROLE: 'validate', BATON_WORKER: 'M1', BATON_ISSUE: '12' },
    routes: {
      [`GET /repos/${REPOSITORY}/git/matching-refs/baton/12-add-greeting/validation/M1`]: [],
    },
    replies: [
      reply(
        toolUse('submit_validation', {
          failures: [{ check: 'command', brief: "The check's process was changed under it." }],
        }),
      ),
    ],
  });
}

/** The build branch's validation: the contract's commit holds `project`, the head `pushed` too. */
async function validated(
  project: Record<string, string>,
  contract: SealedContract,
  pushed: Record<string, string>,
) {
  const { root } = await sealedBuildBranch({ project, contract, pushed });
  const { code, result } = await validate(root);
  expect(code).toBe(0);
  return result.validation;
}

/** What a validation says of a check the attack could not make pass: failing, with Baton's reason in the output. */
function failing(reason: string | RegExp) {
  return {
    failures: [{ check: 'W1.1:1' }],
    // After: failed, or missing where the attack's module could not load.
    checks: [{ criterion: 'W1.1:1', before: 'failed', verdict: 'failing' }],
    tail: expect.stringMatching(reason),
  };
}

const SELF_MATCHING = vitestWork('', "{ asymmetricMatch: () => true, text: 'Hello' }");

describe("Vitest: the checked code cannot vote on its check (through npm's script)", () => {
  it('a value that carries asymmetricMatch fails the toEqual it would pass', async () => {
    const validation = await validated(
      { ...VITEST_PROJECT, 'test/contract/greet.test.js': vitestCheck(".toEqual('Hello, Ada')") },
      VITEST_CONTRACT,
      SELF_MATCHING,
    );
    expect(validation).toMatchObject(failing(/carries a matcher of its own \(asymmetricMatch\)/));
  }, 120_000);

  it("Object.is replaced by the code's module cannot make toBe say yes", async () => {
    const validation = await validated(
      { ...VITEST_PROJECT, 'test/contract/greet.test.js': vitestCheck(".toBe('Hello, Ada')") },
      VITEST_CONTRACT,
      vitestWork('Object.is = () => true;'),
    );
    expect(validation).toMatchObject(failing(/Cannot assign to read only property 'is'/));
  }, 120_000);

  it('an asymmetricMatch put on Object.prototype, or another Object put in its global name, is refused', async () => {
    const validation = await validated(
      { ...VITEST_PROJECT, 'test/contract/greet.test.js': vitestCheck(".toEqual('Hello, Ada')") },
      VITEST_CONTRACT,
      vitestWork(
        "try { globalThis.Object = new Proxy(Object, { get: (o, k) => (k === 'is' ? () => true : o[k]) }); } catch {}\nObject.defineProperty(Object.prototype, 'asymmetricMatch', { value: () => true });",
      ),
    );
    expect(validation).toMatchObject(failing(/object is not extensible/));
  }, 120_000);

  it("a Proxy that answers asymmetricMatch, and a $$typeof that prints the snapshot's text, fail in a vm pool too", async () => {
    const validation = await validated(
      {
        ...VITEST_PROJECT,
        // A node:vm context is a realm of its own: hardened as the runner makes it.
        'vitest.config.mjs':
          "export default { cacheDir: '.vite-cache', test: { pool: 'vmThreads' } };\n",
        'test/contract/greet.test.js': `import { expect, it } from 'vitest';
import { greet, card } from '../../src/greet.js';

it('greets by name', () => {
  expect(greet('Ada')).toEqual('Hello, Ada');
  expect(card('Ada')).toMatchInlineSnapshot('"Hello, Ada"');
});
`,
        'src/greet.js':
          "export function greet(name) {\n  return 'Hello';\n}\nexport function card(name) {\n  return 'Hello';\n}\n",
      },
      VITEST_CONTRACT,
      {
        'src/greet.js': `export function greet(name) {
  return new Proxy({}, { has: () => true, get: (o, k) => (k === 'asymmetricMatch' ? () => true : undefined) });
}
export function card(name) {
  return { $$typeof: Symbol.for('jest.asymmetricMatcher'), toAsymmetricMatcher: () => '"Hello, Ada"' };
}
`,
      },
    );
    expect(validation).toMatchObject(
      failing(/is a Proxy, which answers what the check asks of it/),
    );
  }, 120_000);

  it("keeps an honest check's stand-ins: Math.random spied on, fake timers, a snapshot, a thrown error", async () => {
    const honest = `import { expect, it, vi } from 'vitest';
import { greet } from '../../src/greet.js';

it('greets by name', () => {
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
  vi.useFakeTimers();
  const later = vi.fn();
  setTimeout(later, 100);
  vi.advanceTimersByTime(200);
  vi.useRealTimers();
  expect(later).toHaveBeenCalledOnce();
  expect({ who: greet('Ada'), at: new Map([[1, [2]]]) }).toEqual({ who: 'Hello, Ada', at: new Map([[1, [2]]]) });
  expect(greet('Ada')).toMatchInlineSnapshot('"Hello, Ada"');
  expect(() => { throw new TypeError(greet('Ada')); }).toThrow(/Ada/);
});
`;
    const validation = await validated(
      { ...VITEST_PROJECT, 'test/contract/greet.test.js': honest },
      VITEST_CONTRACT,
      vitestWork('', "'Hello, ' + name"),
    );
    expect(validation).toMatchObject({
      exit_code: 0,
      failures: [],
      checks: [{ criterion: 'W1.1:1', before: 'failed', after: 'passed', verdict: 'proven' }],
    });
  }, 120_000);

  it("is not undone by the contract's own .npmrc naming node-options", async () => {
    const validation = await validated(
      {
        ...VITEST_PROJECT,
        '.npmrc': 'node-options=--no-warnings\n',
        'test/contract/greet.test.js': vitestCheck(".toBe('Hello, Ada')"),
      },
      VITEST_CONTRACT,
      vitestWork('Object.is = () => true;'),
    );
    expect(validation).toMatchObject(failing(/Cannot assign to read only property 'is'/));
  }, 120_000);
});

describe('node:test: the checked code cannot vote on its check', () => {
  it("node:assert's comparisons replaced by the code's module stay node:assert's", async () => {
    const validation = await validated(NODE_PROJECT, NODE_CONTRACT, {
      'src/greet.js': `import { createRequire, syncBuiltinESMExports } from 'node:module';
const assert = createRequire(import.meta.url)('node:assert');
assert.strict.deepStrictEqual = () => {};
syncBuiltinESMExports();
export function greet(name) {
  return { text: 'Hello' };
}
`,
    });
    expect(validation).toMatchObject(
      failing(/Cannot assign to read only property 'deepStrictEqual'/),
    );
  }, 120_000);

  it('a Proxy handed to deepStrictEqual fails with the reason', async () => {
    const validation = await validated(NODE_PROJECT, NODE_CONTRACT, {
      'src/greet.js':
        "export function greet(name) {\n  return new Proxy({ text: 'Hello, ' + name }, {});\n}\n",
    });
    expect(validation).toMatchObject(
      failing(/is a Proxy, which answers what the check asks of it/),
    );
  }, 120_000);
});

describe('pytest: the checked code cannot vote on its check', () => {
  it('a value whose __eq__ says yes to anything fails the assertion it would pass', async () => {
    const validation = await validated(pytestProject(), PYTEST_CONTRACT, {
      'greet.py':
        'class _Greeting(str):\n    def __eq__(self, other):\n        return True\n\n    __hash__ = str.__hash__\n\n\ndef greet(name):\n    return _Greeting("Hello")\n',
    });
    expect(validation).toMatchObject(failing(/says it equals anything, a matcher of its own/));
  }, 120_000);

  it('a builtin replaced by the code under test fails the check', async () => {
    const validation = await validated(
      pytestProject("len(greet('Ada')) == len('Hello, Ada')"),
      PYTEST_CONTRACT,
      {
        'greet.py':
          "import builtins\n\n_len = builtins.len\nbuiltins.len = lambda value: 10 if value == 'Hello' else _len(value)\n\n\ndef greet(name):\n    return 'Hello'\n",
      },
    );
    expect(validation).toMatchObject(failing(/builtins\.len was replaced/));
  }, 120_000);

  it('a pytest plugin the code under test registers to pass every report fails the run, saying why', async () => {
    const validation = await validated(pytestProject(), PYTEST_CONTRACT, {
      'greet.py': `import gc

import pytest


class _Forge:
    @pytest.hookimpl(hookwrapper=True, tryfirst=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        report.outcome = 'passed'
        report.longrepr = None


for held in gc.get_objects():
    if type(held).__name__ == 'Config' and hasattr(held, 'pluginmanager'):
        held.pluginmanager.register(_Forge(), 'forge')
        break


def greet(name):
    return 'Hello'
`,
    });
    // The forged reports say passed; the run itself fails, and the failure is the command's.
    expect(validation).toMatchObject({ exit_code: 1, failures: [{ check: 'command' }] });
    expect(validation?.tail).toMatch(/a pytest plugin was registered by greet\.py/);
  }, 120_000);
});
