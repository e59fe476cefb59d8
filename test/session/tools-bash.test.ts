import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSandbox } from '../../src/session/agent/sandbox/sandbox.js';
import { createBashTool, runBashCommand } from '../../src/session/agent/tools/bash-tool.js';
import { scrubEnv } from '../../src/session/agent/tools/scrub-env.js';
import { makeTempDir, removeTempDirs } from './agent-fixtures.js';

afterEach(removeTempDirs);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function setup(
  overrides: { timeoutMs?: number; maxOutputChars?: number; env?: Record<string, string> } = {},
) {
  const root = await realpath(await makeTempDir('baton-bash-'));
  // The tool's own behaviour, on plain processes (the sandbox's runs: test/security/confine-*).
  const options = {
    sandbox: await openSandbox({ root, user: null }),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    timeoutMs: 5_000,
    maxOutputChars: 1_000,
    ...overrides,
  };
  return { root, options, tool: createBashTool(options) };
}

describe('bash tool', () => {
  it('runs in the workspace and reports a non-zero exit code', async () => {
    const { root, tool } = await setup();
    expect(await tool.run({ command: 'pwd' })).toEqual({ content: `${root}\n`, isError: false });
    expect(await tool.run({ command: 'echo oops >&2; exit 3' })).toEqual({
      content: 'oops\n\n\n[exit code 3]',
      isError: false,
    });
  });

  it('kills a command and everything it started at the timeout', async () => {
    const { root, options } = await setup({ timeoutMs: 300 });
    const started = Date.now();
    const run = await runBashCommand({
      ...options,
      command: 'echo started; sleep 30 & echo $! > bg.pid; sleep 30',
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(run).toMatchObject({ timedOut: true, output: 'started\n' });
    const pid = Number(await readFile(path.join(root, 'bg.pid'), 'utf8'));
    await expect.poll(() => isAlive(pid), { timeout: 60_000 }).toBe(false);
    const tool = createBashTool(options);
    const result = await tool.run({ command: 'sleep 5' });
    expect(result.isError).toBe(true);
    expect(result.content).toContain('[killed after 0 s');
  });

  it('does not wait for background jobs that keep the output open', async () => {
    const { options } = await setup({ timeoutMs: 10_000 });
    const started = Date.now();
    const run = await runBashCommand({ ...options, command: 'sleep 20 & echo done' });
    expect(run).toMatchObject({ timedOut: false, exitCode: 0, output: 'done\n' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('keeps the head and the tail of a long output', async () => {
    const { tool } = await setup({ maxOutputChars: 100 });
    const result = await tool.run({
      command: 'printf "HEAD"; head -c 100000 /dev/zero | tr "\\0" x; printf "TAIL"',
    });
    expect(result.content.startsWith('HEAD')).toBe(true);
    expect(result.content.endsWith('TAIL')).toBe(true);
    expect(result.content).toContain(
      '[... 100008 characters omitted ...]'.replace('100008', String(100_008 - 100)),
    );
    expect(result.content.length).toBeLessThan(200);
  });

  it('runs with a scrubbed environment', async () => {
    const env = scrubEnv(
      {
        PATH: process.env.PATH,
        ANTHROPIC_API_KEY: 'sk-ant-secret-123456',
        GITHUB_TOKEN: 'ghs_123456789',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-123456',
        HARMLESS: 'yes',
      },
      ['sk-ant-secret-123456'],
    );
    const { tool } = await setup({ env });
    const result = await tool.run({ command: 'env' });
    expect(result.content).toContain('HARMLESS=yes');
    expect(result.content).not.toMatch(
      /sk-ant-secret|ghs_123456789|oidc-123456|ANTHROPIC|GITHUB_TOKEN|ACTIONS_ID_TOKEN/,
    );
  });

  it.each([[{}], [{ command: '   ' }], [{ command: 42 }]])(
    'answers a malformed call %j with an error',
    async (input) => {
      const { tool } = await setup();
      expect((await tool.run(input)).isError).toBe(true);
    },
  );
});

describe('bash tool near the deadline', () => {
  it('gives a command no more time than the session has left', async () => {
    const { options } = await setup({ timeoutMs: 60_000 });
    const tool = createBashTool({ ...options, remainingMs: () => 1_000 });
    const started = Date.now();
    const result = await tool.run({ command: 'sleep 30' });
    expect(result.content).toContain('[killed after 1 s');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
