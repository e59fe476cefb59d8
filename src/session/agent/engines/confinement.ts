/**
 * The one seam through which a whole engine runs confined (docs/security.md,
 * "Engines"): a program, its arguments and its whole environment, in the
 * session's work tree, with its own HOME, as the tools user, reaching this
 * process's model proxy and nothing of the job's. Built on the session's
 * sandbox (sandbox.ts); everything an engine runner needs of it is here.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { programPath } from '../../programs.js';
import type { Sandbox } from '../sandbox/sandbox.js';

const run = promisify(execFile);

/** One program to run confined. */
export interface ConfinedProgram {
  program: string;
  args: readonly string[];
  /** Its whole environment: nothing of the session's own is passed. */
  env: Record<string, string>;
  cwd: string;
  timeoutMs: number;
}

/** How it ended: its exit code (null when killed), the tail of its output. */
export interface ConfinedRun {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface Confinement {
  /** The tree the program works in, and its HOME. */
  workDir: string;
  home: string;
  /** The uid the program runs as (files it writes are owned by it). */
  uid: number;
  /** The address a confined program reaches a service of this process at (the model proxy). */
  reach(service: { url: string; socket: string }): string;
  run(program: ConfinedProgram, signal: AbortSignal): Promise<ConfinedRun>;
  /** Ends every process of the program's, and waits until none is left. */
  stop(): Promise<void>;
}

/** The most output kept of a stream: the end, where an engine reports how it ended. */
const KEEP_BYTES = 4 * 1024 * 1024;

/**
 * The confinement of a sandbox with a tools user: the program runs through
 * `sudo -n -u <user> env -i …` (so it gets exactly `env`), under `timeout`,
 * with no input; the tools user reaches the proxy on 127.0.0.1, as its
 * egress rules leave loopback open. Null without a tools user: an engine is
 * never run unconfined.
 */
export async function confinementOf(sandbox: Sandbox): Promise<Confinement | null> {
  const user = sandbox.user;
  if (!user || !sandbox.home) return null;
  const { stdout } = await run(programPath('id'), ['-u', '--', user]);
  const home = sandbox.home;
  return {
    workDir: sandbox.workDir,
    home,
    uid: Number(stdout.trim()),
    reach: (service) => service.url,
    run: (program, signal) => runAs(user, program, signal),
    stop: sandbox.stopAll,
  };
}

function runAs(user: string, program: ConfinedProgram, signal: AbortSignal): Promise<ConfinedRun> {
  const seconds = String(Math.max(1, Math.ceil(program.timeoutMs / 1000)));
  const assignments = Object.entries(program.env).map(([name, value]) => `${name}=${value}`);
  const args = [
    '-n',
    '-u',
    user,
    '--',
    programPath('env'),
    '-i',
    ...assignments,
    programPath('timeout'),
    '-s',
    'KILL',
    seconds,
    program.program,
    ...program.args,
  ];
  return new Promise((resolve) => {
    const child = spawn(programPath('sudo'), args, {
      cwd: program.cwd,
      env: { PATH: '/usr/bin:/bin' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout = tail();
    const stderr = tail();
    const started = Date.now();
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const abort = () => child.kill('SIGKILL');
    signal.addEventListener('abort', abort, { once: true });
    child.on('close', (code, killed) => {
      signal.removeEventListener('abort', abort);
      resolve({
        code: killed ? null : code,
        stdout: stdout.text(),
        stderr: stderr.text(),
        // `timeout -s KILL` ends the program with 137 once its time is up.
        timedOut: code === 137 && Date.now() - started >= program.timeoutMs - 1000,
      });
    });
  });
}

/** The last KEEP_BYTES of a stream. */
function tail() {
  let chunks: Buffer[] = [];
  let size = 0;
  return {
    push(chunk: Buffer) {
      chunks.push(chunk);
      size += chunk.length;
      while (size > KEEP_BYTES && chunks.length > 1) size -= chunks.shift()?.length ?? 0;
    },
    text: () => {
      const text = Buffer.concat(chunks).toString('utf8');
      chunks = [];
      return text;
    },
  };
}
