import { spawnSync } from 'node:child_process';
import { findProgram, SYSTEM_PATH } from '../../src/session/programs.js';

/**
 * Whether this machine can give the simulator's agent jobs what GitHub's
 * runners give them: a tools user (root, sudo, useradd) and the egress rules
 * (iptables, ip6tables). Where it can, each agent job gets a throwaway user
 * of its own (jobs run side by side; each user has its own rules), so the
 * simulator's sessions run confined and behind the firewall as real ones do.
 */
export function canConfineSimJobs(): boolean {
  if (process.getuid?.() !== 0) return false;
  const needed = ['sudo', 'useradd', 'userdel', 'pkill', 'iptables', 'ip6tables'];
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

/** Ends the user's processes and removes it (the session removed its rules). */
export function removeSimToolUser(user: string): void {
  const at = (name: string) => findProgram(name, SYSTEM_PATH) ?? name;
  spawnSync(at('pkill'), ['-KILL', '-u', user]);
  spawnSync(at('userdel'), [user]);
  spawnSync(at('groupdel'), [user]);
}
