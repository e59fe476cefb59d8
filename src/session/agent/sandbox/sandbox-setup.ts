import { execFile } from 'node:child_process';
import { MissingProgramError, type Program, programEnv, programPath } from '../../programs.js';
import { isRoot, type Ran, type RootExec, runAsRoot } from './privileged.js';

/** A runner that cannot confine the model's commands: what it needs. */
export class SandboxSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxSetupError';
  }
}

/** The tools user, as the sandbox switches to it. */
export interface ToolsUser {
  name: string;
  uid: number;
  gid: number;
}

/** Runs one of the session's programs as the job's own user. */
export type Exec = (program: Program, args: readonly string[]) => Promise<Ran>;

const exec: Exec = (program, args) =>
  new Promise((resolve) => {
    execFile(
      programPath(program),
      [...args],
      { encoding: 'utf8', env: programEnv() },
      (error, stdout, stderr) => resolve({ ok: !error, stdout, stderr }),
    );
  });

/** Where each program the sandbox runs comes from, for the message that asks for it. */
const PACKAGES: Partial<Record<Program, string>> = {
  bwrap: 'bubblewrap',
  setpriv: 'util-linux',
  prlimit: 'util-linux',
  nsenter: 'util-linux',
  timeout: 'coreutils',
  ip: 'iproute2',
  sudo: 'sudo',
  useradd: 'passwd',
};

const INSTALL =
  'sudo apt-get update && sudo apt-get install -y bubblewrap (GitHub-hosted Ubuntu runners lack only bubblewrap; the Baton workflow installs it)';

/**
 * Makes sure this runner can open the sandbox (docs/security.md,
 * "Confinement of the model's commands") before anything else happens: the
 * programs it runs, root (or passwordless sudo), and the tools user, which it
 * creates with `useradd` only when it is missing. Throws SandboxSetupError
 * saying what to install or allow; answers the user's ids.
 */
export async function ensureToolUser(
  user: string,
  {
    network = 'own',
    run = exec,
    root = runAsRoot,
    installed = has,
  }: {
    network?: 'own' | 'host';
    run?: Exec;
    root?: RootExec;
    /** Whether a program is in the system's directories. */
    installed?: (program: Program) => boolean;
  } = {},
): Promise<ToolsUser> {
  const needed: Program[] = ['bwrap', 'setpriv', 'prlimit', 'timeout', 'id', 'sh', 'bash'];
  if (network === 'own') needed.push('nsenter', 'ip');
  if (!isRoot()) needed.push('sudo');
  const missing = needed.filter((program) => !installed(program));
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((program) => PACKAGES[program] ?? program))];
    throw new SandboxSetupError(
      `the sandbox of the model's commands needs ${missing.join(', ')} in /usr/bin or /usr/sbin (Debian/Ubuntu packages: ${packages.join(', ')}): ${INSTALL}`,
    );
  }
  if (!isRoot() && !(await root('true', [])).ok) {
    throw new SandboxSetupError(
      "the sandbox of the model's commands is opened as root: the agent job needs root or passwordless sudo (`sudo -n true`), as GitHub-hosted runners give it; on a self-hosted runner add a sudoers rule for the runner's user (`runner ALL=(ALL) NOPASSWD: ALL`)",
    );
  }
  let ids = await idsOf(user, run);
  if (!ids) {
    const created = installed('useradd')
      ? await root('useradd', [
          '--system',
          '--user-group',
          '--no-create-home',
          '--shell',
          '/usr/sbin/nologin',
          user,
        ])
      : null;
    // Another job on the same machine may have made it meanwhile.
    ids = await idsOf(user, run);
    if (!ids) {
      throw new SandboxSetupError(
        `BATON_TOOL_USER ${user} does not exist and could not be created${created ? `: ${created.stderr.trim()}` : ' (no useradd)'}; on a self-hosted runner create it once (\`useradd --system --user-group ${user}\`)`,
      );
    }
  }
  if (ids.uid === 0) {
    throw new SandboxSetupError(`BATON_TOOL_USER ${user} is root; name an unprivileged user`);
  }
  return { name: user, ...ids };
}

function has(program: Program): boolean {
  try {
    programPath(program);
    return true;
  } catch (error) {
    if (error instanceof MissingProgramError) return false;
    throw error;
  }
}

async function idsOf(user: string, run: Exec): Promise<{ uid: number; gid: number } | null> {
  const [uid, gid] = await Promise.all([
    run('id', ['-u', '--', user]),
    run('id', ['-g', '--', user]),
  ]);
  const numbers = [uid, gid].map((answer) =>
    answer.ok ? Number(answer.stdout.trim()) : Number.NaN,
  );
  const [u = Number.NaN, g = Number.NaN] = numbers;
  return Number.isInteger(u) && Number.isInteger(g) && u >= 0 && g >= 0 ? { uid: u, gid: g } : null;
}
