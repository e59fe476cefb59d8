/**
 * The runners' own reports, written by really running tiny projects (Vitest
 * through Baton's reporter, node:test's TAP) with the command
 * `reportingCommand` makes of a contract's command, then read per check
 * (src/core/reports/).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { outcomeOf, type ReportFormat } from '../../../src/core/reports/check-outcome.js';
import { readReport } from '../../../src/core/reports/read-report.js';
import { reportingCommand } from '../../../src/core/reports/reporting-command.js';
import { vitestReporterSource } from '../../../src/session/agent/roles/proof/vitest-reporter.js';

const run = promisify(execFile);
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A project in a temporary folder holding `files`, with this repository's node_modules. */
async function project(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'baton-reports-'));
  dirs.push(root);
  await symlink(path.resolve('node_modules'), path.join(root, 'node_modules'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), text);
  }
  return root;
}

/** Runs `command` in `root` as the validation does (`sh -c`), outside this run's Vitest. */
async function runIn(root: string, command: string): Promise<number> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(VITEST|NODE_TEST|TEST$)/.test(key)),
  );
  try {
    await run('sh', ['-c', command], { cwd: root, env: { ...env, CI: 'true' } });
    return 0;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
}

/**
 * Runs a contract's command in `root` as `reportingCommand` makes it write
 * the runner's report (planned as `expected`; one check fails, so it exits 1),
 * and reads the report: its checks, and `of(name)`, the outcome of `file`'s.
 */
async function reportedChecks(
  root: string,
  asked: Parameters<typeof reportingCommand>[0],
  expected: { format: ReportFormat; runner: string },
  file: string,
) {
  const planned = reportingCommand(asked);
  expect(planned).toMatchObject({ kind: 'report', ...expected });
  expect(await runIn(root, planned.command)).toBe(1);
  const report = readReport(expected.format, await readFile(asked.reportFile, 'utf8'));
  if (!report.ok) throw new Error(report.reason);
  const { checks } = report;
  return { checks, of: (name: string) => outcomeOf(checks, { file, name }) };
}

/** One file's checks, every outcome a runner gives. */
const VITEST_CHECKS = `import { describe, expect, it } from 'vitest';
describe('login', () => {
  it('passes', () => { expect(1).toBe(1); });
  it('fails plainly', () => { expect(1).toBe(2); });
  it.fails('is marked to fail and throws', () => { throw new Error('not implemented'); });
  it.fails('is marked to fail and passes', () => { expect(1).toBe(1); });
  it.skip('is skipped', () => {});
  it.todo('is left to do');
});
`;

const NODE_CHECKS = `import { describe, it } from 'node:test';
import assert from 'node:assert';
describe('login', () => {
  it('passes', () => { assert.equal(1, 1); });
  it('fails \\u0023 plainly', () => { assert.equal(1, 2); });
  it('is left to do and throws', { todo: true }, () => { throw new Error('not implemented'); });
  it('is left to do and passes', { todo: 'later' }, () => {});
  it('is skipped', { skip: true }, () => {});
});
`;

describe('a runner report written by the runner', () => {
  it('Vitest through Baton reporter: an it.fails check that throws is an expected failure, never a pass', async () => {
    const root = await project({
      'package.json': JSON.stringify({ type: 'module', scripts: { test: 'vitest run' } }),
      'vitest.config.mjs': 'export default {};\n',
      'test/contract/login.test.ts': VITEST_CHECKS,
    });
    const reportFile = path.join(root, '.git-report.json');
    const vitestReporter = path.join(root, '.baton-reporter.mjs');
    await writeFile(vitestReporter, vitestReporterSource(reportFile));
    const { of } = await reportedChecks(
      root,
      {
        command: 'npm test -- test/contract',
        reportFile,
        vitestReporter,
        scripts: { test: 'vitest run' },
      },
      { format: 'json', runner: 'vitest' },
      'test/contract/login.test.ts',
    );
    expect({
      passes: of('login › passes'),
      fails: of('login > fails plainly'),
      marked: of('is marked to fail and throws'),
      markedPasses: of('login is marked to fail and passes'),
      skipped: of('login › is skipped'),
      todo: of('login › is left to do'),
      missing: of('login › is not there'),
    }).toEqual({
      passes: 'passed',
      fails: 'failed',
      marked: 'expected-failure',
      markedPasses: 'failed',
      skipped: 'skipped',
      todo: 'todo',
      missing: null,
    });
  });

  it("node:test's TAP: a `todo` check that throws is an expected failure, one that passes todo, `skip` skipped, a `#` in a name read back", async () => {
    const root = await project({ 'test/contract/login.test.mjs': NODE_CHECKS });
    const reportFile = path.join(root, 'report.tap');
    const { checks, of } = await reportedChecks(
      root,
      {
        command: 'node --test test/contract/login.test.mjs',
        reportFile,
        vitestReporter: '/nowhere.mjs',
        scripts: {},
      },
      { format: 'tap', runner: 'node --test' },
      'test/contract/login.test.mjs',
    );
    expect({
      passes: of('login > passes'),
      fails: of('login > fails # plainly'),
      todoThrows: of('login > is left to do and throws'),
      todoPasses: of('login > is left to do and passes'),
      skipped: of('login > is skipped'),
      suite: checks.some((check) => check.name === 'login'),
    }).toEqual({
      passes: 'passed',
      fails: 'failed',
      todoThrows: 'expected-failure',
      todoPasses: 'todo',
      skipped: 'skipped',
      suite: false,
    });
  });
});
