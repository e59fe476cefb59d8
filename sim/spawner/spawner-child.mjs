// The simulator's spawner (spawner.ts): a small process that starts the simulator's
// git commands for the test process, which is large. On Linux a process starts
// another by forking itself, at a cost that grows with its memory (on these machines
// about 13 ms a start from a test process of a few hundred megabytes, 4 ms from this
// one), so the test process asks this one. Plain JavaScript, with no loader, to stay
// small.
//
// Requests and answers are frames: four bytes of length (big-endian), then JSON.
//   request: { id, file, args, env, cwd?, input? (base64) }
//   answer:  { id, status, signal, stdout (base64), stderr (base64), error? }
// Requests that the test process waits for synchronously come through the named pipe
// argv[2] and are answered through argv[3]; the others through stdin and stdout.
// The spawner ends when its stdin ends (the test process is gone).
import { spawn } from 'node:child_process';
import { createReadStream, openSync, writeSync } from 'node:fs';

const [syncRequests, syncAnswers] = process.argv.slice(2);

/** Calls `onFrame` with each whole frame read from `stream`. */
function readFrames(stream, onFrame) {
  let pending = Buffer.alloc(0);
  stream.on('data', (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const length = pending.readUInt32BE(0);
      if (pending.length < 4 + length) break;
      onFrame(JSON.parse(pending.subarray(4, 4 + length).toString('utf8')));
      pending = pending.subarray(4 + length);
    }
  });
}

function frame(answer) {
  const body = Buffer.from(JSON.stringify(answer), 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

/** The answer to a request whose command could not be started. */
function failed(request, error) {
  return {
    id: request.id,
    status: null,
    signal: null,
    stdout: '',
    stderr: '',
    error: String(error),
  };
}

/** Runs one request to its end and answers it through `answer`. */
function run(request, send) {
  let answered = false;
  const answer = (what) => {
    if (answered) return;
    answered = true;
    send(what);
  };
  const stdout = [];
  const stderr = [];
  let child;
  try {
    child = spawn(request.file, request.args, {
      env: request.env,
      ...(request.cwd ? { cwd: request.cwd } : {}),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (error) {
    answer(failed(request, error));
    return;
  }
  child.stdout.on('data', (chunk) => stdout.push(chunk));
  child.stderr.on('data', (chunk) => stderr.push(chunk));
  child.stdin.on('error', () => {});
  child.on('error', (error) => answer(failed(request, error)));
  child.on('close', (status, signal) =>
    answer({
      id: request.id,
      status,
      signal,
      stdout: Buffer.concat(stdout).toString('base64'),
      stderr: Buffer.concat(stderr).toString('base64'),
    }),
  );
  child.stdin.end(request.input ? Buffer.from(request.input, 'base64') : undefined);
}

// The synchronous pipes: opened in the order the test process opens them (its ends block until ours are open).
const requests = createReadStream('', { fd: openSync(syncRequests, 'r') });
const answers = openSync(syncAnswers, 'w');
readFrames(requests, (request) =>
  run(request, (answer) => {
    const bytes = frame(answer);
    let at = 0;
    while (at < bytes.length) at += writeSync(answers, bytes, at);
  }),
);
readFrames(process.stdin, (request) =>
  run(request, (answer) => process.stdout.write(frame(answer))),
);
process.stdin.on('end', () => process.exit(0));
