import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type CodeSource, REPO_ROOT, tsxArgs } from './actions/run-step.js';
import { machineLimit } from './machine-time.js';
import { compileCacheEnv } from './node-compile-cache.js';

/** Where the app process finds the simulated world. */
export interface AppProcessOptions {
  /** The simulator's `host:port`, as GHE_HOST (GHE_PROTOCOL is http). */
  gheHost: string;
  webhookSecret: string;
  /** BATON_OIDC_ISSUER. */
  oidcIssuer: string;
  /** A port to listen on; default a free one. */
  port?: number;
  /** LOG_LEVEL; default `warn`. */
  logLevel?: string;
  /** BATON_RESYNC_MINUTES; default 0 (off). */
  resyncMinutes?: number;
  /** `bin`: `npm start`'s dist/src/main.js (built first); otherwise tsx on src/main.ts (the default). */
  code?: CodeSource;
  /** The Node binary the app runs on; default the tests' own (`process.execPath`). */
  node?: string;
  /** More variables for the app (they win). */
  env?: Record<string, string>;
  /** A file that gets everything the app prints as it prints it (kept whatever becomes of the process). */
  logFile?: string;
  /**
   * What "started" means: `ping`, the process answers HTTP (the default);
   * `ready`, its `/readyz` answers 200: it authenticated to GitHub as the app.
   */
  waitFor?: 'ping' | 'ready';
  /**
   * How long the app may take to start before it counts as hung: a guard, not
   * a measure (the wait ends as soon as it answers, or it exits). Default
   * APP_START_LIMIT_MS for `ping`, READY_LIMIT_MS for `ready`.
   */
  startTimeoutMs?: number;
}

/**
 * How long an app may take to be ready before it counts as hung, in the
 * machine's time (sim/machine-time.ts). On two cores at a load of 29 the app
 * took past 30 s to answer at all.
 */
export const READY_LIMIT_MS = 180_000;

/** A running app process. */
export interface AppProcess {
  /** `http://127.0.0.1:<port>`: BATON_APP_URL. */
  url: string;
  /** Where webhooks go. */
  webhookUrl: string;
  pid: number;
  /** Everything the app printed so far (JSON log lines). */
  output(): string;
  /** Resolves when the process has exited, with how. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/**
 * How long an app process may take to answer `/ping` before it counts as
 * never listening, in the machine's time: a guard, not a measure. Started through tsx on two cores
 * beside two busy loops and other engineers' tests (load 24), an app answered
 * after 14 s; a hook's own limit is 180 s.
 */
export const APP_START_LIMIT_MS = 120_000;

/** A free TCP port on 127.0.0.1, for a process that must be told its port before it starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * `startAppProcess` on `first`, a port found free earlier. A port found free
 * may be taken before the app listens (tests in parallel open connections and
 * servers all the time): then the app is started again on another free port,
 * at most three times in all, each told to `onPort` first (where webhooks go).
 */
export async function startAppProcessOnFreePort(
  options: Omit<AppProcessOptions, 'port'>,
  { first, onPort }: { first: number; onPort: (port: number) => void },
): Promise<AppProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = attempt === 1 ? first : await freePort();
    if (attempt > 1) onPort(port);
    try {
      return await startAppProcess({ ...options, port });
    } catch (error) {
      const taken = (error as Error).message.includes('EADDRINUSE');
      if (!taken || attempt >= 3) throw error;
    }
  }
}

/**
 * Starts the real Baton app as its own process with Probot's standard
 * variables (DESIGN §9): a freshly generated private key, APP_ID 1, the
 * simulator as GitHub Enterprise Server, and the simulated OIDC issuer.
 * Resolves once it answers `GET /ping` (or `/readyz`, `waitFor: 'ready'`).
 * Without `port`, on a free one (`startAppProcessOnFreePort`).
 *
 * It runs in an empty folder of its own, never the checkout: Probot's `run`
 * (its `applyEnv`) and `readStartEnv` load `.env` from the working folder
 * over the environment, and the `.env` that registering a real app writes
 * into the checkout would give the simulated app the real APP_ID, key and
 * WEBHOOK_SECRET.
 */
export async function startAppProcess(options: AppProcessOptions): Promise<AppProcess> {
  // No port asked for: any free one will do, found again if it is taken before the app listens.
  if (options.port === undefined)
    return startAppProcessOnFreePort(options, { first: await freePort(), onPort: () => {} });
  const { port } = options;
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const entry =
    (options.code ?? 'source') !== 'bin'
      ? tsxArgs('src/main.ts')
      : [fileURLToPath(new URL('dist/src/main.js', pathToFileURL(REPO_ROOT)))];
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    LOG_FORMAT: 'json',
    LOG_LEVEL: options.logLevel ?? 'warn',
    APP_ID: '1',
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: options.webhookSecret,
    HOST: '127.0.0.1',
    PORT: String(port),
    GHE_HOST: options.gheHost,
    GHE_PROTOCOL: 'http',
    BATON_OIDC_ISSUER: options.oidcIssuer,
    BATON_RESYNC_MINUTES: String(options.resyncMinutes ?? 0),
    ...compileCacheEnv(),
    ...options.env,
  };
  const cwd = mkdtempSync(join(tmpdir(), 'baton-app-'));
  const child = spawn(options.node ?? process.execPath, entry, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  const output: Buffer[] = [];
  const file = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : null;
  const keep = (chunk: Buffer) => {
    output.push(chunk);
    file?.write(chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.once('close', () => file?.end());
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  const app: AppProcess = {
    url,
    webhookUrl: `${url}/api/github/webhooks`,
    pid: child.pid ?? 0,
    output: () => Buffer.concat(output).toString('utf8'),
    exited,
    stop: () => stopProcess(child).finally(() => rmSync(cwd, { recursive: true, force: true })),
  };
  const waitFor = options.waitFor ?? 'ping';
  try {
    await waitForStart({
      url,
      child,
      waitFor,
      timeoutMs:
        options.startTimeoutMs ?? (waitFor === 'ready' ? READY_LIMIT_MS : APP_START_LIMIT_MS),
    });
  } catch (error) {
    await app.stop();
    const said = lastLogLine(app.output());
    throw new Error(
      `${(error as Error).message}${said ? `; it last said: ${said}` : ''}\n--- app output ---\n${app.output()}`,
    );
  }
  return app;
}

/** Polls `/ping` or `/readyz` until it answers 200; throws one line when the process exits or the guard (in the machine's time) passes. */
async function waitForStart({
  url,
  child,
  waitFor,
  timeoutMs,
}: {
  url: string;
  child: ChildProcess;
  waitFor: 'ping' | 'ready';
  timeoutMs: number;
}): Promise<void> {
  const path = waitFor === 'ready' ? '/readyz' : '/ping';
  const limit = machineLimit(timeoutMs);
  let why = 'it did not answer';
  while (!limit.ranOut()) {
    if (child.exitCode !== null)
      throw new Error(
        `the app exited with code ${child.exitCode} before it was ${waitFor === 'ready' ? 'ready' : 'listening'}`,
      );
    // Bounded: whatever else holds the port may never answer; readiness waits at most 3 s for GitHub.
    const answer = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5_000) }).then(
      async (response) => ({ ok: response.ok, body: await response.text() }),
      () => null,
    );
    if (answer?.ok) return;
    if (answer) why = `${path} answered ${answer.body.slice(0, 200)}`;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `the app was not ${waitFor === 'ready' ? 'ready' : 'listening'} within ${limit.spent()}: ${why}`,
  );
}

/** The message of the app's last JSON log line, or its last line as printed. */
function lastLogLine(output: string): string {
  const last = output.trim().split('\n').at(-1) ?? '';
  try {
    const parsed = JSON.parse(last) as { msg?: unknown };
    return typeof parsed.msg === 'string' ? parsed.msg : last;
  } catch {
    return last.slice(0, 300);
  }
}

/** SIGTERM, then SIGKILL if it has not exited within 5 s. */
export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
