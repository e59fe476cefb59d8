import { spawn } from 'node:child_process';
import { tsxArgs } from '../sim/actions/run-step.js';

/**
 * Runs `bench/<file> … --json` in its own process (its own process group) and
 * reads the report it prints last. Those measures start servers and processes
 * of their own: apart from this one, no HTTP interceptor of the app tests'
 * nock sits in their way. A time-out stops the whole group.
 */
export function measureInChild<T>(
  file: string,
  timeoutMs: number,
  {
    nodeArgs = [],
    args = [],
    env = process.env,
    wrap = [],
  }: {
    /** Node's own flags, before the script (a preload). */
    nodeArgs?: string[];
    /** The script's flags. */
    args?: string[];
    env?: NodeJS.ProcessEnv;
    /** A command the child runs under (`unshare -n --`). */
    wrap?: string[];
  } = {},
): Promise<T> {
  return new Promise((resolve, reject) => {
    const [command = process.execPath, ...prefix] = [...wrap, process.execPath];
    const child = spawn(
      command,
      [...prefix, ...nodeArgs, ...tsxArgs(`bench/${file}`), ...args, '--json'],
      { stdio: ['ignore', 'pipe', 'inherit'], env, detached: true },
    );
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const last = Buffer.concat(out).toString('utf8').trim().split('\n').at(-1) ?? '';
      if (code === 0) resolve(JSON.parse(last) as T);
      else
        reject(new Error(`bench/${file} exited with ${code} (time limit ${timeoutMs / 1000} s)`));
    });
  });
}
