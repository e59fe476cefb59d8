// The simulator's `code: 'source'` jobs run their entry bundled from the
// sources (sim/actions/source-bundle.ts): the bundle runs as the entry does
// through tsx, each module keeping its own `import.meta.url`.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tsxArgs } from '../../sim/actions/run-step.js';
import { sourceBundle } from '../../sim/actions/source-bundle.js';

const CLI = 'sim/actions/baton-cli.ts';
const CONDUCTOR_CLI = 'sim/actions/baton-conductor-cli.ts';

/** A node process on `args`, with only PATH and what `env` adds: its exit code and what it printed. */
function runNode(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      args,
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

describe("the simulator's jobs on the sources, bundled", () => {
  it("finds what a module reads beside itself: the CLI's version from package.json", async () => {
    const { version } = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as {
      version: string;
    };
    const bundled = await runNode([await sourceBundle(CLI), '--version']);
    expect({ code: bundled.code, version: bundled.stdout.trim() }).toEqual({ code: 0, version });
  });

  it('answers a session command as the sources through tsx do', async () => {
    const bundled = await runNode([await sourceBundle(CLI), 'session', 'agent']);
    const sources = await runNode([...tsxArgs(CLI), 'session', 'agent']);
    expect(bundled.stderr).toContain("the session's environment is incomplete");
    expect(bundled).toEqual(sources);
  });

  it("runs the conductor's entry, which refuses a command it does not have", async () => {
    const bundled = await runNode([await sourceBundle(CONDUCTOR_CLI)], { INPUT_COMMAND: 'deploy' });
    expect(bundled.code).toBe(2);
  });

  it('bundles the same sources once a process, to one file', async () => {
    expect(await sourceBundle(CLI)).toBe(await sourceBundle(CLI));
    expect(await sourceBundle(CLI)).not.toBe(await sourceBundle(CONDUCTOR_CLI));
  });
});
