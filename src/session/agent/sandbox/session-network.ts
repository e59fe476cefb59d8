import { type ChildProcess, spawn } from 'node:child_process';
import { programEnv, programPath } from '../../programs.js';
import { FORWARDER_SOURCE, type Forward, forwarderArgs } from './forwarder.js';
import { asRoot, type RootExec, runAsRoot } from './privileged.js';
import { SandboxSetupError } from './sandbox-setup.js';

/** The session's own network namespace, where every run of its sandbox joins. */
export interface SessionNetwork {
  /** What `nsenter --net=` takes. */
  path: string;
  close: () => Promise<void>;
}

/** How long the forwarder may take to listen. */
const READY_TIMEOUT_MS = 15_000;

/**
 * Opens a network namespace for the session (`ip netns add`, loopback up):
 * only loopback, no route, no resolver; the host's loopback services, its
 * abstract unix sockets and its DNS stub are elsewhere. The forwarder
 * (forwarder.ts) then listens there on each forward's port, as the job's
 * user, for the session's unix sockets. Every run of the sandbox enters this
 * namespace, so the forwarder starts once per session, not per command.
 */
export async function openSessionNetwork({
  name: given,
  forwards,
  root = runAsRoot,
}: {
  /** Unique on the machine while this process lives: `baton-<pid>-<n>`. */
  name: string;
  forwards: readonly Forward[];
  root?: RootExec;
}): Promise<SessionNetwork> {
  const name = await addNamespace(given, root);
  const path = `/run/netns/${name}`;
  const remove = async () => {
    await root('ip', ['netns', 'delete', name]);
  };
  try {
    const up = await root('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    if (!up.ok) throw new SandboxSetupError(`loopback of ${name} stays down: ${up.stderr.trim()}`);
    const forwarder = forwards.length > 0 ? await startForwarder(path, forwards) : null;
    return {
      path,
      close: async () => {
        if (forwarder) await stopForwarder(forwarder);
        await remove();
      },
    };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** How many names a session tries past the ones dead processes left. */
const NAME_TRIES = 4;

/**
 * Adds the namespace under `name`, or, where one of that name is there already, under
 * `name-2`, `name-3`…: a process of this pid that was killed before it closed its
 * session left it, and it is no one's to delete (`/run` is emptied at boot).
 */
async function addNamespace(name: string, root: RootExec): Promise<string> {
  for (let tried = 1; ; tried++) {
    const candidate = tried === 1 ? name : `${name}-${tried}`;
    const added = await root('ip', ['netns', 'add', candidate]);
    if (added.ok) return candidate;
    if (!/File exists/.test(added.stderr) || tried >= NAME_TRIES)
      throw new SandboxSetupError(`\`ip netns add ${candidate}\` failed: ${added.stderr.trim()}`);
  }
}

async function startForwarder(path: string, forwards: readonly Forward[]): Promise<ChildProcess> {
  const { file, args } = asRoot(programPath('nsenter'), [
    `--net=${path}`,
    '--',
    programPath('setpriv'),
    `--reuid=${process.getuid?.() ?? 0}`,
    `--regid=${process.getgid?.() ?? 0}`,
    '--clear-groups',
    '--inh-caps=-all',
    '--ambient-caps=-all',
    '--bounding-set=-all',
    '--no-new-privs',
    '--pdeathsig=KILL',
    '--',
    process.execPath,
    '-e',
    FORWARDER_SOURCE,
    ...forwarderArgs(forwards),
  ]);
  // A session of its own: no terminal, so sudo allocates no pty between the pipes.
  const child = spawn(file, args, {
    env: programEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      if (chunk.includes('ready')) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (!ready) {
    await stopForwarder(child);
    throw new SandboxSetupError(
      `the sandbox's forwarder did not start: ${output.trim() || 'no output'}`,
    );
  }
  return child;
}

/** Ends the forwarder: its stdin closes, which it ends on; sudo also relays SIGTERM. */
async function stopForwarder(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin?.end();
  const timer = setTimeout(() => child.kill('SIGTERM'), 2_000);
  await exited;
  clearTimeout(timer);
}
