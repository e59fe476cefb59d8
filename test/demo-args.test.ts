import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readDemoArgs, transcriptPath } from '../scripts/demo-args.js';
import { REPO_ROOT, tsxArgs } from '../sim/actions/run-step.js';

const DOCS = fileURLToPath(new URL('../docs/', import.meta.url));

describe('npm run demo: where the transcript goes', () => {
  it.each([
    {
      argv: [],
      kind: 'code',
      write: false,
      path: join(tmpdir(), 'baton-demo', 'demo-transcript.md'),
    },
    {
      argv: ['research'],
      kind: 'research',
      write: false,
      path: join(tmpdir(), 'baton-demo', 'demo-transcript.md'),
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
    expect(args).toEqual({ kind, writeTranscript: write, unknown: [] });
    expect(
      transcriptPath({
        name: 'demo-transcript.md',
        write: args.writeTranscript,
        docs: DOCS,
        temp: tmpdir(),
      }),
    ).toBe(path);
  });

  it('refuses an option it does not know, before it starts anything or writes', async () => {
    const before = readFileSync(join(DOCS, 'demo-transcript.md'), 'utf8');
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>(
      (resolve) => {
        const child = execFile(
          process.execPath,
          [...tsxArgs('scripts/demo.ts'), '--write-transcipt'],
          { cwd: REPO_ROOT },
          (_e, _o, stderr) => resolve({ code: child.exitCode, stderr }),
        );
      },
    );
    expect(code).toBe(2);
    expect(stderr).toContain('Unknown option --write-transcipt');
    expect(readFileSync(join(DOCS, 'demo-transcript.md'), 'utf8')).toBe(before);
  }, 30_000);
});
