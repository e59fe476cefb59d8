/**
 * Issue #74, "What the checks read, outside the list": the check's import
 * pointed at a double, a fixture, a snapshot, and a helper reached through
 * package.json "imports" or "exports", a workspace package or a tsconfig path.
 */
import type { Attack } from '../play-attack.js';
import {
  NODE_TEST,
  PYTEST,
  packageJson,
  RIGHT_JS,
  SNAPSHOT,
  VITEST,
  VITEST_EXPORTS,
  VITEST_FIXTURE,
  VITEST_IMPORTS,
  VITEST_SNAPSHOT,
  VITEST_TSCONFIG,
  VITEST_WORKSPACE,
} from '../projects.js';

const WRONG_EXPECTED = "export function expected(name) {\n  return 'Hello';\n}\n";

/** The project's plain check with `from` imported from `to` instead, no assertion line changed. */
function redirected(project: typeof VITEST, from: string, to: string): Record<string, string> {
  const [file = '', text = ''] = Object.entries(project.plain)[0] ?? [];
  return { [file]: text.replace(from, to) };
}

export const WHAT_CHECKS_READ: Attack[] = [
  {
    name: 'the check’s import pointed at a double in a new test file (Vitest)',
    project: VITEST,
    found: 'issue 74',
    worker: {
      ...redirected(VITEST, '../../src/greet.js', '../greet-double.js'),
      'test/greet-double.js': RIGHT_JS,
    },
    expect: { refused: 'test/contract/greet.test.js' },
  },
  {
    name: 'the check’s import pointed at a double in a new test file (node:test)',
    project: NODE_TEST,
    found: 'issue 74',
    worker: {
      ...redirected(NODE_TEST, '../../src/greet.mjs', '../greet-double.mjs'),
      'test/greet-double.mjs': RIGHT_JS,
    },
    expect: { refused: 'test/contract/greet.test.mjs' },
  },
  {
    name: 'the check’s import pointed at a double in a new test module (pytest)',
    project: PYTEST,
    found: 'issue 74',
    worker: {
      ...redirected(PYTEST, 'from greet import greet', 'from tests.greet_double import greet'),
      'tests/greet_double.py': "def greet(name):\n    return f'Hello, {name}!'\n",
    },
    expect: { refused: 'tests/contract/test_greet.py' },
  },
  {
    name: 'a new test module of the contract’s folder that replaces greet before the check imports it (pytest)',
    project: PYTEST,
    found: 'issue 74',
    worker: {
      'tests/contract/test_aaa.py':
        "import greet\n\ngreet.greet = lambda name: f'Hello, {name}!'\n",
    },
    expect: { refused: 'tests/contract/test_aaa.py' },
  },
  {
    name: 'the fixture the check reads with fs, rewritten',
    project: VITEST_FIXTURE,
    found: 'issue 74',
    worker: { 'test/fixtures/names.json': '[{ "name": "Ada", "greeting": "Hello" }]\n' },
    expect: { refused: 'test/fixtures/names.json' },
  },
  {
    name: 'the snapshot the check compares with, rewritten',
    project: VITEST_SNAPSHOT,
    found: 'issue 74',
    worker: {
      [SNAPSHOT]: (VITEST_SNAPSHOT.checks[SNAPSHOT] ?? '').replace('"Hello, Ada!"', '"Hello"'),
    },
    expect: { refused: SNAPSHOT },
  },
  {
    name: 'package.json "imports" pointing #helpers/ at a helper that agrees with the wrong code',
    project: VITEST_IMPORTS,
    found: 'issue 74',
    worker: {
      'package.json': packageJson({
        scripts: { test: 'vitest run test/contract' },
        devDependencies: { vitest: '^4.1.12' },
        imports: { '#helpers/*': './lib/*' },
      }),
      'lib/expected.js': WRONG_EXPECTED,
    },
    expect: { refused: 'package.json' },
  },
  {
    name: 'package.json "exports" pointing the package’s own name at code that answers only the check',
    project: VITEST_EXPORTS,
    found: 'issue 74',
    worker: {
      'package.json': packageJson({
        scripts: { test: 'vitest run test/contract' },
        devDependencies: { vitest: '^4.1.12' },
        exports: { '.': './lib/greet.js' },
      }),
      'lib/greet.js': RIGHT_JS,
    },
    expect: { refused: 'package.json' },
  },
  {
    name: 'the workspace package the check takes its helper from, made to agree with the wrong code',
    project: VITEST_WORKSPACE,
    found: 'issue 74',
    worker: { 'packages/testkit/index.js': WRONG_EXPECTED },
    expect: { refused: 'packages/testkit/index.js' },
  },
  {
    name: 'a tsconfig path pointing the check’s helper at one that agrees with the wrong code',
    project: VITEST_TSCONFIG,
    found: 'issue 74',
    worker: {
      'tsconfig.json': `${JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@helpers/*': ['lib/*'] } } }, null, 2)}\n`,
      'lib/expected.js': WRONG_EXPECTED,
    },
    expect: { refused: 'tsconfig.json' },
  },
];
