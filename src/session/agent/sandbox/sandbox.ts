import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BlockedConnections } from '../../../core/sessions/egress.js';
import { programEnv, programPath } from '../../programs.js';
import type { Forward } from './forwarder.js';
import { openLoopbackPorts } from './loopback-ports.js';
import { type Egress, openEgress } from './open-egress.js';
import { runAsRoot } from './privileged.js';
import type { RootEntry, SandboxLayout, SandboxRun } from './sandbox-command.js';
import { type SandboxProcess, startRun, startUnconfined } from './sandbox-run.js';
import { ensureToolUser, SandboxSetupError } from './sandbox-setup.js';
import { seccompArch, seccompProgram } from './seccomp-filter.js';
import { openSessionNetwork, type SessionNetwork } from './session-network.js';

export type { SandboxRun } from './sandbox-command.js';
export type { SandboxProcess } from './sandbox-run.js';
export { SandboxSetupError } from './sandbox-setup.js';

/**
 * Where the model's commands run (docs/security.md, "Confinement of the
 * model's commands"). With a tools user: each run is a bubblewrap sandbox of
 * its own (sandbox-command.ts), as that user, over a copy of the checkout and
 * a fresh home that live as long as the session; with an allowlist, in the
 * session's network namespace, whose only way out is the egress proxy. A run
 * may be one command or a whole long-running program; when it ends, all it
 * started has ended. Without a tools user (local runs with
 * `session.network: open`): plain processes in the checkout.
 */
export interface Sandbox {
  /** The user the model's commands run as, or null: the job's own, unconfined. */
  user: string | null;
  /** The tree the model reads and writes: the same path inside and out. */
  workDir: string;
  /** The session's home of the tools user (outside; `/home/<user>` inside), or null. */
  home: string | null;
  /** Variables for the runs on top of the scrubbed environment (the egress proxy). */
  env: Record<string, string>;
  /** Starts `argv` in a fresh sandbox: the environment is `run.env` only. */
  spawn: (run: SandboxRun) => SandboxProcess;
  /** Connections the egress proxy refused so far. */
  blocked: () => BlockedConnections[];
  /** Ends every run still going and answers once none of their processes is left. */
  stopAll: () => Promise<void>;
  /** Ends the runs, the network and the proxy, and removes the copy and the home. */
  close: () => Promise<void>;
}

/** How the sandbox's network is limited; null: it is not (`session.network: open`). */
export interface EgressOptions {
  allow: readonly string[];
  /** Ports of the runner's loopback the commands reach at 127.0.0.1:<port> (`session.network.ports`). */
  ports?: readonly number[];
  log: (line: string) => void;
  /** Fixed addresses for names (tests, simulations). */
  hosts?: Readonly<Record<string, string>>;
}

let networksMade = 0;

/**
 * Opens the session's sandbox for the checkout at `root`. With `user`:
 * checks the runner (sandbox-setup.ts), copies the checkout, starts the egress
 * proxy and the network, and opens one run to see the sandbox work here;
 * throws SandboxSetupError with what the runner needs when any of it fails.
 * Changes nothing of the checkout and leaves nothing on the machine but the
 * tools user.
 */
export async function openSandbox({
  root,
  user,
  egress = null,
  forwards = [],
  readOnly = [],
  env = process.env,
}: {
  root: string;
  user: string | null;
  egress?: EgressOptions | null;
  /** More of the session's unix sockets to reach inside as 127.0.0.1:<port> (needs `egress`). */
  forwards?: readonly Forward[];
  /** Folders to show read-only inside where a hidden one covers them. */
  readOnly?: readonly string[];
  /** The job's environment: where the runner keeps its folders. */
  env?: Readonly<Record<string, string | undefined>>;
}): Promise<Sandbox> {
  if (!user) return unconfined(root);
  if (!egress && forwards.length > 0)
    throw new SandboxSetupError('forwards need the sandbox’s own network (an allowlist)');
  const arch = seccompArch();
  if (!arch)
    throw new SandboxSetupError(
      `the sandbox has no seccomp filter for ${process.arch}; run on x64 or arm64`,
    );
  const tools = await ensureToolUser(user, { network: egress ? 'own' : 'host' });
  const base = await mkdtemp(path.join(tmpdir(), 'baton-session-'));
  const opened: { close: () => Promise<void> }[] = [];
  const removeAll = async () => {
    for (const part of opened.splice(0).reverse()) await part.close().catch(() => {});
    // What the tools user made (and perhaps made unwritable) goes as root.
    await runAsRoot('rm', ['-rf', '--', base]);
    await rm(base, { recursive: true, force: true }).catch(() => {});
  };
  try {
    const layout = await prepare({ root, base, tools, env, readOnly });
    let proxy: Egress | null = null;
    let network: SessionNetwork | null = null;
    if (egress) {
      proxy = await openEgress({
        socket: path.join(base, 'run', 'egress.sock'),
        allow: egress.allow,
        log: egress.log,
        ...(egress.hosts ? { hosts: egress.hosts } : {}),
      });
      opened.push(proxy);
      const services = await openLoopbackPorts({
        ports: egress.ports ?? [],
        dir: path.join(base, 'run'),
      });
      opened.push(services);
      networksMade += 1;
      network = await openSessionNetwork({
        name: `baton-${process.pid}-${networksMade}`,
        forwards: [proxy.forward, ...services.forwards, ...forwards],
      });
      opened.push(network);
    }
    const sandbox = confined({
      tools,
      layout: { ...layout, network: network?.path ?? null },
      base,
      proxy,
      close: removeAll,
    });
    await probe(sandbox);
    return sandbox;
  } catch (error) {
    await removeAll();
    throw error;
  }
}

/** The copy, the home, the seccomp program, and the layout of every run. */
async function prepare({
  root,
  base,
  tools,
  env,
  readOnly,
}: {
  root: string;
  base: string;
  tools: SandboxLayout['user'];
  env: Readonly<Record<string, string | undefined>>;
  readOnly: readonly string[];
}): Promise<Omit<SandboxLayout, 'infoFile' | 'envFile' | 'network'>> {
  const workDir = path.join(base, 'work');
  const home = path.join(base, 'home');
  const run = path.join(base, 'run');
  await mkdir(run, { mode: 0o700 });
  // Sticky, as /tmp: the tools user makes what it likes in its home, but cannot rename
  // or replace what Baton (the job's user) keeps there (the engine's folders, run-engine.ts).
  await mkdir(home, { mode: 0o1777 });
  await chmod(home, 0o1777);
  await cp(root, workDir, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  // The copy is the model's to change, and Baton's to read; nothing in it is trusted.
  await new Promise<void>((resolve, reject) => {
    const child = spawn(programPath('chmod'), ['-R', 'a+rwX', '--', workDir], {
      env: programEnv(),
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new SandboxSetupError(`could not make the session's copy ${workDir} writable`)),
    );
  });
  const seccompFile = path.join(run, 'seccomp.bpf');
  await writeFile(seccompFile, seccompProgram(seccompArch() ?? 'x64'), { mode: 0o600 });
  const runnerWork = env.RUNNER_WORKSPACE ? path.dirname(env.RUNNER_WORKSPACE) : undefined;
  const present = (dirs: (string | undefined)[]) =>
    dirs.filter((dir): dir is string => !!dir && path.isAbsolute(dir));
  return {
    user: tools,
    workDir,
    home,
    // The checkout, the runner's work folder and temp (file commands), and the session's own folder.
    hide: present([base, root, env.RUNNER_TEMP, runnerWork, env.GITHUB_WORKSPACE]),
    // The runner's tool cache (setup-node and the like install there) and the setup's
    // virtualenv (docs/sessions.md keeps it in $RUNNER_TEMP) stay readable.
    readOnly: present([
      env.RUNNER_TOOL_CACHE,
      env.AGENT_TOOLSDIRECTORY,
      env.VIRTUAL_ENV,
      ...readOnly,
    ]),
    seccompFile,
    exists: existsSync,
    root: rootEntries(),
  };
}

/** The host's `/`, entry by entry: what a run's root is made of (sandbox-command.ts). */
function rootEntries(): RootEntry[] {
  return readdirSync('/', { withFileTypes: true }).flatMap((entry): RootEntry[] => {
    const { name } = entry;
    if (entry.isSymbolicLink()) return [{ name, kind: 'link', target: readlinkSync(`/${name}`) }];
    if (entry.isDirectory()) return [{ name, kind: 'dir' }];
    return entry.isFile() ? [{ name, kind: 'file' }] : [];
  });
}

function confined({
  tools,
  layout,
  base,
  proxy,
  close,
}: {
  tools: SandboxLayout['user'];
  layout: Omit<SandboxLayout, 'infoFile' | 'envFile'>;
  base: string;
  proxy: Egress | null;
  close: () => Promise<void>;
}): Sandbox {
  const live = new Set<SandboxProcess>();
  let runs = 0;
  const stopAll = async () => {
    await Promise.all([...live].map((run) => run.stop()));
  };
  return {
    user: tools.name,
    workDir: layout.workDir,
    home: layout.home,
    env: proxy?.env ?? {},
    spawn(run) {
      runs += 1;
      const files = path.join(base, 'run', `run-${runs}`);
      const started = startRun(
        { ...layout, infoFile: `${files}.json`, envFile: `${files}.env` },
        run,
      );
      live.add(started);
      started.child.once('exit', () => live.delete(started));
      return started;
    },
    blocked: () => proxy?.blocked() ?? [],
    stopAll,
    close: async () => {
      await stopAll();
      await close();
    },
  };
}

/** One run of `true`: the sandbox opens on this runner, or the session stops here saying why. */
async function probe(sandbox: Sandbox): Promise<void> {
  const run = sandbox.spawn({ argv: [programPath('true')], env: {}, timeoutMs: 30_000 });
  let output = '';
  run.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  run.child.stdout?.resume();
  const code = await new Promise<number | null>((resolve) => {
    run.child.once('exit', (exitCode) => resolve(exitCode));
    run.child.once('error', () => resolve(null));
  });
  if (code !== 0) {
    throw new SandboxSetupError(
      `the sandbox does not open on this runner (${output.trim() || `exit code ${code}`}); \`baton doctor\` checks it`,
    );
  }
}

/** The checkout itself, as the job's own user: local runs with the network open. */
function unconfined(root: string): Sandbox {
  const live = new Set<SandboxProcess>();
  const stopAll = async () => {
    await Promise.all([...live].map((run) => run.stop()));
  };
  return {
    user: null,
    workDir: root,
    home: null,
    env: {},
    spawn(run) {
      const started = startUnconfined(root, run);
      live.add(started);
      started.child.once('exit', () => live.delete(started));
      return started;
    },
    blocked: () => [],
    stopAll,
    close: stopAll,
  };
}
