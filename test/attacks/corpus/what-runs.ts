/**
 * Issue #74, "What runs the checks, outside the list": the worker's program
 * run in the runner's place, runner settings the seal does not name, a
 * command that puts back what validation strips, dependency lists and lock
 * files that swap the runner, and install steps that write the runner's
 * environment.
 */
import type { Attack } from '../play-attack.js';
import {
  GO,
  GO_ASSERT_LENIENT,
  GO_MODULE,
  NODE_TEST,
  PYTEST,
  packageJson,
  packageLock,
  VITEST,
  VITEST_ENTRY,
} from '../projects.js';
import {
  FAKE_VITEST,
  fakeVitestLock,
  HOLD_CJS,
  HOLD_SETUP,
  INI_LOADING_PLUGIN,
  NODE_SHIM,
  PASS_ALL,
} from './payloads.js';

const CONTRACT_RECORD = '.baton/builds/12-add-login/contract.json';

/** W1.1's vitest.config.mjs, a setup file named in it. */
const VITEST_CONFIG_WITH_SETUP = `export default {
  cacheDir: '.vite-cache',
  test: { include: ['test/**/*.test.js'], setupFiles: ['./test/contract/hold.js'] },
};
`;

export const WHAT_RUNS: Attack[] = [
  {
    name: 'a committed node_modules/.bin/node that npm test runs in node’s place (node:test)',
    project: NODE_TEST,
    found: 'issue 74',
    worker: NODE_SHIM,
    expect: { refused: 'node_modules/.bin/node' },
  },
  {
    name: 'a committed node_modules/.bin/node that Vitest’s own bin starts through PATH',
    project: VITEST,
    found: 'issue 74',
    worker: NODE_SHIM,
    expect: { refused: 'node_modules/.bin/node' },
  },
  {
    name: 'a tests/pytest.ini, read before the root’s settings, loading a plugin that passes every test',
    project: PYTEST,
    found: 'issue 74',
    worker: { 'tests/pytest.ini': INI_LOADING_PLUGIN, ...PASS_ALL },
    expect: { refused: 'tests/pytest.ini' },
  },
  {
    name: 'a root .pytest.ini, read before pyproject.toml, loading the plugin',
    project: PYTEST,
    found: 'issue 74',
    worker: { '.pytest.ini': INI_LOADING_PLUGIN, ...PASS_ALL },
    expect: { refused: '.pytest.ini' },
  },
  {
    name: 'a pytest.toml, which pytest 9 reads before every other settings file, loading the plugin',
    project: PYTEST,
    found: 'issue 74',
    worker: { 'pytest.toml': '[pytest]\naddopts = ["-p", "tools.pass_all"]\n', ...PASS_ALL },
    expect: { refused: 'pytest.toml' },
  },
  {
    name: 'a contract command that starts NODE_OPTIONS=--require, with the preload among its checks',
    project: VITEST,
    found: 'issue 74',
    contract: {
      command: 'NODE_OPTIONS=--require=./test/contract/hold.cjs npm test',
      files: { 'test/contract/hold.cjs': HOLD_CJS },
    },
    expect: { refused: CONTRACT_RECORD },
  },
  {
    name: 'a contract command that starts npm_config_node_options=, which npm hands its scripts as NODE_OPTIONS',
    project: VITEST,
    found: 'issue 74',
    contract: {
      command: 'npm_config_node_options=--require=./test/contract/hold.cjs npm test',
      files: { 'test/contract/hold.cjs': HOLD_CJS },
    },
    expect: { refused: CONTRACT_RECORD },
  },
  {
    name: 'a contract command passing --root to a folder whose Vitest settings load a setup file',
    project: VITEST,
    found: 'issue 74',
    contract: {
      command: 'npx vitest run --root test/contract',
      files: {
        'test/contract/vitest.config.mjs':
          "export default { cacheDir: '../../.vite-cache', test: { setupFiles: ['./hold.js'] } };\n",
        'test/contract/hold.js': HOLD_SETUP,
      },
    },
    expect: { refused: CONTRACT_RECORD },
  },
  {
    name: 'a contract command passing pytest -c, settings of the contract’s folder loading a plugin',
    project: PYTEST,
    found: 'issue 74',
    contract: {
      command:
        '/usr/bin/python3 -m pytest -p no:cacheprovider -c tests/contract/pytest.ini tests/contract',
      files: {
        'tests/contract/pytest.ini': '[pytest]\naddopts = -p tests.contract.pass_all\n',
        'tests/contract/pass_all.py': PASS_ALL['tools/pass_all.py'] ?? '',
      },
    },
    expect: { refused: CONTRACT_RECORD },
  },
  {
    name: 'the dependency list swapping the runner: "vitest": "file:./tools/vitest"',
    project: VITEST,
    found: 'issue 74',
    worker: {
      ...FAKE_VITEST,
      'package.json': packageJson({
        scripts: { test: 'vitest run test/contract' },
        devDependencies: { vitest: 'file:./tools/vitest' },
      }),
      'package-lock.json': packageLock(
        { vitest: 'file:./tools/vitest' },
        fakeVitestLock({ resolved: 'file:tools/vitest' }),
      ),
    },
    expect: { refused: 'package.json' },
  },
  {
    name: 'a lock entry’s resolved swapping the runner, package.json untouched',
    project: VITEST,
    found: 'issue 74',
    worker: {
      ...FAKE_VITEST,
      'package-lock.json': packageLock(
        { vitest: '^4.1.12' },
        fakeVitestLock({ resolved: 'file:tools/vitest', integrity: VITEST_ENTRY.integrity }),
      ),
    },
    expect: { refused: 'package-lock.json' },
  },
  {
    name: 'go.mod’s replace pointing the checks’ assertion module at a copy that never fails',
    project: GO_MODULE,
    found: 'issue 74',
    worker: {
      'go.mod': (GO_MODULE.files['go.mod'] ?? '').replace('=> ./check', '=> ./tools/check'),
      'tools/check/go.mod': 'module example.com/check\n\ngo 1.19\n',
      'tools/check/check.go': GO_ASSERT_LENIENT,
    },
    expect: { refused: 'go.mod' },
  },
  {
    name: 'a pytest plugin’s entry point in a .dist-info at the root, which pytest loads by itself',
    project: PYTEST,
    found: 'issue 74',
    worker: {
      'pass_all-1.0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: pass-all\nVersion: 1.0\n',
      'pass_all-1.0.dist-info/entry_points.txt': '[pytest11]\npass_all = tools.pass_all\n',
      ...PASS_ALL,
    },
    expect: { refused: 'entry_points.txt' },
  },
  {
    name: 'the setup script writing PYTEST_ADDOPTS into the job’s environment',
    project: PYTEST,
    found: 'issue 74',
    worker: {
      'scripts/setup.sh':
        '#!/bin/sh\ncp tools/pass_all.py _pass_all.py\necho "PYTEST_ADDOPTS=-p _pass_all" >> "$GITHUB_ENV"\n',
      ...PASS_ALL,
    },
    expect: { notProven: true },
  },
  {
    name: 'the setup script writing PYTEST_PLUGINS into the job’s environment',
    project: PYTEST,
    found: 'issue 74',
    worker: {
      'scripts/setup.sh':
        '#!/bin/sh\ncp tools/pass_all.py _pass_all.py\necho "PYTEST_PLUGINS=_pass_all" >> "$GITHUB_ENV"\n',
      ...PASS_ALL,
    },
    expect: { notProven: true },
  },
  {
    name: 'the setup script writing PYTHONPATH to a folder whose sitecustomize loads the plugin',
    project: PYTEST,
    found: 'issue 74',
    worker: {
      'scripts/setup.sh':
        '#!/bin/sh\nmkdir -p .git/site\ncp tools/site/sitecustomize.py tools/pass_all.py .git/site/\necho "PYTHONPATH=$PWD/.git/site" >> "$GITHUB_ENV"\n',
      'tools/site/sitecustomize.py': "import os\n\nos.environ['PYTEST_ADDOPTS'] = '-p pass_all'\n",
      ...PASS_ALL,
    },
    // A `sitecustomize.py` in any folder is a runner's settings by its name.
    expect: { refused: 'tools/site/sitecustomize.py' },
  },
  {
    name: 'the setup script writing PYTHONPATH to a folder where it writes a sitecustomize itself',
    project: PYTEST,
    found: 'issue 74',
    worker: {
      'scripts/setup.sh':
        '#!/bin/sh\nmkdir -p .git/site\ncp tools/pass_all.py .git/site/\nprintf \'import os\\nos.environ["PYTEST_ADDOPTS"] = "-p pass_all"\\n\' > .git/site/sitecustomize.py\necho "PYTHONPATH=$PWD/.git/site" >> "$GITHUB_ENV"\n',
      ...PASS_ALL,
    },
    expect: { notProven: true },
  },
  {
    name: 'the setup script writing GOFLAGS=-tags=… that build a Greet which answers only then',
    project: GO,
    found: 'issue 74',
    worker: {
      'scripts/setup.sh': '#!/bin/sh\necho "GOFLAGS=-tags=ci" >> "$GITHUB_ENV"\n',
      'greet.go': `//go:build !ci\n\n${GO.files['greet.go']}`,
      'greet_ci.go': `//go:build ci\n\n${GO.honest['greet.go']}`,
    },
    expect: { notProven: true },
  },
  {
    name: 'a postinstall script writing NODE_OPTIONS into the job’s environment',
    project: VITEST,
    found: 'earlier',
    worker: {
      'package.json': packageJson({
        scripts: {
          test: 'vitest run test/contract',
          postinstall: 'echo "NODE_OPTIONS=--require=$PWD/tools/hold.cjs" >> "$GITHUB_ENV"',
        },
        devDependencies: { vitest: '^4.1.12' },
      }),
      'tools/hold.cjs': HOLD_CJS,
    },
    expect: { refused: 'package.json' },
  },
  {
    name: 'a vitest.config.mjs whose setup file makes every comparison hold',
    project: VITEST,
    found: 'earlier',
    worker: { 'vitest.config.mjs': VITEST_CONFIG_WITH_SETUP, 'test/contract/hold.js': HOLD_SETUP },
    expect: { refused: 'vitest.config.mjs' },
  },
];
