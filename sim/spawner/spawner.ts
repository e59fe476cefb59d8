import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The simulator's git commands, started by a small process of its own
 * (spawner-child.mjs) rather than by the test process: on Linux a process
 * starts another by forking itself, at a cost that grows with its memory, and
 * a whole build's test process holds hundreds of megabytes while it starts
 * thousands of git commands (the simulated GitHub's reads and writes, and its
 * git server's `http-backend`). What a command answers is the same either way.
 */

/** What a command was given and how it ended, as `spawnSync` answers. */
export interface SpawnRequest {
  file: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string | Buffer;
}

export interface SpawnResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
}

interface Answer {
  id: number;
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  error?: string;
}

/** The spawner of this process, started on first use. */
let spawner: {
  child: ChildProcess;
  requests: number;
  answers: number;
  waiting: Map<number, (answer: Answer) => void>;
} | null = null;
let nextId = 1;

function start(): NonNullable<typeof spawner> {
  if (spawner) return spawner;
  const dir = mkdtempSync(join(tmpdir(), 'baton-sim-spawner-'));
  const requestsPath = join(dir, 'requests');
  const answersPath = join(dir, 'answers');
  execFileSync('mkfifo', [requestsPath, answersPath]);
  const child = spawn(
    process.execPath,
    [new URL('./spawner-child.mjs', import.meta.url).pathname, requestsPath, answersPath],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  // Each end blocks until the spawner opens its own, in the same order.
  const requests = openSync(requestsPath, 'w');
  const answers = openSync(answersPath, 'r');
  rmSync(dir, { recursive: true, force: true });
  const waiting = new Map<number, (answer: Answer) => void>();
  readFrames(child.stdout as NodeJS.ReadableStream, (answer) => {
    waiting.get(answer.id)?.(answer);
    waiting.delete(answer.id);
  });
  child.unref();
  for (const stream of [child.stdin, child.stdout])
    (stream as unknown as { unref?: () => void })?.unref?.();
  spawner = { child, requests, answers, waiting };
  return spawner;
}

/** Runs a command to its end, synchronously, as `spawnSync` does. */
export function spawnerRunSync(request: SpawnRequest): SpawnResult {
  const { requests, answers } = start();
  const id = nextId++;
  writeAll(requests, frame(request, id));
  const head = readExactly(answers, 4);
  return resultOf(JSON.parse(readExactly(answers, head.readUInt32BE(0)).toString('utf8')));
}

/** Runs a command to its end and answers how it ended, without waiting on this process's loop. */
export function spawnerRun(request: SpawnRequest): Promise<SpawnResult> {
  const { child, waiting } = start();
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, (answer) => resolve(resultOf(answer)));
    child.stdin?.write(frame(request, id));
  });
}

function resultOf(answer: Answer): SpawnResult {
  if (answer.error) throw new Error(`the simulator's spawner could not run it: ${answer.error}`);
  return {
    status: answer.status,
    signal: answer.signal,
    stdout: Buffer.from(answer.stdout, 'base64'),
    stderr: Buffer.from(answer.stderr, 'base64'),
  };
}

function frame({ file, args, env, cwd, input }: SpawnRequest, id: number): Buffer {
  const body = Buffer.from(
    JSON.stringify({
      id,
      file,
      args,
      env,
      ...(cwd ? { cwd } : {}),
      ...(input === undefined ? {} : { input: Buffer.from(input).toString('base64') }),
    }),
    'utf8',
  );
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

function writeAll(fd: number, bytes: Buffer): void {
  let at = 0;
  while (at < bytes.length) at += writeSync(fd, bytes, at);
}

function readExactly(fd: number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let at = 0;
  while (at < length) {
    const read = readSync(fd, bytes, at, length - at, null);
    if (read === 0) throw new Error("the simulator's spawner ended");
    at += read;
  }
  return bytes;
}

function readFrames(stream: NodeJS.ReadableStream, onFrame: (answer: Answer) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  stream.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const length = pending.readUInt32BE(0);
      if (pending.length < 4 + length) break;
      onFrame(JSON.parse(pending.subarray(4, 4 + length).toString('utf8')) as Answer);
      pending = pending.subarray(4 + length);
    }
  });
}
