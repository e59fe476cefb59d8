import { spawnSync } from 'node:child_process';
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

/** Ends the user's processes and removes it (the session ended every run of its sandbox). */
export function removeSimToolUser(user: string): void {
  const at = (name: string) => findProgram(name, SYSTEM_PATH) ?? name;
  spawnSync(at('pkill'), ['-KILL', '-u', user]);
  spawnSync(at('userdel'), [user]);
  spawnSync(at('groupdel'), [user]);
}
