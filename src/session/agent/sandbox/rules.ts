import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { MissingProgramError, programPath } from '../../programs.js';

const run = promisify(execFile);

/** Runs one packet filter command (as root, or through passwordless sudo); answers whether it exited 0. */
export type FilterExec = (
  program: 'iptables' | 'ip6tables',
  args: readonly string[],
) => Promise<boolean>;

/** The runner cannot limit the tools user's network: what it needs. */
export class EgressSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EgressSetupError';
  }
}

const defaultExec: FilterExec = async (program, args) => {
  const file = programPath(program);
  const [command, rest] =
    process.getuid?.() === 0
      ? [file, [...args]]
      : [programPath('sudo'), ['-n', '--', file, ...args]];
  return run(command, rest).then(
    () => true,
    () => false,
  );
};

/** The chain that holds one tools user's rules (a name per uid, so sessions of other users keep theirs). */
export function chainName(uid: number): string {
  return `BATON-EGRESS-${uid}`;
}

/**
 * The rules of the chain, for IPv4 or IPv6: the tools user may reach loopback
 * addresses (the session's proxy, and services the project's setup started,
 * a database for its tests) but no DNS server even there, and nothing else:
 * every other packet it sends, TCP, UDP or ICMP, is refused. The job's own
 * user is not matched: its process still calls the model.
 */
export function chainRules(family: 4 | 6): string[][] {
  const loopback = family === 4 ? '127.0.0.0/8' : '::1/128';
  return [
    ['-p', 'udp', '--dport', '53', '-j', 'REJECT'],
    ['-p', 'tcp', '--dport', '53', '-j', 'REJECT', '--reject-with', 'tcp-reset'],
    ['-o', 'lo', '-d', loopback, '-j', 'ACCEPT'],
    ['-p', 'tcp', '-j', 'REJECT', '--reject-with', 'tcp-reset'],
    ['-j', 'REJECT'],
  ];
}

/** The rule in OUTPUT that sends the user's packets to its chain. */
function jumpRule(uid: number): string[] {
  return ['OUTPUT', '-m', 'owner', '--uid-owner', String(uid), '-j', chainName(uid)];
}

/**
 * Sets the rules for `uid` in both families (replacing any an earlier session
 * on this machine left) and answers how to remove them. Throws
 * EgressSetupError saying what the runner needs when it cannot.
 */
export async function applyEgressRules({
  uid,
  exec: execRule = defaultExec,
}: {
  uid: number;
  exec?: FilterExec;
}): Promise<() => Promise<void>> {
  const chain = chainName(uid);
  const exec: FilterExec = async (program, args) => {
    try {
      return await execRule(program, args);
    } catch (error) {
      if (error instanceof MissingProgramError) throw new EgressSetupError(needs(error.message));
      throw error;
    }
  };
  for (const program of ['iptables', 'ip6tables'] as const) {
    const family = program === 'iptables' ? 4 : 6;
    // An earlier session's chain is emptied and reused; a new one is made.
    const made =
      (await exec(program, ['-w', '-N', chain])) || (await exec(program, ['-w', '-F', chain]));
    if (!made) throw new EgressSetupError(needs(`\`${program} -N ${chain}\` failed`));
    for (const rule of chainRules(family)) {
      if (!(await exec(program, ['-w', '-A', chain, ...rule]))) {
        throw new EgressSetupError(needs(`\`${program} -A ${chain} ${rule.join(' ')}\` failed`));
      }
    }
    const jump = jumpRule(uid);
    if (!(await exec(program, ['-w', '-C', ...jump]))) {
      if (!(await exec(program, ['-w', '-I', ...jump.slice(0, 1), '1', ...jump.slice(1)]))) {
        throw new EgressSetupError(needs(`\`${program} -I OUTPUT\` failed`));
      }
    }
  }
  return async () => {
    for (const program of ['iptables', 'ip6tables'] as const) {
      // Every copy of the jump (a crashed session may have left one), then the chain.
      for (let i = 0; i < 10 && (await exec(program, ['-w', '-D', ...jumpRule(uid)])); i++) {}
      await exec(program, ['-w', '-F', chain]);
      await exec(program, ['-w', '-X', chain]);
    }
  };
}

function needs(what: string): string {
  return `the session limits the network of its tools user with packet filter rules and could not set them (${what}): the agent job needs iptables and ip6tables (Debian/Ubuntu package \`iptables\`) in /usr/sbin and root or passwordless sudo to run them (GitHub-hosted runners have all of it). On a runner that cannot allow it, set \`session.network: open\` in .github/baton.yml to let the model's commands reach any host.`;
}
