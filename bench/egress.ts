import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSandbox, type Sandbox } from '../src/session/agent/sandbox/sandbox.js';
import { findProgram, SYSTEM_PATH } from '../src/session/programs.js';

/**
 * What the sandbox costs a session: the agent job opens it for its tools user
 * (a throwaway user, made on the first opening) with the egress limits
 * (`session.network` not `open`: the proxy, the session's network namespace
 * and its forwarder) and without, alternately, runs one command in it
 * (`true`, the cost each bash call pays) and closes it. Runs as root;
 * bench/run.ts starts it, or reports why it could not.
 */
export interface EgressReport {
  samples: number;
  /** Median and max ms to open the sandbox, with the proxies and without. */
  open: { limited: Timing; open: Timing };
  /** Median and max ms of one run of `true` in it, start to end. */
  run: { limited: Timing; open: Timing };
  /** Median and max ms to close it (the runs ended, the network and the proxy gone, the copy removed). */
  close: { limited: Timing; open: Timing };
}

export interface Timing {
  medianMs: number;
  maxMs: number;
}

/** Why the measure cannot run on this machine, or null when it can. */
export function egressUnmeasurable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root';
  for (const program of ['bwrap', 'setpriv', 'nsenter', 'ip', 'sudo', 'useradd'])
    if (!findProgram(program, SYSTEM_PATH)) return `needs ${program}`;
  return null;
}

function timing(values: number[]): Timing {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    medianMs: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
    maxMs: sorted.at(-1) ?? Number.NaN,
  };
}

async function runTrue(sandbox: Sandbox): Promise<void> {
  const run = sandbox.spawn({ argv: ['/bin/true'], env: { PATH: SYSTEM_PATH }, timeoutMs: 30_000 });
  run.child.stdout?.resume();
  run.child.stderr?.resume();
  await new Promise((resolve) => run.child.once('exit', resolve));
}

async function measureEgress(samples = 15): Promise<EgressReport> {
  const user = `baton-b${process.pid}`.slice(0, 31);
  const root = await mkdtemp(join(tmpdir(), 'baton-bench-egress-'));
  await writeFile(join(root, 'package.json'), '{"name":"bench","version":"1.0.0"}\n');
  await writeFile(join(root, 'index.js'), 'module.exports = 1;\n');
  const times = {
    open: { limited: [] as number[], open: [] as number[] },
    run: { limited: [] as number[], open: [] as number[] },
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
        await runTrue(sandbox);
        const ran = performance.now();
        await sandbox.close();
        times.open[kind].push(opened - started);
        times.run[kind].push(ran - opened);
        times.close[kind].push(performance.now() - ran);
      }
    }
  } finally {
    spawnSync('pkill', ['-KILL', '-u', user]);
    spawnSync('userdel', [user]);
    spawnSync('groupdel', [user]);
    await rm(root, { recursive: true, force: true });
  }
  const both = (step: keyof typeof times) => ({
    limited: timing(times[step].limited),
    open: timing(times[step].open),
  });
  return { samples, open: both('open'), run: both('run'), close: both('close') };
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(await measureEgress()));
}
