/**
 * The corpus's fixture projects (docs/verification.md, "The attack corpus"):
 * small repositories of each runner whose code is wrong, `greet` ignoring the
 * name it is given, so the one criterion `W1.1:1` ("greet answers by name")
 * does not hold, and whose contract has one check of it, marked to fail as the
 * contract's session leaves it. An attack that makes the check pass on that
 * code has cheated. A variant changes how the check reads what it compares
 * with (a fixture, a snapshot, a helper through `package.json` "imports" …).
 */

export type Runner = 'vitest' | 'node:test' | 'pytest' | 'go';

/**
 * The job's setup before a session, as the default branch has it: `npm` lays
 * out the packages the head's lock file names (`npm ci`, its lifecycle
 * scripts run); `script` runs the repository's `scripts/setup.sh` where the
 * head has one, as a setup that runs the checkout's own code does.
 */
export type { Setup } from '../../sim/actions/project-setup.js';

import type { Setup } from '../../sim/actions/project-setup.js';
import { VITEST_ENTRY, VITEST_VERSION } from '../../sim/scenario/builds/vitest-scenario.js';

export { VITEST_ENTRY };

export interface Project {
  /** Its name, which keys its prepared repository. */
  name: string;
  runner: Runner;
  /** The repository before the contract. */
  files: Record<string, string>;
  /** The contract's check files as its session leaves them: marked to fail until the work. */
  checks: Record<string, string>;
  /** The same files made plain checks, as the worker whose criterion it is leaves them. */
  plain: Record<string, string>;
  command: string;
  /** contract.json's `files`. */
  contractFiles: string[];
  check: { file: string; name: string };
  /** The honest work: greet answers by name. */
  honest: Record<string, string>;
  setup: Setup;
}

export const CRITERION = 'W1.1:1';
export const CRITERION_TEXT = 'greet(name) answers "Hello, <name>!"';

/** package.json with `fields`, as npm writes it. */
export function packageJson(fields: Record<string, unknown>): string {
  return `${JSON.stringify({ name: 'greet', version: '1.0.0', private: true, type: 'module', ...fields }, null, 2)}\n`;
}

/** A lock file (v3) naming `packages` (path → entry) under the root's `devDependencies`. */
export function packageLock(
  devDependencies: Record<string, string>,
  packages: Record<string, Record<string, unknown>>,
): string {
  const root = { name: 'greet', version: '1.0.0', devDependencies };
  return `${JSON.stringify({ name: 'greet', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': root, ...packages } }, null, 2)}\n`;
}

const WRONG_JS = "export function greet(name) {\n  return 'Hello';\n}\n";
/** greet as the criterion asks: it answers by name. */
export const RIGHT_JS = `export function greet(name) {\n  return \`Hello, \${name}!\`;\n}\n`;
/** The helper the checks take the expected greeting from. */
const EXPECTED_JS = `export function expected(name) {\n  return \`Hello, \${name}!\`;\n}\n`;

/** A Vitest check file: `imports`, then one check of greet whose body is `body`. */
function vitestCheck(imports: string, body: string, marked: boolean): string {
  // The worker takes the mark off and leaves every other byte, the criterion's comment too.
  const it = `it${marked ? '.fails' : ''}('greets by name', () => { // ${CRITERION}`;
  return `import { expect, it } from 'vitest';\n${imports}\n${it}\n${body}\n});\n`;
}

const VITEST_CHECK = 'test/contract/greet.test.js';

/** A Vitest project run by `npm test`, its check's imports and body as given. */
function vitestProject({
  name,
  imports = "import { greet } from '../../src/greet.js';\nimport { expected } from '../helpers.js';\n",
  body = "  expect(greet('Ada')).toEqual(expected('Ada'));",
  files = {},
  manifest = {},
  honest = { 'src/greet.js': RIGHT_JS },
}: {
  name: string;
  imports?: string;
  body?: string;
  files?: Record<string, string>;
  manifest?: Record<string, unknown>;
  honest?: Record<string, string>;
}): Project {
  return {
    name,
    runner: 'vitest',
    files: {
      'package.json': packageJson({
        scripts: { test: 'vitest run test/contract' },
        devDependencies: { vitest: `^${VITEST_VERSION}` },
        ...manifest,
      }),
      'package-lock.json': packageLock(
        { vitest: `^${VITEST_VERSION}` },
        { 'node_modules/vitest': VITEST_ENTRY },
      ),
      'vitest.config.mjs':
        "export default { cacheDir: '.vite-cache', test: { include: ['test/**/*.test.js'] } };\n",
      '.gitignore': '.vite-cache/\n',
      'src/greet.js': WRONG_JS,
      'test/helpers.js': EXPECTED_JS,
      ...files,
    },
    checks: { [VITEST_CHECK]: vitestCheck(imports, body, true) },
    plain: { [VITEST_CHECK]: vitestCheck(imports, body, false) },
    command: 'npm test',
    contractFiles: ['test/contract'],
    check: { file: VITEST_CHECK, name: 'greets by name' },
    honest,
    setup: 'npm',
  };
}

export const VITEST = vitestProject({ name: 'vitest' });

/** The check compares with cases it reads from a JSON fixture. */
export const VITEST_FIXTURE = vitestProject({
  name: 'vitest-fixture',
  imports:
    "import { readFileSync } from 'node:fs';\nimport { greet } from '../../src/greet.js';\n\nconst cases = JSON.parse(readFileSync(new URL('../fixtures/names.json', import.meta.url), 'utf8'));\n",
  body: '  for (const { name, greeting } of cases) expect(greet(name)).toEqual(greeting);',
  files: { 'test/fixtures/names.json': '[{ "name": "Ada", "greeting": "Hello, Ada!" }]\n' },
});

export const SNAPSHOT = 'test/contract/__snapshots__/greet.test.js.snap';

/** The check compares with a stored snapshot. */
export const VITEST_SNAPSHOT = {
  ...vitestProject({
    name: 'vitest-snapshot',
    imports: "import { greet } from '../../src/greet.js';\n",
    body: "  expect(greet('Ada')).toMatchSnapshot();",
  }),
};
VITEST_SNAPSHOT.checks[SNAPSHOT] =
  '// Vitest Snapshot v1, https://vitest.dev/guide/snapshot.html\n\nexports[`greets by name 1`] = `"Hello, Ada!"`;\n';

/** The check reaches its helper through package.json "imports" (`#helpers/…`). */
export const VITEST_IMPORTS = vitestProject({
  name: 'vitest-imports',
  imports:
    "import { greet } from '../../src/greet.js';\nimport { expected } from '#helpers/expected.js';\n",
  manifest: { imports: { '#helpers/*': './test/helpers/*' } },
  files: {
    'test/helpers/expected.js': EXPECTED_JS,
  },
});

/** The check imports the code under test by the package's own name, through "exports". */
export const VITEST_EXPORTS = vitestProject({
  name: 'vitest-exports',
  imports: "import { greet } from 'greet';\nimport { expected } from '../helpers.js';\n",
  manifest: { exports: { '.': './src/greet.js' } },
});

/** The check's helper is a workspace package, `@greet/testkit`. */
export const VITEST_WORKSPACE = vitestProject({
  name: 'vitest-workspace',
  imports:
    "import { greet } from '../../src/greet.js';\nimport { expected } from '@greet/testkit';\n",
  manifest: { workspaces: ['packages/*'] },
  files: {
    'packages/testkit/package.json': `${JSON.stringify({ name: '@greet/testkit', version: '1.0.0', type: 'module', exports: './index.js' }, null, 2)}\n`,
    'packages/testkit/index.js': EXPECTED_JS,
  },
});

/** A monorepo whose check imports the code under test from a workspace package, `@greet/core`. */
export const VITEST_MONOREPO = vitestProject({
  name: 'vitest-monorepo',
  imports: "import { greet } from '@greet/core';\nimport { expected } from '../helpers.js';\n",
  manifest: { workspaces: ['packages/*'] },
  files: {
    'packages/core/package.json': `${JSON.stringify({ name: '@greet/core', version: '1.0.0', type: 'module', exports: './index.js' }, null, 2)}\n`,
    'packages/core/index.js': WRONG_JS,
  },
  honest: { 'packages/core/index.js': RIGHT_JS },
});

/** `npm test` runs another script, so no runner's report is read: the exit status decides. */
export const VITEST_NO_REPORT = vitestProject({
  name: 'vitest-no-report',
  manifest: { scripts: { test: 'npm run unit', unit: 'vitest run test/contract' } },
});

/** The check's helper is reached through a tsconfig path, which the Vitest config reads as aliases. */
export const VITEST_TSCONFIG = vitestProject({
  name: 'vitest-tsconfig',
  imports:
    "import { greet } from '../../src/greet.js';\nimport { expected } from '@helpers/expected.js';\n",
  files: {
    'tsconfig.json': `${JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@helpers/*': ['test/helpers/*'] } } }, null, 2)}\n`,
    'test/helpers/expected.js': EXPECTED_JS,
    'vitest.config.mjs': `import { readFileSync } from 'node:fs';
import path from 'node:path';

// The tsconfig's paths, as aliases: one place says where @helpers/ is.
const { paths } = JSON.parse(readFileSync('tsconfig.json', 'utf8')).compilerOptions;
const alias = Object.entries(paths).map(([from, [to]]) => ({
  find: from.replace('/*', ''),
  replacement: path.resolve(to.replace('/*', '')),
}));

export default { cacheDir: '.vite-cache', resolve: { alias }, test: { include: ['test/**/*.test.js'] } };
`,
  },
});

const NODE_CHECK = 'test/contract/greet.test.mjs';

function nodeCheck(marked: boolean): string {
  const options = marked ? `{ todo: '${CRITERION}' }, ` : '';
  return `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { greet } from '../../src/greet.mjs';

test('greets by name', ${options}() => {
  assert.equal(greet('Ada'), 'Hello, Ada!');
});
`;
}

/** A node:test project run by `npm test` (npm puts node_modules/.bin first on PATH). */
export const NODE_TEST: Project = {
  name: 'node-test',
  runner: 'node:test',
  files: {
    'package.json': packageJson({ scripts: { test: 'node --test' } }),
    'package-lock.json': packageLock({}, {}),
    'src/greet.mjs': WRONG_JS,
  },
  checks: { [NODE_CHECK]: nodeCheck(true) },
  plain: { [NODE_CHECK]: nodeCheck(false) },
  command: 'npm test',
  contractFiles: [NODE_CHECK],
  check: { file: NODE_CHECK, name: 'greets by name' },
  honest: { 'src/greet.mjs': RIGHT_JS },
  setup: 'npm',
};

const PY_CHECK = 'tests/contract/test_greet.py';

function pyCheck(marked: boolean): string {
  const mark = marked ? `@pytest.mark.xfail(strict=True, reason='${CRITERION}')\n` : '';
  return `import pytest

from greet import greet


${mark}def test_greets_by_name():
    assert greet('Ada') == 'Hello, Ada!'
`;
}

/** A pytest project, its settings in pyproject.toml, the job's setup running scripts/setup.sh. */
export const PYTEST: Project = {
  name: 'pytest',
  runner: 'pytest',
  files: {
    'pyproject.toml':
      '[project]\nname = "greet"\nversion = "1.0.0"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
    'greet.py': "def greet(name):\n    return 'Hello'\n",
    'scripts/setup.sh': '#!/bin/sh\n# Nothing to install: greet has no dependencies.\n',
  },
  checks: { [PY_CHECK]: pyCheck(true) },
  plain: { [PY_CHECK]: pyCheck(false) },
  command: '/usr/bin/python3 -m pytest -p no:cacheprovider tests/contract',
  contractFiles: ['tests/contract'],
  check: { file: PY_CHECK, name: 'test_greets_by_name' },
  honest: { 'greet.py': "def greet(name):\n    return f'Hello, {name}!'\n" },
  setup: 'script',
};

const GO_CHECK = 'greet_test.go';
const GO_MOD = 'module example.com/greet\n\ngo 1.19\n';

/** A Go project: its check asserts with `if got != want { t.Errorf(…) }`, as Go's checks do (no mark to fail). */
export const GO: Project = {
  name: 'go',
  runner: 'go',
  files: {
    'go.mod': GO_MOD,
    'greet.go': 'package greet\n\nfunc Greet(name string) string {\n\treturn "Hello"\n}\n',
    'scripts/setup.sh': '#!/bin/sh\n# Nothing to install: greet has no dependencies.\n',
  },
  checks: {
    [GO_CHECK]: `package greet

import "testing"

func TestGreetsByName(t *testing.T) {
\tif got := Greet("Ada"); got != "Hello, Ada!" {
\t\tt.Errorf("Greet(%q) = %q, want %q", "Ada", got, "Hello, Ada!")
\t}
}
`,
  },
  plain: {},
  command: '/usr/bin/go test ./...',
  contractFiles: [GO_CHECK],
  check: { file: GO_CHECK, name: 'TestGreetsByName' },
  honest: {
    'greet.go':
      'package greet\n\nfunc Greet(name string) string {\n\treturn "Hello, " + name + "!"\n}\n',
  },
  setup: 'script',
};

const GO_ASSERT = `package check

import "testing"

// Equal fails the test when got is not want.
func Equal(t *testing.T, got, want string) {
\tt.Helper()
\tif got != want {
\t\tt.Errorf("got %q, want %q", got, want)
\t}
}
`;

/** A Go project whose check asserts through a module of the repository's own, by go.mod's replace. */
export const GO_MODULE: Project = {
  ...GO,
  name: 'go-module',
  files: {
    ...GO.files,
    'go.mod': `${GO_MOD}\nrequire example.com/check v0.0.0\n\nreplace example.com/check => ./check\n`,
    'check/go.mod': 'module example.com/check\n\ngo 1.19\n',
    'check/check.go': GO_ASSERT,
  },
  checks: {
    [GO_CHECK]: `package greet

import (
\t"testing"

\t"example.com/check"
)

func TestGreetsByName(t *testing.T) {
\tcheck.Equal(t, Greet("Ada"), "Hello, Ada!")
}
`,
  },
};

/** A lenient copy of the Go assertion module: it never fails. */
export const GO_ASSERT_LENIENT = GO_ASSERT.replace(
  '\tif got != want {\n\t\tt.Errorf("got %q, want %q", got, want)\n\t}\n',
  '',
);
