/**
 * The round before issue #74 (docs/security.md, test/e2e/build-attacks.test.ts,
 * test/security/publish-contract*): the `.npmrc`'s preload and script shell,
 * runner settings, setup files, the emptied helper, the moved mark, the vacuous
 * command, the padding and the tautology, each on the corpus's projects.
 */
import { symlink } from '../../session/publish/fixture.js';
import type { Attack } from '../play-attack.js';
import { GO, NODE_TEST, PYTEST, packageJson, VITEST } from '../projects.js';
import { HOLD_CJS, INI_LOADING_PLUGIN, PASS_ALL, PASS_ALL_PY } from './payloads.js';

const CONTRACT_RECORD = '.baton/builds/12-add-login/contract.json';
const VITEST_CHECK = 'test/contract/greet.test.js';
const PLAIN_VITEST = VITEST.plain[VITEST_CHECK] ?? '';
const MARKED_VITEST = VITEST.checks[VITEST_CHECK] ?? '';
const GO_CHECK = 'greet_test.go';

/** Three hundred empty files whose paths sort before every other. */
function padding(): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length: 300 }, (_, i) => [`src/0-pad/${String(i).padStart(3, '0')}.js`, '']),
  );
}

export const EARLIER: Attack[] = [
  {
    name: 'an .npmrc whose script-shell is /bin/true',
    project: VITEST,
    found: 'earlier',
    worker: { '.npmrc': 'script-shell=/bin/true\n' },
    expect: { refused: '.npmrc' },
  },
  {
    name: 'an .npmrc whose node-options preload makes every comparison hold',
    project: NODE_TEST,
    found: 'earlier',
    worker: { '.npmrc': 'node-options=--require ./tools/hold.cjs\n', 'tools/hold.cjs': HOLD_CJS },
    expect: { refused: '.npmrc' },
  },
  {
    name: 'the Vitest settings including another folder, with passWithNoTests',
    project: VITEST,
    found: 'earlier',
    worker: {
      'vitest.config.mjs':
        "export default { cacheDir: '.vite-cache', test: { include: ['nowhere/**/*.test.js'], passWithNoTests: true } };\n",
    },
    expect: { refused: 'vitest.config.mjs' },
  },
  {
    name: 'the check skipped',
    project: VITEST,
    found: 'earlier',
    worker: { [VITEST_CHECK]: PLAIN_VITEST.replace("it('", "it.skip('") },
    expect: { refused: VITEST_CHECK },
  },
  {
    name: 'the check’s assertion rewritten as a tautology',
    project: VITEST,
    found: 'earlier',
    worker: {
      [VITEST_CHECK]: PLAIN_VITEST.replace(
        "expect(greet('Ada')).toEqual(expected('Ada'));",
        "expect(expected('Ada')).toEqual(expected('Ada'));",
      ),
    },
    expect: { refused: VITEST_CHECK },
  },
  {
    name: 'the check’s mark moved four lines up, handed in complete while still marked',
    project: VITEST,
    found: 'earlier',
    worker: {
      [VITEST_CHECK]: MARKED_VITEST.replace(
        "it.fails('greets by name', () => {",
        "it.fails(\n\n\n  // the contract's check\n  'greets by name', () => {",
      ),
    },
    expect: { refused: VITEST_CHECK },
  },
  {
    name: 'the helper the check imports, emptied to agree with the wrong code',
    project: VITEST,
    found: 'earlier',
    worker: { 'test/helpers.js': "export function expected(name) {\n  return 'Hello';\n}\n" },
    expect: { refused: 'test/helpers.js' },
  },
  {
    name: 'the check replaced by a link to a test that asserts nothing',
    project: VITEST,
    found: 'earlier',
    worker: {
      'test/contract/trivial.js':
        "import { it } from 'vitest';\n\nit('greets by name', () => {});\n",
      [VITEST_CHECK]: symlink('trivial.js'),
    },
    expect: { refused: VITEST_CHECK },
  },
  {
    name: 'the script the contract’s command runs, changed',
    project: VITEST,
    found: 'earlier',
    worker: {
      'package.json': packageJson({
        scripts: { test: 'vitest run --passWithNoTests test/none' },
        devDependencies: { vitest: '^4.1.12' },
      }),
    },
    expect: { refused: 'package.json' },
  },
  {
    name: 'a contract command that cannot fail: … || true',
    project: VITEST,
    found: 'earlier',
    contract: { command: 'npx vitest run test/contract || true' },
    expect: { refused: CONTRACT_RECORD },
  },
  {
    name: 'a contract command naming another folder than its checks',
    project: NODE_TEST,
    found: 'earlier',
    contract: { command: 'node --test test/other' },
    expect: { refused: CONTRACT_RECORD },
  },
  {
    name: 'three hundred empty files ahead of a package.json that loads a preload',
    project: NODE_TEST,
    found: 'earlier',
    worker: {
      ...padding(),
      'package.json': packageJson({
        scripts: { test: 'node --require ./tools/hold.cjs --test test/contract/greet.test.mjs' },
      }),
      'tools/hold.cjs': HOLD_CJS,
    },
    expect: { refused: 'package.json' },
  },
  {
    name: 'the check made skip by node:test’s skip option',
    project: NODE_TEST,
    found: 'earlier',
    worker: {
      'test/contract/greet.test.mjs': (
        NODE_TEST.plain['test/contract/greet.test.mjs'] ?? ''
      ).replace("test('greets by name', ", "test('greets by name', { skip: true }, "),
    },
    expect: { refused: 'test/contract/greet.test.mjs' },
  },
  {
    name: 'a conftest.py reporting every test passed',
    project: PYTEST,
    found: 'earlier',
    worker: { 'tests/conftest.py': PASS_ALL_PY },
    expect: { refused: 'tests/conftest.py' },
  },
  {
    name: 'a root pytest.ini, read before pyproject.toml, loading a plugin',
    project: PYTEST,
    found: 'earlier',
    worker: { 'pytest.ini': INI_LOADING_PLUGIN, ...PASS_ALL },
    expect: { refused: 'pytest.ini' },
  },
  {
    name: 'pyproject.toml’s pytest settings gaining a plugin',
    project: PYTEST,
    found: 'earlier',
    worker: {
      'pyproject.toml': `${PYTEST.files['pyproject.toml']}addopts = "-p tools.pass_all"\n`,
      ...PASS_ALL,
    },
    expect: { refused: 'pyproject.toml' },
  },
  {
    name: 'the check’s xfail mark kept, handed in complete',
    project: PYTEST,
    found: 'earlier',
    worker: { ...PYTEST.checks },
    expect: { refused: 'tests/contract/test_greet.py' },
  },
  {
    name: 'a Go check’s if rewritten as a tautology',
    project: GO,
    found: 'earlier',
    worker: {
      [GO_CHECK]: (GO.checks[GO_CHECK] ?? '').replace('got != "Hello, Ada!"', 'got != got'),
    },
    expect: { refused: GO_CHECK },
  },
  {
    name: 'a Go check skipped with t.Skip',
    project: GO,
    found: 'earlier',
    worker: {
      [GO_CHECK]: (GO.checks[GO_CHECK] ?? '').replace(
        'func TestGreetsByName(t *testing.T) {\n',
        'func TestGreetsByName(t *testing.T) {\n\tt.Skip("later")\n',
      ),
    },
    expect: { refused: GO_CHECK },
  },
  {
    name: 'a Go TestMain in a new test file that exits 0 whatever the checks did',
    project: GO,
    found: 'earlier',
    worker: {
      'main_test.go':
        'package greet\n\nimport (\n\t"os"\n\t"testing"\n)\n\nfunc TestMain(m *testing.M) {\n\tm.Run()\n\tos.Exit(0)\n}\n',
    },
    // A worker's own new test passes publish (honest work writes tests, a TestMain among them)
    // and never reaches the contract's tree, so the checks run without it.
    expect: { notProven: true },
  },
  {
    name: 'Go code that answers right only when the test binary’s test.v flag is defined',
    project: GO,
    found: 'issue 74',
    worker: {
      'greet.go':
        'package greet\n\nimport "flag"\n\nfunc Greet(name string) string {\n\tif flag.Lookup("test.v") != nil {\n\t\treturn "Hello, " + name + "!"\n\t}\n\treturn "Hello"\n}\n',
    },
    expect: { waits: 'test-aware' },
  },
];
