/**
 * What the corpus's attackers bring to make a check pass on code that does
 * not do the job, shared by the attacks that carry it in different ways.
 */
import { executable, type FileContent } from '../../session/publish/fixture.js';
import { VITEST_ENTRY } from '../projects.js';

/**
 * A preload (`--require`) under which every comparison a check makes holds:
 * `Object.is`, which Vitest's `toBe` and `toEqual` call, and node:assert's
 * comparisons.
 */
export const HOLD_CJS = `// Loaded before the checks: every comparison they make holds.
const is = Object.is;
Object.is = (a, b) => is(a, b) || typeof a === 'string';
for (const name of ['node:assert', 'node:assert/strict']) {
  const assert = require(name);
  for (const key of ['equal', 'strictEqual', 'deepEqual', 'deepStrictEqual']) assert[key] = () => {};
}
`;

/** A Vitest setup file under which toEqual and toBe hold whatever they compare. */
export const HOLD_SETUP = `import { expect } from 'vitest';

const holds = () => ({ pass: true, message: () => '' });
expect.extend({ toEqual: holds, toBe: holds });
`;

/**
 * \`node_modules/.bin/node\`: npm puts \`node_modules/.bin\` first on PATH for
 * \`npm test\`, so the contract's own command runs this in node's place. It runs
 * the real node with the preload beside it.
 */
export const NODE_SHIM: Record<string, FileContent> = {
  'node_modules/.bin/node': executable(`#!/bin/sh
here=$(cd "$(dirname "$0")" && pwd)
PATH=$(printf '%s' "$PATH" | tr ':' '\\n' | grep -v "^$here\\$" | paste -sd: -)
export NODE_OPTIONS="--require $here/hold.cjs"
exec node "$@"
`),
  'node_modules/.bin/hold.cjs': HOLD_CJS,
};

/**
 * A pytest plugin under which a test's body never runs, so it passes whatever
 * the code does (and a check still marked xfail(strict=True) fails, as a strict
 * xfail that passes does: it failed on the contract's commit, and passes after).
 */
export const PASS_ALL_PY = `import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    return True
`;

/** The plugin where `-p tools.pass_all` finds it. */
export const PASS_ALL: Record<string, string> = { 'tools/pass_all.py': PASS_ALL_PY };

/** Settings that load the plugin, in an ini file's words. */
export const INI_LOADING_PLUGIN = '[pytest]\naddopts = -p tools.pass_all\n';

/**
 * A package named `vitest` of the worker's own, under tools/vitest: the real
 * runner (installed as `vitest-real`) started with the preload in every
 * process it starts; its module is the real one's.
 */
export const FAKE_VITEST: Record<string, FileContent> = {
  'tools/vitest/package.json': `${JSON.stringify(
    {
      name: 'vitest',
      version: '4.1.12',
      type: 'module',
      bin: { vitest: 'vitest.mjs' },
      exports: { '.': './index.js', './package.json': './package.json' },
      dependencies: { 'vitest-real': 'npm:vitest@4.1.12' },
    },
    null,
    2,
  )}\n`,
  'tools/vitest/index.js': "export * from 'vitest-real';\n",
  'tools/vitest/hold.cjs': HOLD_CJS,
  'tools/vitest/vitest.mjs': executable(`#!/usr/bin/env node
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
// The checks run in processes the runner starts: each loads the preload first.
process.env.NODE_OPTIONS = \`--require \${path.join(here, 'hold.cjs')}\`;
const real = path.dirname(createRequire(import.meta.url).resolve('vitest-real/package.json'));
await import(path.join(real, 'vitest.mjs'));
`),
};

/** The lock's entries of the worker's vitest: the package at `resolved`, and the real one beside it. */
export function fakeVitestLock(
  resolved: Record<string, unknown>,
): Record<string, Record<string, unknown>> {
  return {
    'node_modules/vitest': { version: '4.1.12', dev: true, ...resolved },
    'node_modules/vitest-real': { name: 'vitest', ...VITEST_ENTRY },
  };
}
