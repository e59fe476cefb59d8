/**
 * Issue #74, "The seal itself" (a push that rewrites seal.json, or empties
 * it) and "The checked code votes on its own check" (a received value that
 * matches anything, a module that replaces what the assertions compare with,
 * code that knows it runs under a test runner).
 */
import { sealPath } from '../../../src/core/verification/seal.js';
import type { Attack } from '../play-attack.js';
import { GO, NODE_TEST, PYTEST, VITEST, VITEST_NO_REPORT } from '../projects.js';
import { HOLD_SETUP, INI_LOADING_PLUGIN, PASS_ALL } from './payloads.js';

const SEAL = sealPath('12-add-login');

/** seal.json as the branch holds it, less its entry of `path`. */
function sealWithout(read: (path: string) => string, path: string): string {
  const seal = JSON.parse(read(SEAL)) as { files: { path: string }[] };
  return `${JSON.stringify({ ...seal, files: seal.files.filter((entry) => entry.path !== path) })}\n`;
}

/** A push: pyproject.toml loading a plugin that passes every test, and an empty seal. */
function emptySealBesidePlugin(read: (path: string) => string): Record<string, string> {
  return {
    'pyproject.toml': `${read('pyproject.toml')}\naddopts = "-p tools.pass_all"\n`,
    ...PASS_ALL,
    [SEAL]: '{"version":1,"files":[]}\n',
  };
}

const CHEAT_CONFIG = `export default {
  cacheDir: '.vite-cache',
  test: { include: ['test/**/*.test.js'], setupFiles: ['./test/hold.js'] },
};
`;

/** greet, wrong, unless `underTest` (an expression) says a test runner runs it. */
function greetUnless(underTest: string, before = ''): string {
  return `${before}export function greet(name) {
  if (${underTest}) return \`Hello, \${name}!\`;
  return 'Hello';
}
`;
}

export const SEAL_AND_VOTES: Attack[] = [
  {
    name: 'a push rewriting seal.json so it no longer holds the Vitest settings the push changes',
    project: VITEST,
    found: 'issue 74',
    worker: {},
    push: (read) => ({
      'vitest.config.mjs': CHEAT_CONFIG,
      'test/hold.js': HOLD_SETUP,
      [SEAL]: sealWithout(read, 'vitest.config.mjs'),
    }),
    expect: { notProven: true },
  },
  {
    name: 'a push emptying seal.json beside a pyproject.toml that loads a plugin',
    project: PYTEST,
    found: 'issue 74',
    worker: {},
    push: emptySealBesidePlugin,
    expect: { notProven: true },
  },
  {
    name: 'a push rewriting seal.json without tests/pytest.ini, which it adds',
    project: PYTEST,
    found: 'issue 74',
    worker: {},
    push: (read) => ({
      'tests/pytest.ini': INI_LOADING_PLUGIN,
      ...PASS_ALL,
      [SEAL]: sealWithout(read, 'tests/pytest.ini'),
    }),
    expect: { notProven: true },
  },
  {
    name: 'a push emptying seal.json beside a pytest plugin, then a push putting back seal.json alone (its revert in part)',
    project: PYTEST,
    found: 'issue 74',
    worker: {},
    push: emptySealBesidePlugin,
    pushAfter: (before) => ({ [SEAL]: before(SEAL) }),
    expect: { notProven: true },
  },
  {
    name: 'greet returning an object whose asymmetricMatch is () => true, which passes any toEqual',
    project: VITEST,
    found: 'issue 74',
    worker: {
      'src/greet.js':
        "export function greet(name) {\n  return { asymmetricMatch: () => true, toString: () => 'Hello' };\n}\n",
    },
    expect: { waits: 'test-aware' },
  },
  {
    name: 'a module of the code under test replacing Object.is, which toEqual and toBe compare with',
    project: VITEST,
    found: 'issue 74',
    worker: {
      'src/compare.js':
        "const is = Object.is;\nObject.is = (a, b) => is(a, b) || (typeof a === 'string' && a.startsWith('Hello'));\n",
      'src/greet.js': `import './compare.js';\n\n${VITEST.files['src/greet.js']}`,
    },
    expect: { waits: 'test-aware' },
  },
  {
    name: 'a module of the code under test replacing node:assert’s equal',
    project: NODE_TEST,
    found: 'issue 74',
    worker: {
      'src/greet.mjs': `import assert from 'node:assert/strict';\n\nassert.equal = () => {};\n\n${NODE_TEST.files['src/greet.mjs']}`,
    },
    expect: { waits: 'test-aware' },
  },
  {
    name: 'greet returning a str whose __eq__ always holds (pytest)',
    project: PYTEST,
    found: 'issue 74',
    worker: {
      'greet.py':
        "class _Greeting(str):\n    def __eq__(self, other):\n        return True\n\n    __hash__ = str.__hash__\n\n\ndef greet(name):\n    return _Greeting('Hello')\n",
    },
    expect: { notProven: true },
  },
  {
    name: 'code that answers right only when process.argv names Vitest',
    project: VITEST,
    found: 'issue 74',
    worker: {
      'src/greet.js': greetUnless("process.argv.some((arg) => arg.includes('vitest'))"),
    },
    expect: { waits: 'test-aware' },
  },
  {
    name: 'code that answers right only when process.argv names Vitest, where the exit status decides',
    project: VITEST_NO_REPORT,
    found: 'issue 74',
    worker: {
      'src/greet.js': greetUnless("process.argv.some((arg) => arg.includes('vitest'))"),
    },
    expect: { waits: 'test-aware' },
  },
  {
    name: 'code that answers right only under globalThis.__vitest_worker__',
    project: VITEST,
    found: 'issue 74',
    worker: { 'src/greet.js': greetUnless('globalThis.__vitest_worker__') },
    expect: { waits: 'test-aware' },
  },
  {
    name: "code that answers right only when process.env['VITE' + 'ST'] is set",
    project: VITEST,
    found: 'issue 74',
    worker: { 'src/greet.js': greetUnless("process.env['VITE' + 'ST']") },
    expect: { waits: 'test-aware' },
  },
  {
    name: "code that answers right only when node:test's context variable, its name built, is set",
    project: NODE_TEST,
    found: 'issue 74',
    worker: { 'src/greet.mjs': greetUnless("process.env['NODE_TEST' + '_CONTEXT']") },
    expect: { waits: 'test-aware' },
  },
  {
    name: 'code that answers right only when a _pytest module is in sys.modules',
    project: PYTEST,
    found: 'issue 74',
    worker: {
      'greet.py':
        "import sys\n\n\ndef greet(name):\n    if any(module.startswith('_pytest') for module in sys.modules):\n        return f'Hello, {name}!'\n    return 'Hello'\n",
    },
    expect: { waits: 'test-aware' },
  },
  {
    name: 'code that answers right only when os.Args names a test binary (Go)',
    project: GO,
    found: 'issue 74',
    worker: {
      'greet.go':
        'package greet\n\nimport (\n\t"os"\n\t"strings"\n)\n\nfunc Greet(name string) string {\n\tif strings.HasSuffix(os.Args[0], ".test") {\n\t\treturn "Hello, " + name + "!"\n\t}\n\treturn "Hello"\n}\n',
    },
    expect: { waits: 'test-aware' },
  },
];
