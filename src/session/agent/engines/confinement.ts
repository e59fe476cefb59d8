/**
 * The one seam through which a whole engine runs confined (docs/security.md,
 * "Engines"): a program, its arguments and its whole environment, in the
 * session's sandbox (sandbox/sandbox.ts) as the tools user, in the work tree,
 * with the sandbox's home, reaching this process's model proxy through the
 * sandbox's network (its unix socket forwarded to 127.0.0.1:SANDBOX_MODEL_PORT
 * inside, as the egress proxy is) and nothing of the job's. Everything an
 * engine runner needs of the sandbox is here.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { promisify } from 'node:util';
import { SANDBOX_MODEL_PORT } from '../../../core/sessions/egress.js';
import { programEnv, programPath } from '../../programs.js';
import type { Forward } from '../sandbox/forwarder.js';
import type { Sandbox } from '../sandbox/sandbox.js';

const run = promisify(execFile);

/** One program to run confined. */
export interface ConfinedProgram {
  program: string;
  args: readonly string[];
  /** Its whole environment: nothing of the session's own is passed. */
  env: Record<string, string>;
  timeoutMs: number;
  /**
   * Talks to the program while it runs: given its standard input, told each
   * line of its standard output as it comes. None: it gets no input.
   */
  talk?: {
    start: (stdin: Writable) => void;
    line: (line: string) => void;
  };
}

/** How it ended: its exit code (null when killed), the tail of its output. */
export interface ConfinedRun {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface Confinement {
  /** The tree the program works in: the same path inside and out. */
  workDir: string;
  /** The program's HOME as it sees it, and where that folder is for this process. */
  home: string;
  homeOutside: string;
  /** The uid the program runs as (files it writes are owned by it). */
  uid: number;
  /** Where a confined program reaches the model proxy. */
  modelUrl: string;
  run(program: ConfinedProgram, signal: AbortSignal): Promise<ConfinedRun>;
  /** Ends every process of the program's, and waits until none is left. */
  stop(): Promise<void>;
}

/** The most output kept of a stream: the end, where an engine reports how it ended. */
const KEEP_BYTES = 4 * 1024 * 1024;

/**
 * What a sandbox that will run an engine is opened with: the model proxy's
 * socket forwarded into its network, and the engine's install shown
 * read-only (the tool cache may lie under a hidden folder).
 */
export function engineSandboxOptions({
  modelSocket,
  installRoot,
}: {
  modelSocket: string;
  installRoot: string;
}): { forwards: Forward[]; readOnly: string[] } {
  return {
    forwards: [{ port: SANDBOX_MODEL_PORT, socket: modelSocket }],
    readOnly: [installRoot],
  };
}

/**
 * The confinement of a sandbox with a tools user. With the sandbox's own
 * network (an allowlist), the proxy is the forwarded port; with
 * `session.network: open` the runs share the runner's network and reach the
 * proxy's own port on 127.0.0.1. Null without a tools user: an engine is
 * never run unconfined.
 */
export async function confinementOf(
  sandbox: Sandbox,
  { ownNetwork, proxyUrl }: { ownNetwork: boolean; proxyUrl: string },
): Promise<Confinement | null> {
  const user = sandbox.user;
  if (!user || !sandbox.home) return null;
  const { stdout } = await run(programPath('id'), ['-u', '--', user], { env: programEnv() });
  return {
    workDir: sandbox.workDir,
    home: path.posix.join('/home', user),
    homeOutside: sandbox.home,
    uid: Number(stdout.trim()),
    modelUrl: ownNetwork ? `http://127.0.0.1:${SANDBOX_MODEL_PORT}` : proxyUrl,
    run: (program, signal) => runIn(sandbox, program, signal),
    stop: sandbox.stopAll,
  };
}

function runIn(
  sandbox: Sandbox,
  program: ConfinedProgram,
  signal: AbortSignal,
): Promise<ConfinedRun> {
  const started = Date.now();
  const running = sandbox.spawn({
    argv: [program.program, ...program.args],
    env: program.env,
    timeoutMs: program.timeoutMs,
    ...(program.talk ? { stdin: true } : {}),
  });
  const stdout = tail();
  const stderr = tail();
  const talk = program.talk;
  if (talk && running.child.stdin) {
    // A program that ends before reading all it was sent is no error of the session's.
    running.child.stdin.on('error', () => {});
    talk.start(running.child.stdin);
  }
  let partial = '';
  const decoder = new StringDecoder('utf8');
  running.child.stdout?.on('data', (chunk: Buffer) => {
    stdout.push(chunk);
    if (!talk) return;
    const lines = (partial + decoder.write(chunk)).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) talk.line(line);
  });
  running.child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  const abort = () => void running.stop();
  signal.addEventListener('abort', abort, { once: true });
  return new Promise((resolve) => {
    const done = (code: number | null) => {
      signal.removeEventListener('abort', abort);
      resolve({
        code,
        stdout: stdout.text(),
        stderr: stderr.text(),
        // The run's `timeout --signal=KILL` ends it with 137 once its time is up.
        timedOut: code === 137 && Date.now() - started >= program.timeoutMs - 1000,
      });
    };
    running.child.once('error', () => done(null));
    running.child.once('close', (code) => done(code));
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
