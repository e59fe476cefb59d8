import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { machineLimit } from '../machine-time.js';
import { compileCacheEnv } from '../node-compile-cache.js';

/**
 * How the simulator runs Baton's code: `action`, the committed bundle of
 * Baton's session action as the workflow's `uses:` step runs it (node on
 * action/dist/baton-session.cjs, the command in INPUT_COMMAND); `source`, the
 * sources: the app through tsx, the jobs' steps bundled from them once a
 * process (source-bundle.ts); `bin`, the package's bin (`npx baton session …`).
 */
export type CodeSource = 'action' | 'source' | 'bin';

/** The repository this simulator belongs to. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `node` arguments that run a TypeScript entry of this repository through tsx, from any folder. */
export function tsxArgs(entry: string): string[] {
  const loader = createRequire(import.meta.url).resolve('tsx');
  return [
    '--import',
    pathToFileURL(loader).href,
    fileURLToPath(new URL(entry, pathToFileURL(REPO_ROOT))),
  ];
}

/**
 * The session command a job of the Baton workflow runs (its step's `command:`): the review
 * jobs run the session's own two, `review` the agent and `review-publish` publish.
 */
export function sessionCommand(job: string): string {
  if (job === 'review') return 'agent';
  if (job === 'review-publish') return 'publish';
  return job;
}

/** The command line of `baton session <command>` for a job, or of the session action's bundle. */
export function batonCommand(job: string, code: CodeSource): string[] {
  if (code === 'action') return [process.execPath, ACTION_BUNDLE];
  const entry =
    code === 'source'
      ? tsxArgs('sim/actions/baton-cli.ts')
      : [fileURLToPath(new URL('bin/baton.js', pathToFileURL(REPO_ROOT)))];
  return [process.execPath, ...entry, 'session', sessionCommand(job)];
}

/** What `uses: <baton>/action@<sha>` runs: action.yml's `runs.main`. */
export const ACTION_BUNDLE = fileURLToPath(
  new URL('action/dist/baton-session.cjs', pathToFileURL(REPO_ROOT)),
);

/** The inputs the runner gives a JavaScript action step, as INPUT_<NAME>: its `command:`. */
export function stepInputs(job: string, code: CodeSource): Record<string, string> {
  return code === 'action' ? { INPUT_COMMAND: sessionCommand(job) } : {};
}

/** How a step's process ended. */
export interface StepOutcome {
  code: number;
  stdout: string;
  stderr: string;
  /** Set when the step was stopped: the job's time ran out or the run was cancelled. */
  stopped?: 'timeout' | 'cancelled';
  startedAt: number;
  endedAt: number;
}

/**
 * Runs one step's process in its own process group, so that stopping it also
 * stops what it started (an agent's shell commands). `cancelled` is asked
 * every 100 ms; a true answer stops the step, as cancelling a run does.
 * `timeoutMs` is in the machine's time (sim/machine-time.ts), as the tests'
 * waits on the step are, so a loaded machine does not end a step as hung
 * before the test waiting on it says what it waited for.
 */
export function runStep({
  command,
  cwd,
  env,
  timeoutMs,
  cancelled,
}: {
  command: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  cancelled: () => boolean;
}): Promise<StepOutcome> {
  const [file = process.execPath, ...given] = command;
  // A CPU profile of each Node step, where a developer asks (docs/development.md).
  const profiles = process.env.BATON_SIM_CPU_PROF;
  const args =
    profiles && file === process.execPath
      ? ['--cpu-prof', `--cpu-prof-dir=${profiles}`, ...given]
      : given;
  const startedAt = Date.now();
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      cwd,
      // A step run by Node (the action's bundle, the sources through tsx) keeps its compiled code.
      env: file === process.execPath ? { ...compileCacheEnv(), ...env } : env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let stopped: StepOutcome['stopped'];
    const stop = (why: NonNullable<StepOutcome['stopped']>) => {
      stopped ??= why;
      killGroup(child.pid, 'SIGTERM');
      setTimeout(() => killGroup(child.pid, 'SIGKILL'), 2000).unref();
    };
    const limit = machineLimit(timeoutMs);
    const watch = setInterval(() => {
      if (cancelled()) stop('cancelled');
      else if (limit.ranOut()) stop('timeout');
    }, 100);
    const finish = (code: number) => {
      clearInterval(watch);
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        ...(stopped ? { stopped } : {}),
        startedAt,
        endedAt: Date.now(),
      });
    };
    child.on('error', (error) => {
      stderr.push(Buffer.from(String(error)));
      finish(127);
    });
    child.on('close', (code, signal) => finish(code ?? (signal ? 128 : 1)));
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
