import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { programEnv, programPath, searchPathOutside } from '../../programs.js';
import { type SandboxLayout, type SandboxRun, sandboxCommand } from './sandbox-command.js';
import { SandboxSetupError } from './sandbox-setup.js';

/** One program running in the sandbox, and how to end it with everything it started. */
export interface SandboxProcess {
  child: ChildProcess;
  /** Ends every process of the run and answers once none is left. */
  stop: () => Promise<void>;
}

const POLL_MS = 10;
/** How long the run's pid 1 may take to appear, and then to go with all its processes. */
const START_MS = 10_000;
const END_MS = 30_000;

/**
 * Starts one run (sandbox-command.ts) with stdout and stderr piped. It ends
 * on its own when its program exits: pid 1 of its namespace goes, and the
 * kernel ends every other process in it before pid 1's parent learns of it,
 * so the `exit` of `child` means nothing of the run is left.
 */
export function startRun(layout: SandboxLayout, run: SandboxRun): SandboxProcess {
  const { file, args, environment } = sandboxCommand(layout, run);
  // Made new (never through a link), readable by the job's user and root only; the opener removes it.
  writeFileSync(layout.envFile, environment, { mode: 0o600, flag: 'wx' });
  // sudo (or, as root, the shell) gets no variable of the session's: the run's are in its file.
  const child = spawn(file, args, {
    cwd: '/',
    env: programEnv(),
    detached: true,
    stdio: [run.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  return {
    child,
    stop: async () => {
      if (ended) return;
      // Once bwrap wrote its pid 1, bwrap dies with its parent and pid 1 with bwrap.
      const init = await initOf(layout.infoFile, () => ended);
      const started = init === null ? null : await startTime(init);
      child.kill('SIGKILL');
      if (init !== null && started !== null) await gone(init, started);
      await exited;
    },
  };
}

/**
 * `run.argv` as a plain process of the job's own user in `root` (no sandbox:
 * local runs with `session.network: open`); stopping it kills its process
 * group, which is all the reach a process of the same user has.
 */
export function startUnconfined(root: string, run: SandboxRun): SandboxProcess {
  const [file = programPath('true'), ...args] = run.argv;
  const child = spawn(file, args, {
    cwd: root,
    env: withSearchPath(run.env, [root]),
    detached: true,
    stdio: [run.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  return {
    child,
    stop: async () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
      if (child.exitCode === null && child.signalCode === null) await exited;
    },
  };
}

/** `env` with its PATH searching nothing inside `trees` (programs.ts). */
function withSearchPath(
  env: Readonly<Record<string, string>>,
  trees: readonly string[],
): Record<string, string> {
  return env.PATH === undefined ? { ...env } : { ...env, PATH: searchPathOutside(env.PATH, trees) };
}

/** The host pid of the run's pid 1, from bwrap's `--info-fd`; null when the run ended first. */
async function initOf(infoFile: string, ended: () => boolean): Promise<number | null> {
  for (let waited = 0; waited < START_MS && !ended(); waited += POLL_MS) {
    const info = await readFile(infoFile, 'utf8').catch(() => '');
    const pid = /"child-pid":\s*(\d+)/.exec(info)?.[1];
    if (pid) return Number(pid);
    await sleep(POLL_MS);
  }
  return null;
}

/** The start time of a process (`/proc/<pid>/stat`), which tells it from a later one with its pid. */
async function startTime(pid: number): Promise<string | null> {
  const fields = await statFields(pid);
  return fields?.[19] ?? null;
}

/** Waits until the process is gone or a zombie: its namespace is then empty. */
async function gone(pid: number, started: string): Promise<void> {
  for (let waited = 0; waited < END_MS; waited += POLL_MS) {
    const fields = await statFields(pid);
    if (!fields || fields[19] !== started || fields[0] === 'Z' || fields[0] === 'X') return;
    await sleep(POLL_MS);
  }
  throw new SandboxSetupError(
    `a run of the sandbox (pid 1 ${pid}) did not end ${END_MS / 1000} s after it was killed`,
  );
}

/** The fields of `/proc/<pid>/stat` after the command name: state first, start time 20th. */
async function statFields(pid: number): Promise<string[] | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (!stat) return null;
  return stat
    .slice(stat.lastIndexOf(')') + 2)
    .trim()
    .split(' ');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
