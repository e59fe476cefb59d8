import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './start-app.js';

/** Debian's `redis-server`, which `.ci/run` installs. */
export const REDIS_SERVER = '/usr/bin/redis-server';

/**
 * A Redis of its own on 127.0.0.1 for a test or a simulation, no persistence, stopped by
 * `stop`; with `password`, it answers only clients that give it (`requirepass`), as the
 * Redis of deploy/k8s does.
 */
export interface RedisServer {
  /** Its address, without the password. */
  url: string;
  /** Stops it (a Redis that does not answer, for the tests of an outage). */
  stop(): Promise<void>;
  /** Drops every key (between tests). */
  flush(): Promise<void>;
}

export async function startRedisServer({
  password,
}: {
  password?: string;
} = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'baton-redis-'));
  const child: ChildProcess = spawn(
    REDIS_SERVER,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      ...(password ? ['--requirepass', password] : []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  // Connecting again every 50 ms until the server listens (or has exited).
  const probe = new Redis(url, { retryStrategy: () => 50, ...(password ? { password } : {}) });
  probe.on('error', () => undefined);
  const started = await Promise.race([
    new Promise<boolean>((resolve) => probe.once('ready', () => resolve(true))),
    exited.then(() => false),
  ]);
  if (!started) throw new Error(`${REDIS_SERVER} did not start on port ${port}`);
  let stopped = false;
  return {
    url,
    async flush() {
      await probe.flushall();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      probe.disconnect();
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
