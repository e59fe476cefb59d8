import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tsxArgs } from '../sim/actions/run-step.js';
import { SIM_BATON_SOURCE } from '../sim/e2e.js';
import { APP_START_LIMIT_MS, type AppProcessOptions } from '../sim/start-app.js';

/**
 * Runs `bench/<file> … --json` in its own process (its own process group) and
 * reads the report it prints last. Those measures start servers and processes
 * of their own: apart from this one, no HTTP interceptor of the app tests'
 * nock sits in their way. A time-out stops the whole group, and the error says
 * which it was: the time limit, or the child's own exit.
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
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const last = Buffer.concat(out).toString('utf8').trim().split('\n').at(-1) ?? '';
      if (code === 0) resolve(JSON.parse(last) as T);
      else if (timedOut)
        reject(new Error(`bench/${file} ran past its time limit of ${timeoutMs / 1000} s`));
      else reject(new Error(`bench/${file} exited with ${code}`));
    });
  });
}

/**
 * Runs `bench/<file>` in a child on the fast clock (bench/fast-clock.mjs, `options.k` times
 * faster), handing it `options` as JSON in `BENCH_OPTIONS`; resolves with the report it prints.
 */
export function measureOnFastClock<T>(
  file: string,
  options: { k: number },
  timeoutMs: number,
): Promise<T> {
  return measureInChild<T>(file, timeoutMs, {
    nodeArgs: ['--import', new URL('./fast-clock.mjs', import.meta.url).href],
    args: ['--child'],
    env: {
      ...process.env,
      FAST_CLOCK_K: String(options.k),
      FAST_CLOCK_EPOCH: String(Date.now()),
      BENCH_OPTIONS: JSON.stringify(options),
    },
  });
}

/**
 * The command line of a part measured on the fast clock, where node started the part's own
 * file (`file`, its `import.meta.url`; an import of it runs nothing): `--child` runs it with
 * the options its parent handed over and prints its report as JSON; otherwise it is measured
 * with `defaults` and any `--options '{…}'` over them, and printed (`--json`: one line).
 */
export async function fastClockMain<O, R>(
  file: string,
  {
    defaults,
    run,
    measure,
    print,
  }: {
    defaults: O;
    run: (options: O) => Promise<R>;
    measure: (options: O) => Promise<R>;
    print: (report: R) => void;
  },
): Promise<void> {
  if (process.argv[1] !== fileURLToPath(file)) return;
  if (process.argv.includes('--child')) {
    const report = await run(JSON.parse(process.env.BENCH_OPTIONS ?? '') as O);
    console.log(JSON.stringify(report));
    return;
  }
  const at = process.argv.indexOf('--options');
  const more = at > 0 ? (JSON.parse(process.argv[at + 1] ?? '{}') as Partial<O>) : {};
  const report = await measure({ ...defaults, ...more });
  if (process.argv.includes('--json')) console.log(JSON.stringify(report));
  else print(report);
}

/**
 * An app process on the fast clock (`k` times real time) against the simulator
 * at `gheHost`: no session asks it for a token (the scripted sessions write
 * through the simulator's store), it resyncs every ten minutes, and the waits
 * of the harness are on the fast clock too. `preload`: more modules of bench/
 * to load before it (`./heap-probe.mjs`); `env`: more variables.
 */
export function fastClockApp({
  gheHost,
  webhookSecret,
  k,
  preload = [],
  env = {},
}: {
  gheHost: string;
  webhookSecret: string;
  k: number;
  preload?: string[];
  env?: Record<string, string>;
}): AppProcessOptions {
  return {
    gheHost,
    webhookSecret,
    oidcIssuer: 'http://127.0.0.1:9/unused',
    logLevel: 'info',
    resyncMinutes: 10,
    // The guard of every app start (two minutes), on the fast clock: three starting at once on a busy machine took past one.
    startTimeoutMs: APP_START_LIMIT_MS * k,
    env: {
      NODE_OPTIONS: ['./fast-clock.mjs', ...preload]
        .map((file) => `--import ${new URL(file, import.meta.url).href}`)
        .join(' '),
      FAST_CLOCK_K: String(k),
      FAST_CLOCK_EPOCH: String(process.env.FAST_CLOCK_EPOCH),
      BATON_SOURCE_REPOSITORY: SIM_BATON_SOURCE.repository,
      BATON_SOURCE_REF: SIM_BATON_SOURCE.ref,
      ...env,
    },
  };
}

/** Whether the module at `moduleUrl` is the script node was started with, not an import of it. */
export function isMainModule(moduleUrl: string): boolean {
  return moduleUrl === `file://${process.argv[1]}` || process.argv[1] === fileURLToPath(moduleUrl);
}

/** The value after the flag `name` on the command line, if it is there. */
export function flagValue(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
}

/**
 * The command line of a part measured in a child of its own (`measureInChild`):
 * `--child` runs it there, otherwise it is measured; `--json` prints the report
 * as one line, else the parent prints it for a reader.
 */
export async function childMain<R>({
  run,
  measure,
  print,
}: {
  run: () => Promise<R>;
  measure: () => Promise<R>;
  print: (report: R) => void;
}): Promise<void> {
  const child = process.argv.includes('--child');
  const report = child ? await run() : await measure();
  if (process.argv.includes('--json')) console.log(JSON.stringify(report));
  else if (!child) print(report);
}
