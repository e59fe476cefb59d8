// The production install path the Dockerfile runs (scripts/build-production.sh:
// build, then `npm ci --omit=dev`), run into a temporary folder; the tree it
// leaves starts and answers /healthz. npm works offline here, from its cache.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../sim/actions/run-step.js';
import { freePort } from '../../sim/start-app.js';

const run = promisify(execFile);

describe('the production tree', { timeout: 240_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), 'baton-production-'));
  let app: ChildProcess | undefined;
  let url = '';
  let output = '';

  beforeAll(async () => {
    await run('sh', [join(REPO_ROOT, 'scripts/build-production.sh'), out], {
      cwd: REPO_ROOT,
      env: { ...process.env, npm_config_offline: 'true' },
      maxBuffer: 16 * 1024 * 1024,
    });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    app = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: out,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        NODE_ENV: 'production',
        LOG_FORMAT: 'json',
        APP_ID: '1',
        PRIVATE_KEY: privateKey,
        WEBHOOK_SECRET: 'production-secret',
        HOST: '127.0.0.1',
        PORT: String(port),
        // Nothing listens there: the app must not need GitHub to be live.
        GHE_HOST: '127.0.0.1:1',
        GHE_PROTOCOL: 'http',
        BATON_RESYNC_MINUTES: '0',
      },
    });
    app.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    app.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
  }, 240_000);
  afterAll(async () => {
    if (app && app.exitCode === null) {
      const exited = new Promise((resolve) => app?.once('exit', resolve));
      app.kill('SIGTERM');
      await exited;
    }
    rmSync(out, { recursive: true, force: true });
  });

  it('holds the production dependencies only', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    for (const name of Object.keys(pkg.dependencies))
      expect(existsSync(join(out, 'node_modules', name)), name).toBe(true);
    for (const name of Object.keys(pkg.devDependencies))
      expect(existsSync(join(out, 'node_modules', name)), name).toBe(false);
    expect(existsSync(join(out, 'src'))).toBe(false);
  });

  it('starts and answers /healthz', async () => {
    const deadline = Date.now() + 60_000;
    let status = 0;
    while (Date.now() < deadline && app?.exitCode === null) {
      status = await fetch(`${url}/healthz`).then(
        (response) => response.status,
        () => 0,
      );
      if (status) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status, output).toBe(200);
  });
});
