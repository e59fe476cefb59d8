import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { findProgram, SYSTEM_PATH } from '../../src/session/programs.js';
import { describeAsRoot, rootOnlyDir, useThrowawayUser } from './confine-fixtures.js';

/**
 * What the session's process holds that no one else should: the proxy token
 * it gives each run (a host's `ps` shows every process's command line to every
 * user of a shared self-hosted runner), and descriptors it inherited without
 * close-on-exec (as root, with no sudo between, they would pass into the run).
 * inherited-harness.ts plays the session in a process of its own that holds
 * a root-only file open at descriptors 40 and 200.
 */
const USER = useThrowawayUser('i');

interface Report {
  output: string;
  processes: number;
  withToken: string[];
}

async function harness(): Promise<{ report: Report; token: string; secret: string }> {
  const dir = await rootOnlyDir();
  const secretFile = path.join(dir, 'secret');
  const secret = `secret-${randomBytes(8).toString('hex')}`;
  writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });
  const token = `baton-session-${randomBytes(24).toString('hex')}`;
  const out = execFileSync(
    findProgram('bash', SYSTEM_PATH) ?? 'bash',
    [
      '-c',
      'exec 40<"$1" 200<"$1"; shift; exec "$@"',
      'bash',
      secretFile,
      process.execPath,
      '--import',
      'tsx',
      'test/security/inherited-harness.ts',
      USER,
    ],
    { encoding: 'utf8', timeout: 120_000, env: { ...process.env, HARNESS_TOKEN: token } },
  );
  const last = out.trim().split('\n').at(-1) ?? '';
  return { report: JSON.parse(last) as Report, token, secret };
}

describeAsRoot('what the session’s process holds, and a run of the sandbox', () => {
  it('gives a run no descriptor the session inherited, and shows the proxy token on no command line', async () => {
    const { report, token, secret } = await harness();
    // The run started, and the harness read the machine's command lines while it waited.
    expect(report.output).toContain('ready');
    expect(report.processes).toBeGreaterThan(3);
    expect(report.output).not.toContain(secret);
    // Only the standard three, and ls's own listing.
    expect(
      report.output
        .split('\n')
        .find((line) => /^\d/.test(line))
        ?.trim(),
    ).toBe('0 1 2 3');
    expect(report.withToken).toEqual([]);
    expect(token).toMatch(/^baton-session-/);
  });
});
