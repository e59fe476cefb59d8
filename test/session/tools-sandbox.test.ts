import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { Ran } from '../../src/session/agent/sandbox/privileged.js';
import {
  ensureToolUser,
  SandboxSetupError,
} from '../../src/session/agent/sandbox/sandbox-setup.js';
import type { Program } from '../../src/session/programs.js';
import { describeAsRoot, removeUser, throwawayUser } from '../security/confine-fixtures.js';

const ok = (stdout = ''): Ran => ({ ok: true, stdout, stderr: '' });
const no = (stderr = ''): Ran => ({ ok: false, stdout: '', stderr });

/** A runner with the listed programs installed, a tools user of `uid` (or none), and root as `root` answers. */
function runner({
  missing = [],
  uid,
  root = () => ok(),
}: {
  missing?: Program[];
  uid?: number;
  root?: (program: Program, args: readonly string[]) => Ran;
}) {
  const calls: string[] = [];
  return {
    calls,
    options: {
      installed: (program: Program) => !missing.includes(program),
      run: async (program: Program) =>
        program === 'id' && uid !== undefined ? ok(`${uid}\n`) : no('no such user'),
      root: async (program: Program, args: readonly string[]) => {
        calls.push([program, ...args].join(' '));
        return root(program, args);
      },
    },
  };
}

describe('ensureToolUser', () => {
  it.each([
    {
      name: 'no bubblewrap',
      spec: { missing: ['bwrap'] as Program[], uid: 1001 },
      message:
        /needs bwrap in \/usr\/bin or \/usr\/sbin \(Debian\/Ubuntu packages: bubblewrap\): sudo apt-get update && sudo apt-get install -y bubblewrap/,
    },
    {
      name: 'no setpriv, nsenter or ip',
      spec: { missing: ['setpriv', 'nsenter', 'ip'] as Program[], uid: 1001 },
      message: /needs setpriv, nsenter, ip .*packages: util-linux, iproute2/,
    },
    {
      name: 'a missing user it cannot create',
      spec: {
        root: (program: Program) =>
          program === 'useradd' ? no('useradd: Permission denied.') : ok(),
      },
      message: /does not exist and could not be created: useradd: Permission denied/,
    },
    {
      name: 'a user that is root',
      spec: { uid: 0 },
      message: /is root; name an unprivileged user/,
    },
  ])('fails at once, saying what the runner needs, on $name', async ({ spec, message }) => {
    const { options } = runner(spec);
    const setup = ensureToolUser('baton-tools', options);
    await expect(setup).rejects.toThrow(SandboxSetupError);
    await expect(setup).rejects.toThrow(message);
  });

  it.skipIf(process.getuid?.() === 0)(
    'fails without root or passwordless sudo (skipped as root)',
    async () => {
      const { options } = runner({ uid: 1001, root: () => no('a password is required') });
      await expect(ensureToolUser('baton-tools', options)).rejects.toThrow(
        /needs root or passwordless sudo/,
      );
    },
  );

  it('uses a user that is already there, without creating it', async () => {
    const { options, calls } = runner({ uid: 1001 });
    expect(await ensureToolUser('baton-tools', options)).toEqual({
      name: 'baton-tools',
      uid: 1001,
      gid: 1001,
    });
    expect(calls.some((call) => call.startsWith('useradd'))).toBe(false);
  });

  it('needs no network namespace (nsenter, ip) when the network is open', async () => {
    const { options } = runner({ missing: ['nsenter', 'ip'], uid: 1001 });
    await expect(
      ensureToolUser('baton-tools', { ...options, network: 'host' }),
    ).resolves.toMatchObject({
      uid: 1001,
    });
  });
});

const USER = throwawayUser('u');
afterAll(() => removeUser(USER));

describeAsRoot(`ensureToolUser on this machine`, () => {
  it('creates a missing user, and finds it on the next run (a persistent runner)', async () => {
    expect(spawnSync('id', ['-u', USER]).status).not.toBe(0);
    const made = await ensureToolUser(USER);
    expect(spawnSync('id', ['-u', USER]).status).toBe(0);
    expect(await ensureToolUser(USER)).toEqual(made);
    expect(made.uid).toBeGreaterThan(0);
  });
});
