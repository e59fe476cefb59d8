import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSandbox } from '../src/session/agent/sandbox/sandbox.js';
import { findProgram, SYSTEM_PATH } from '../src/session/programs.js';

/**
 * What the firewall adds to a session's start-up: the agent job opens its
 * sandbox for the tools user (a throwaway user, made on the first opening)
 * with the egress limits (`session.network` not `open`: the proxy and the
 * packet filter rules) and without, alternately, and closes it again. The
 * difference of the medians is the firewall's cost. Runs as root inside a
 * network namespace of its own (`unshare -n`), so the machine's own rules are
 * never touched; bench/run.ts starts it that way, or reports why it could not.
 */
export interface EgressReport {
  samples: number;
  /** Median and max ms to open the sandbox, with the firewall and without. */
  open: { limited: Timing; open: Timing };
  /** Median and max ms to close it (the rules removed, the proxy stopped). */
  close: { limited: Timing; open: Timing };
}

export interface Timing {
  medianMs: number;
  maxMs: number;
}

/** Why the measure cannot run on this machine, or null when it can. */
export function egressUnmeasurable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root';
  for (const program of ['iptables', 'ip6tables', 'unshare', 'sudo', 'useradd'])
    if (!findProgram(program, SYSTEM_PATH)) return `needs ${program}`;
  if (spawnSync('unshare', ['-n', 'true']).status !== 0) return 'needs unshare -n';
  return null;
}

function timing(values: number[]): Timing {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    medianMs: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
    maxMs: sorted.at(-1) ?? Number.NaN,
  };
}

async function measureEgress(samples = 15): Promise<EgressReport> {
  execFileSync('ip', ['link', 'set', 'lo', 'up']);
  const user = `baton-b${process.pid}`.slice(0, 31);
  const root = await mkdtemp(join(tmpdir(), 'baton-bench-egress-'));
  await writeFile(join(root, 'package.json'), '{"name":"bench","version":"1.0.0"}\n');
  await writeFile(join(root, 'index.js'), 'module.exports = 1;\n');
  const times = {
    open: { limited: [] as number[], open: [] as number[] },
    close: { limited: [] as number[], open: [] as number[] },
  };
  try {
    // The first opening makes the user; it is not counted.
    await (await openSandbox({ root, user })).close();
    for (let i = 0; i < samples; i += 1) {
      for (const kind of ['limited', 'open'] as const) {
        const started = performance.now();
        const sandbox = await openSandbox({
          root,
          user,
          egress:
            kind === 'limited'
              ? { allow: ['registry.npmjs.org', '*.pythonhosted.org', 'github.com'], log: () => {} }
              : null,
        });
        const opened = performance.now();
        await sandbox.close();
        times.open[kind].push(opened - started);
        times.close[kind].push(performance.now() - opened);
      }
    }
  } finally {
    spawnSync('pkill', ['-KILL', '-u', user]);
    spawnSync('userdel', [user]);
    spawnSync('groupdel', [user]);
    await rm(root, { recursive: true, force: true });
  }
  return {
    samples,
    open: { limited: timing(times.open.limited), open: timing(times.open.open) },
    close: { limited: timing(times.close.limited), open: timing(times.close.open) },
  };
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(await measureEgress()));
}
