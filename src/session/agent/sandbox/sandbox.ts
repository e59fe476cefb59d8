import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BlockedConnections } from '../../../core/sessions/egress.js';
import { type Program, programPath } from '../../programs.js';
import { type Egress, openEgress } from './open-egress.js';

const run = promisify(execFile);

/**
 * Where the model's commands run. With a tools user: a copy of the checkout
 * that the user may write, apart from the repository (whose `.git` only the
 * job's user can write), and a fresh home; Baton commits from the copy without
 * running anything in it. Without one (local runs, simulations): the checkout.
 */
export interface Sandbox {
  /** The user the model's commands run as, or null: the job's own. */
  user: string | null;
  /** The tree the model reads and writes. */
  workDir: string;
  /** The HOME of the model's commands. */
  home: string | null;
  /** Variables the model's commands get on top of the scrubbed environment (the egress proxy). */
  env: Record<string, string>;
  /** Connections the egress proxy refused so far. */
  blocked: () => BlockedConnections[];
  /** Ends every process of the tools user and waits until none is left. */
  stopAll: () => Promise<void>;
  /** Removes the copy and the home, and the egress rules. */
  close: () => Promise<void>;
}

/** How the tools user's network is limited; null: it is not (`session.network: open`). */
export interface EgressOptions {
  allow: readonly string[];
  log: (line: string) => void;
  /** Fixed addresses for names (tests, simulations). */
  hosts?: Readonly<Record<string, string>>;
}

/** A runner that cannot confine the model's commands: what it needs. */
export class SandboxSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxSetupError';
  }
}

/** Runs one of the session's programs (by its absolute path, see programs.ts); true when it exited 0. */
type Exec = (file: Program, args: readonly string[]) => Promise<boolean>;

const exec: Exec = (file, args) =>
  run(programPath(file), [...args]).then(
    () => true,
    () => false,
  );

/**
 * Opens the sandbox for `root`. With `user`, makes sure the user exists
 * (creating it with `useradd` as root or through passwordless sudo, only when
 * missing), that this process can run commands as it (`sudo -n -u`), that it
 * is not root and cannot become root, and that none of its processes is left
 * from an earlier session; then copies the checkout for it. Changes nothing
 * else on the machine: no global git config, no permission of the checkout.
 */
export async function openSandbox({
  root,
  user,
  egress = null,
  exec: run = exec,
}: {
  root: string;
  user: string | null;
  egress?: EgressOptions | null;
  exec?: Exec;
}): Promise<Sandbox> {
  if (!user) {
    return {
      user: null,
      workDir: root,
      home: null,
      env: {},
      blocked: () => [],
      stopAll: async () => {},
      close: async () => {},
    };
  }
  await ensureToolUser(user, run);
  const stopAll = () => stopUserProcesses(user, run);
  await stopAll();
  const base = await mkdtemp(path.join(tmpdir(), 'baton-session-'));
  // Others may pass through (to reach the copy and the home), not list it.
  await chmod(base, 0o711);
  const workDir = path.join(base, 'work');
  const home = path.join(base, 'home');
  await mkdir(home, { mode: 0o777 });
  await chmod(home, 0o777);
  await cp(root, workDir, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  // The copy is the model's to change, and Baton's to read; nothing in it is trusted.
  if (!(await run('chmod', ['-R', 'a+rwX', '--', workDir]))) {
    throw new SandboxSetupError(`could not make the session's copy ${workDir} writable`);
  }
  // The rules are in place before any command of the user's runs.
  const limits: Egress | null = egress
    ? await openEgress({
        user,
        allow: egress.allow,
        log: egress.log,
        ...(egress.hosts ? { hosts: egress.hosts } : {}),
      })
    : null;
  return {
    user,
    workDir,
    home,
    env: limits?.env ?? {},
    blocked: () => limits?.blocked() ?? [],
    stopAll,
    close: async () => {
      await stopAll();
      // Files the user made unwritable are removed as that user first.
      await run('sudo', ['-n', '-u', user, '--', programPath('rm'), '-rf', '--', workDir, home]);
      await rm(base, { recursive: true, force: true }).catch(() => {});
      await limits?.close();
    },
  };
}

/**
 * Makes sure the session can confine the model's commands to `user`, before
 * anything else happens; throws what the runner needs when it cannot.
 */
export async function ensureToolUser(user: string, run: Exec = exec): Promise<void> {
  if (!(await run('id', ['-u', '--', user]))) {
    const created = await privileged(run, [
      'useradd',
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      user,
    ]);
    // Another job on the same machine may have made it meanwhile.
    if (!created && !(await run('id', ['-u', '--', user]))) {
      throw new SandboxSetupError(
        `BATON_TOOL_USER ${user} does not exist and could not be created: the agent job needs root or passwordless sudo to run \`useradd\` (GitHub-hosted runners have it); on a self-hosted runner create the user once (\`useradd --system --user-group ${user}\`) and let the runner's user run commands as it (\`sudo -n -u ${user}\`)`,
      );
    }
  }
  if (!(await run('sudo', ['-n', '-u', user, '--', programPath('true')]))) {
    throw new SandboxSetupError(
      `the agent job cannot run commands as BATON_TOOL_USER ${user}: it needs passwordless \`sudo -n -u ${user}\` (a sudoers rule for the runner's user), or root with sudo installed`,
    );
  }
  const rootCheck = `test "$(${programPath('id')} -u)" -eq 0`;
  if (await run('sudo', ['-n', '-u', user, '--', programPath('sh'), '-c', rootCheck])) {
    throw new SandboxSetupError(`BATON_TOOL_USER ${user} is root; name an unprivileged user`);
  }
  if (await run('sudo', ['-n', '-u', user, '--', programPath('sudo'), '-n', programPath('true')])) {
    throw new SandboxSetupError(
      `BATON_TOOL_USER ${user} can become root through sudo; remove its sudo rights or name another user`,
    );
  }
}

async function privileged(run: Exec, args: readonly [Program, ...string[]]): Promise<boolean> {
  const [file, ...rest] = args;
  if (!file) return false;
  if (process.getuid?.() === 0) return run(file, rest);
  return run('sudo', ['-n', '--', programPath(file), ...rest]);
}

const STOP_ATTEMPTS = 50;

/** Kills every process of `user` (as that user) until none is left. */
async function stopUserProcesses(user: string, run: Exec): Promise<void> {
  for (let attempt = 0; attempt < STOP_ATTEMPTS; attempt++) {
    if (!(await run('pgrep', ['-u', user]))) return;
    await run('sudo', ['-n', '-u', user, '--', programPath('pkill'), '-KILL', '-u', user]);
  }
  throw new SandboxSetupError(`processes of ${user} keep running; the session stops here`);
}
