import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureToolUser, SandboxSetupError } from '../../src/session/agent/sandbox/sandbox.js';
import { findProgram, SYSTEM_PATH } from '../../src/session/programs.js';
import { describeAsRoot, removeUser, throwawayUser } from '../security/confine-fixtures.js';

/** The system's program, by the absolute path the session names it by as another user. */
function at(name: string): string {
  return findProgram(name, SYSTEM_PATH) ?? name;
}

/** A runner where only the listed commands succeed (by program and first arguments). */
function runner(succeeds: readonly string[]) {
  const calls: string[] = [];
  const exec = async (file: string, args: readonly string[]) => {
    const line = [file, ...args].join(' ');
    calls.push(line);
    return succeeds.some((prefix) => line.startsWith(prefix));
  };
  return { exec, calls };
}

describe('ensureToolUser', () => {
  it.each([
    {
      name: 'a missing user it cannot create (no root, no passwordless sudo)',
      succeeds: [],
      message:
        /does not exist and could not be created: the agent job needs root or passwordless sudo/,
    },
    {
      name: 'a user it cannot run commands as',
      succeeds: ['id -u'],
      message:
        /cannot run commands as BATON_TOOL_USER baton-tools: it needs passwordless `sudo -n -u baton-tools`/,
    },
    {
      name: 'a user that is root',
      succeeds: [
        'id -u',
        `sudo -n -u baton-tools -- ${at('true')}`,
        `sudo -n -u baton-tools -- ${at('sh')}`,
      ],
      message: /is root/,
    },
    {
      name: 'a user that can become root',
      succeeds: [
        'id -u',
        `sudo -n -u baton-tools -- ${at('true')}`,
        `sudo -n -u baton-tools -- ${at('sudo')}`,
      ],
      message: /can become root through sudo/,
    },
  ])('fails at once, saying what the runner needs, on $name', async ({ succeeds, message }) => {
    const { exec } = runner(succeeds);
    const setup = ensureToolUser('baton-tools', exec);
    await expect(setup).rejects.toThrow(SandboxSetupError);
    await expect(setup).rejects.toThrow(message);
  });

  it('uses a user that is already there, without creating it or changing the machine', async () => {
    const { exec, calls } = runner(['id -u', `sudo -n -u baton-tools -- ${at('true')}`]);
    await ensureToolUser('baton-tools', exec);
    expect(calls.some((call) => /useradd|git config|chmod/.test(call))).toBe(false);
  });
});

const USER = throwawayUser('u');
afterAll(() => removeUser(USER));

describeAsRoot(`ensureToolUser on this machine`, () => {
  it('creates a missing user, and finds it on the next run (a persistent runner)', async () => {
    expect(spawnSync('id', ['-u', USER]).status).not.toBe(0);
    await ensureToolUser(USER);
    expect(spawnSync('id', ['-u', USER]).status).toBe(0);
    await ensureToolUser(USER);
    const uid = Number(spawnSync('id', ['-u', USER], { encoding: 'utf8' }).stdout);
    expect(uid).toBeGreaterThan(0);
  });
});
