/**
 * Baton's setup of the check's process keeps node:assert's sense on every
 * Node a runner may have: the tests' own, and the machine's (`/usr/bin/node`,
 * Node 20 on GitHub's Ubuntu images and on a bare Debian with its package),
 * which a contract's `node --test` runs where the sandbox hides the tests'.
 * Node 20's `assert.match` tells itself from `doesNotMatch` by comparing
 * itself with `assert.match`, so a wrapper put there turned every match into
 * a mismatch: an honest check of a string read "failed".
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { readTapReport } from '../../src/core/reports/tap-report.js';
import { checkPreloadSource } from '../../src/session/agent/roles/proof/check-preload.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'baton-preload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NODES = [
  process.execPath,
  ...(existsSync('/usr/bin/node') && process.execPath !== '/usr/bin/node' ? ['/usr/bin/node'] : []),
];

const CHECKS = `import assert from 'node:assert/strict';
import plain from 'node:assert';
import { test } from 'node:test';

test('match passes on a match', () => assert.match('Hello, Ada!', /Ada/));
test('doesNotMatch passes on no match', () => assert.doesNotMatch('Hello, Ada!', /Bob/));
test('the loose match passes on a match', () => plain.match('Hello, Ada!', /Ada/));
test('match fails on no match', () => assert.match('Hello, Ada!', /Bob/));
test('doesNotMatch fails on a match', () => assert.doesNotMatch('Hello, Ada!', /Ada/));
test('match fails on what is no string', () => assert.match({ toString: () => 'Ada' }, /Ada/));
test('equal and ok pass where they hold', () => { assert.equal(1, 1); assert.ok(true); plain.notEqual(1, 2); });
test('deepStrictEqual fails where it does not hold', () => assert.deepStrictEqual({ a: 1 }, { a: 2 }));
test('notStrictEqual fails on the same value', () => assert.notStrictEqual(1, 1));
`;

describe("the check's process keeps node:assert's sense", () => {
  writeFileSync(join(dir, 'preload.cjs'), checkPreloadSource());
  writeFileSync(join(dir, 'checks.test.mjs'), CHECKS);

  it.each(NODES)('on %s', async (node) => {
    const answered = await run(
      node,
      ['--require', join(dir, 'preload.cjs'), '--test', '--test-reporter=tap', 'checks.test.mjs'],
      { cwd: dir, env: { PATH: process.env.PATH ?? '' } },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const checks = readTapReport(answered.stdout);
    if (typeof checks === 'string') throw new Error(`${checks}:\n${answered.stdout}`);
    expect(Object.fromEntries(checks.map((check) => [check.name, check.outcome]))).toEqual({
      'match passes on a match': 'passed',
      'doesNotMatch passes on no match': 'passed',
      'the loose match passes on a match': 'passed',
      'match fails on no match': 'failed',
      'doesNotMatch fails on a match': 'failed',
      'match fails on what is no string': 'failed',
      'equal and ok pass where they hold': 'passed',
      'deepStrictEqual fails where it does not hold': 'failed',
      'notStrictEqual fails on the same value': 'failed',
    });
  });
});
