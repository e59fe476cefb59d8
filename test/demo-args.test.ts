import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  DEMO_USAGE,
  dotEnvNotice,
  failureLines,
  makeRunFolder,
  readDemoArgs,
  transcriptPath,
} from '../scripts/demo-args.js';
import { REPO_ROOT, tsxArgs } from '../sim/actions/run-step.js';

const DOCS = fileURLToPath(new URL('../docs/', import.meta.url));
const RUN = join(tmpdir(), 'baton-demo', 'code-abc123');

function withoutVitest(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('VITEST')));
}

/** `npm run demo -- <args>`, to its end: its exit code and what it printed. */
function runDemo(...args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      [...tsxArgs('scripts/demo.ts'), ...args],
      // As a person runs it: not inside this test runner (the page demo's shared fixtures ask).
      { cwd: REPO_ROOT, env: withoutVitest(process.env) },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

describe('npm run demo: where the transcript goes', () => {
  it.each([
    {
      argv: [],
      kind: 'code',
      write: false,
      path: join(RUN, 'demo-transcript.md'),
    },
    {
      argv: ['research'],
      kind: 'research',
      write: false,
      path: join(RUN, 'demo-transcript.md'),
    },
    {
      argv: ['--write-transcript'],
      kind: 'code',
      write: true,
      path: join(DOCS, 'demo-transcript.md'),
    },
    {
      argv: ['improve', '--write-transcript'],
      kind: 'improve',
      write: true,
      path: join(DOCS, 'demo-transcript.md'),
    },
  ])('$argv', ({ argv, kind, write, path }) => {
    const args = readDemoArgs(argv);
    expect(args).toEqual({ kind, writeTranscript: write, help: false, unknown: [] });
    expect(
      transcriptPath({
        name: 'demo-transcript.md',
        write: args.writeTranscript,
        docs: DOCS,
        runFolder: RUN,
      }),
    ).toBe(path);
  });

  it('gives each run a folder of its own, so two demos never write over each other', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'baton-demo-test-'));
    try {
      const [first, second] = await Promise.all([
        makeRunFolder({ temp, kind: 'code' }),
        makeRunFolder({ temp, kind: 'code' }),
      ]);
      expect(first).not.toBe(second);
      for (const folder of [first, second]) {
        expect(folder.startsWith(join(temp, 'baton-demo', 'code-'))).toBe(true);
        expect(existsSync(folder)).toBe(true);
      }
      const name = 'demo-transcript.md';
      expect(transcriptPath({ name, write: false, docs: DOCS, runFolder: first })).not.toBe(
        transcriptPath({ name, write: false, docs: DOCS, runFolder: second }),
      );
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  });

  it('refuses an option it does not know, before it starts anything or writes', async () => {
    const before = readFileSync(join(DOCS, 'demo-transcript.md'), 'utf8');
    const { code, stderr } = await runDemo('--write-transcipt');
    expect(code).toBe(2);
    expect(stderr).toContain('Unknown option --write-transcipt');
    expect(readFileSync(join(DOCS, 'demo-transcript.md'), 'utf8')).toBe(before);
  });

  it('prints its usage for --help, every kind of demo named, doctor among them', async () => {
    const { code, stdout } = await runDemo('--help');
    expect(code).toBe(0);
    expect(stdout).toBe(`${DEMO_USAGE}\n`);
    for (const kind of [
      'code',
      'research',
      'improve',
      'change-set',
      'linear',
      'steer',
      'doctor',
      'page',
    ])
      expect(DEMO_USAGE).toMatch(new RegExp(`^  ${kind} `, 'm'));
  });

  it('serves the page with its builds and people, says where and as whom, and stops when not in a terminal, the checkout as it was', async () => {
    const tree = () =>
      execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      });
    const before = tree();
    const { code, stdout, stderr } = await runDemo('page');
    expect(stderr).not.toContain('The demo failed');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^The page: http:\/\/127\.0\.0\.1:\d+$/m);
    for (const login of ['alice', 'bob', 'eve'])
      expect(stdout).toMatch(new RegExp(`^  ${login} `, 'm'));
    expect(stdout).toContain("only acme/lib's final pull request of the set is offered to merge");
    expect(stdout).toContain('As eve: 3 builds; the change set is "acme/client (a change set)".');
    expect(stdout).toContain('Not run in a terminal: every view checked, stopping.');
    expect(tree()).toBe(before);
  }, 300_000);
});

describe('npm run demo: what it says of the checkout and of a failure', () => {
  it('says it ignores a .env in the checkout, and nothing without one', () => {
    const checkout = mkdtempSync(join(tmpdir(), 'baton-checkout-'));
    try {
      expect(dotEnvNotice(checkout)).toBeNull();
      writeFileSync(join(checkout, '.env'), 'APP_ID=424242\n');
      expect(dotEnvNotice(checkout)).toMatch(
        /^Found \.env in the checkout .*: the demo ignores it/,
      );
    } finally {
      rmSync(checkout, { recursive: true, force: true });
    }
  });

  it('says a failure in one plain line and where the rest is, with no app output or stack', () => {
    const error = new Error(
      'the app was not ready within 180 s (/readyz answered {"status":"not ready"})\n--- app output ---\n{"level":50}',
    );
    expect(failureLines({ error, diagnostics: '/tmp/d.txt' })).toBe(
      '\nThe demo failed: the app was not ready within 180 s (/readyz answered {"status":"not ready"})\nWhat the app, the jobs and the model saw: /tmp/d.txt',
    );
  });
});
