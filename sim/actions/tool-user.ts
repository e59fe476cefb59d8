import { execFile, spawnSync } from 'node:child_process';
import { findProgram, SYSTEM_PATH } from '../../src/session/programs.js';

/**
 * Whether this machine can give the simulator's agent jobs what GitHub's
 * runners give them: root (or sudo) and the sandbox's programs (bubblewrap,
 * util-linux, iproute2; docs/security.md). Where it can, each agent job gets a
 * throwaway tools user of its own, so the simulator's sessions run in the
 * sandbox, behind the egress proxy, as real ones do. Where it cannot,
 * `installBaton` sets `session.network: open`, the only way a session runs
 * its model's commands unconfined.
 */
export function canConfineSimJobs(): boolean {
  confinable ??= machineConfines();
  return confinable;
}

/** What `canConfineSimJobs` found: the machine does not change while a process runs, so it asks sudo once. */
let confinable: boolean | undefined;

function machineConfines(): boolean {
  if (process.getuid?.() !== 0) return false;
  const needed = ['sudo', 'useradd', 'userdel', 'pkill', 'bwrap', 'setpriv', 'nsenter', 'ip'];
  if (needed.some((name) => !findProgram(name, SYSTEM_PATH))) return false;
  return spawnSync(findProgram('sudo', SYSTEM_PATH) ?? 'sudo', ['-n', 'true']).status === 0;
}

/** Agent jobs given a tools user by this process, across every simulation it runs. */
let usersMade = 0;

/**
 * A tools user for one agent job, unique on the machine: the process's pid and
 * a count of its own. Not the job's check run id: two simulations in one
 * process (a test file that plays two builds at once) number their check runs
 * alike, and the first job to end would remove the other's user mid-session.
 */
export function simToolUser(): string {
  usersMade += 1;
  return `baton-s${process.pid}-${usersMade}`.slice(0, 31);
}

/**
 * Ends the user's processes and removes it (the session ended every run of its
 * sandbox), in one shell: the test's process is large, and a fork of it costs
 * more than the three programs.
 */
export async function removeSimToolUser(user: string): Promise<void> {
  const at = (name: string) => findProgram(name, SYSTEM_PATH) ?? name;
  await new Promise<void>((resolve) => {
    execFile(
      '/bin/sh',
      [
        '-c',
        '"$1" -KILL -u "$4"; "$2" "$4"; "$3" "$4"; true',
        'remove',
        at('pkill'),
        at('userdel'),
        at('groupdel'),
        user,
      ],
      () => resolve(),
    );
  });
}
