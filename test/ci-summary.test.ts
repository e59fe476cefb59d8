// .ci/run's summary, the lines CI's log ends with, run as .ci/run runs it (`node -e` on the
// script between its quotes) on reports of two passes: the steps with their CPU, the slowest
// files, those of most CPU, every failure named with why, and "N passed, N failed".
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cpuTicksOf } from './support/proc-stat.js';

const script = readFileSync(new URL('../.ci/run', import.meta.url), 'utf8');
const folder = mkdtempSync(join(tmpdir(), 'baton-ci-summary-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The summary's script, as bash hands it to node. */
function summaryScript(): string {
  const start = script.indexOf("node -e '") + "node -e '".length;
  return script.slice(start, script.indexOf(`' "$tmp/node-24.json"`));
}

function report(name: string, results: object[]): string {
  const path = join(folder, name);
  const count = (status: string) =>
    results
      .flatMap((r) => (r as { assertionResults: { status: string }[] }).assertionResults)
      .filter((t) => t.status === status).length;
  writeFileSync(
    path,
    JSON.stringify({
      numPassedTests: count('passed'),
      numFailedTests: count('failed'),
      testResults: results,
    }),
  );
  return path;
}

function summary(files: string[], status: string, cpuLog: string): string[] {
  const log = join(folder, 'node-24.log');
  writeFileSync(
    log,
    ' ✓ builds test/e2e/a.test.ts (2 tests) 95000ms\n ❯ fast test/core/b.test.ts (1 test | 1 failed) 1200ms\n',
  );
  const cpu = join(folder, 'cpu.tsv');
  writeFileSync(cpu, cpuLog);
  return execFileSync(process.execPath, ['-e', summaryScript(), ...files, status], {
    cwd: folder,
    env: {
      PATH: process.env.PATH,
      CI_TIMINGS: ' setup 8s, node 24 tests 95s (180 CPU-s),',
      CI_LOG: log,
      CI_CPU_LOG: cpu,
    },
    encoding: 'utf8',
  })
    .trimEnd()
    .split('\n');
}

describe(".ci/run's summary", () => {
  const first = report('node-24.json', [
    {
      name: join(folder, 'test/e2e/a.test.ts'),
      status: 'passed',
      assertionResults: [
        { status: 'passed', title: 'builds', failureMessages: [] },
        { status: 'passed', title: 'merges', failureMessages: [] },
      ],
    },
    {
      name: join(folder, 'test/core/b.test.ts'),
      status: 'failed',
      assertionResults: [
        {
          status: 'failed',
          title: 'decides',
          failureMessages: ['AssertionError: expected 2 to be 3\n    at b.test.ts:4:5'],
        },
      ],
    },
  ]);
  const second = report('node-22.json', [
    {
      name: join(folder, 'test/e2e/app-start.test.ts'),
      status: 'failed',
      message: 'Hook timed out in 180000ms',
      assertionResults: [],
    },
  ]);

  it('names the steps with their CPU, the slowest files and those of most CPU, each failure and why, then the counts', () => {
    const lines = summary(
      [first, second],
      '1',
      `${join(folder, 'test/e2e/a.test.ts')}\t4.50\t150.25\n${join(folder, 'test/core/b.test.ts')}\t1.20\t0.00\n`,
    );
    expect(lines).toEqual([
      'steps: setup 8s, node 24 tests 95s (180 CPU-s)',
      'slowest files (node 24): test/e2e/a.test.ts 95s, test/core/b.test.ts 1s',
      'most CPU-s (node 24, 156 in 2 files): test/e2e/a.test.ts 155, test/core/b.test.ts 1',
      'FAILED node-24.json: test/core/b.test.ts > decides',
      '    AssertionError: expected 2 to be 3',
      '        at b.test.ts:4:5',
      'FAILED node-22.json: test/e2e/app-start.test.ts: Hook timed out in 180000ms',
      '2 passed, 2 failed',
    ]);
  });

  it('prints no line of CPU where no file wrote one', () => {
    const lines = summary([first], '0', '');
    expect(lines.some((line) => line.startsWith('most CPU-s'))).toBe(false);
    expect(lines.at(-1)).toBe('2 passed, 1 failed');
  });
});

describe('each step of .ci/run with its CPU', () => {
  it("counts the machine's CPU-seconds a step took beside its wall time", () => {
    // The two functions as .ci/run defines them, and a step that keeps a core busy a second and a half.
    const from = script.indexOf('busy_cpu() {');
    const definitions = script.slice(from, script.indexOf('\n}\n', from) + 3);
    const printed = execFileSync(
      'bash',
      [
        '-c',
        `${definitions}\ntimed spin node -e 'const end = Date.now() + 1500; while (Date.now() < end);'\necho "$timings"`,
      ],
      { encoding: 'utf8', env: { PATH: process.env.PATH } },
    );
    const match = / spin (\d+)s \((\d+) CPU-s\),$/.exec(printed.trim());
    expect(match, printed).not.toBeNull();
    expect(Number(match?.[2])).toBeGreaterThanOrEqual(1);
  });
});

describe('a process’s CPU from its stat line', () => {
  it('reads the times after the command’s name, whatever the name holds', () => {
    const fields = [
      'S',
      ...Array.from({ length: 10 }, () => '0'),
      '250',
      '40',
      '1200',
      '300',
      '20',
    ];
    expect(cpuTicksOf(`4242 (node) x) ${fields.join(' ')}`)).toEqual({ own: 290, waited: 1500 });
    expect(cpuTicksOf(`4242 (node) ${fields.join(' ')}`)).toEqual({ own: 290, waited: 1500 });
  });

  it('answers nothing for what is not a stat line', () => {
    expect(cpuTicksOf('')).toBeNull();
    expect(cpuTicksOf('4242 (node) S 1 2')).toBeNull();
  });

  it("reads this process's own", () => {
    expect(cpuTicksOf(readFileSync('/proc/self/stat', 'utf8'))).toEqual({
      own: expect.any(Number),
      waited: expect.any(Number),
    });
  });
});
