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

/** The tools user of one agent job: unique per simulator process and job. */
export function simToolUser(jobId: number): string {
  return `baton-s${process.pid}-${jobId}`.slice(0, 31);
}

/** Ends the user's processes and removes it (the session removed its rules). */
export function removeSimToolUser(user: string): void {
  const at = (name: string) => findProgram(name, SYSTEM_PATH) ?? name;
  spawnSync(at('pkill'), ['-KILL', '-u', user]);
  spawnSync(at('userdel'), [user]);
  spawnSync(at('groupdel'), [user]);
}
