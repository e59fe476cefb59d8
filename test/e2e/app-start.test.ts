import { execFile } from 'node:child_process';
import { createHmac, createPublicKey, generateKeyPairSync, randomUUID, verify } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../sim/actions/run-step.js';
import { type AppProcess, freePort, startAppProcess } from '../../sim/start-app.js';

/**
 * `npm start`'s entry (src/main.ts) as its own process, started the ways the
 * guides start it: with the `.env` Probot's setup writes handed to
 * `docker run --env-file`, and with a `WEBHOOK_PROXY_URL` nobody answers.
 */
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function listen(server: Server | TcpServer): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    }),
  );
}

/** docker's `--env-file`: `KEY=VALUE` per line, the value taken literally (no quotes removed, no escapes read). */
function dockerEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    env[line.slice(0, at)] = line.slice(at + 1);
  }
  return env;
}

describe('the app process at start', () => {
  it('never reads the checkout’s .env, which registering a real app writes there', async () => {
    // Probot's `run` and `readStartEnv` load `.env` from the working folder over
    // the environment: the simulated app would take the real app's secret.
    const dotenv = join(REPO_ROOT, '.env');
    if (!existsSync(dotenv)) {
      writeFileSync(dotenv, 'APP_ID=424242\nWEBHOOK_SECRET=the-real-apps-secret\n');
      closers.push(() => rmSync(dotenv, { force: true }));
    }
    const app = await startAppProcess({
      gheHost: '127.0.0.1:1',
      webhookSecret: 'the-simulators-secret',
      oidcIssuer: 'http://127.0.0.1:1',
    });
    closers.push(() => app.stop());
    const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    const signature = createHmac('sha256', 'the-simulators-secret').update(body).digest('hex');
    const answer = await fetch(app.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'ping',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': `sha256=${signature}`,
      },
      body,
    });
    expect(answer.status).toBe(200);
  });

  it('waits for the app’s readiness, and says in one line why it never came', async () => {
    const failed = await startAppProcess({
      gheHost: '127.0.0.1:1',
      webhookSecret: 'secret',
      oidcIssuer: 'http://127.0.0.1:1',
      waitFor: 'ready',
      startTimeoutMs: 8_000,
    }).then(
      () => null,
      (error: Error) => error.message,
    );
    const [headline = '', ...rest] = (failed ?? '').split('\n');
    // Before it listens (a busy machine) or once it says why: one line either way, the log below it.
    expect(headline).toMatch(
      /^the app was not ready within 8 s of the machine's time \(\d+ s on the wall, at a load of [\d.]+ on \d+ cores\): (it did not answer|\/readyz answered \{"status":"not ready","reason":"cannot reach GitHub \([^)]*\)"\})(; it last said: .*)?$/,
    );
    expect(rest[0]).toBe('--- app output ---');
  });

  it('reads the PRIVATE_KEY of the .env Probot setup writes, as docker run --env-file passes it', async () => {
    const { privateKey: pem, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    // A GitHub that converts a manifest code into this key (as the setup page's
    // redirect has Probot do) and answers GET /app only to a JWT the key signed.
    let appChecks = 0;
    const github = createServer((req, res) => {
      if (req.method === 'POST' && req.url === '/api/v3/app-manifests/the-code/conversions') {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 1,
            client_id: 'Iv1.client',
            client_secret: 'client-secret',
            webhook_secret: 'webhook-secret',
            pem,
            html_url: 'https://github.com/apps/baton',
          }),
        );
        return;
      }
      if (req.method === 'GET' && req.url === '/api/v3/app') {
        appChecks += 1;
        const jwt = (req.headers.authorization ?? '').replace(/^bearer /i, '');
        const [header = '', payload = '', signature = ''] = jwt.split('.');
        const signed = verify(
          'RSA-SHA256',
          Buffer.from(`${header}.${payload}`),
          createPublicKey(publicKey),
          Buffer.from(signature, 'base64url'),
        );
        res.writeHead(signed ? 200 : 401, { 'content-type': 'application/json' });
        res.end(JSON.stringify(signed ? { id: 1, slug: 'baton' } : { message: 'bad JWT' }));
        return;
      }
      res.writeHead(404).end();
    });
    const githubPort = await listen(github);
    closers.push(() => new Promise<void>((resolve) => github.close(() => resolve())));

    // Probot's own setup code writes the .env, in a folder of its own.
    const folder = mkdtempSync(join(tmpdir(), 'baton-setup-env-'));
    closers.push(() => rmSync(folder, { recursive: true, force: true }));
    const manifestCreation = pathToFileURL(
      join(REPO_ROOT, 'node_modules/probot/lib/manifest-creation.js'),
    ).href;
    const setup = await new Promise<{ stderr: string }>((resolve, reject) =>
      execFile(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import { ManifestCreation } from ${JSON.stringify(manifestCreation)};
         await new ManifestCreation().createAppFromCode('the-code', {});`,
        ],
        {
          cwd: folder,
          env: {
            PATH: process.env.PATH,
            GHE_HOST: `127.0.0.1:${githubPort}`,
            GHE_PROTOCOL: 'http',
          },
          encoding: 'utf8',
          // Ends a child that hangs, within the case's own limit (180 s): a busy machine only makes it slow.
          timeout: 120_000,
        },
        (error, _stdout, stderr) => (error ? reject(error) : resolve({ stderr })),
      ),
    );
    expect(setup.stderr).toBe('');
    const written = readFileSync(join(folder, '.env'), 'utf8');
    const fromDocker = dockerEnvFile(written);
    // What Docker hands the process: the quotes and the \n escapes, literally.
    expect(fromDocker.PRIVATE_KEY).toBe(`"${pem.replaceAll('\n', '\\n')}"`);

    const app = await startAppProcess({
      gheHost: `127.0.0.1:${githubPort}`,
      webhookSecret: fromDocker.WEBHOOK_SECRET ?? '',
      oidcIssuer: 'http://127.0.0.1:1',
      env: { APP_ID: fromDocker.APP_ID ?? '', PRIVATE_KEY: fromDocker.PRIVATE_KEY ?? '' },
    });
    closers.push(() => app.stop());
    const ready = await fetch(`${app.url}/readyz`);
    expect({ status: ready.status, body: await ready.json() }).toEqual({
      status: 200,
      body: { status: 'ready' },
    });
    expect(appChecks).toBe(1);
  });

  it.each([{ channel: 'refuses connections' }, { channel: 'closes each connection it takes' }])(
    'keeps serving when the WEBHOOK_PROXY_URL channel $channel, and tries again',
    async ({ channel }) => {
      let connections = 0;
      let proxyPort: number;
      if (channel === 'refuses connections') {
        proxyPort = await freePort();
      } else {
        const proxy = createTcpServer((socket) => {
          connections += 1;
          socket.destroy();
        });
        proxyPort = await listen(proxy);
        closers.push(() => new Promise<void>((resolve) => proxy.close(() => resolve())));
      }
      const app: AppProcess = await startAppProcess({
        gheHost: '127.0.0.1:1',
        webhookSecret: 'secret',
        oidcIssuer: 'http://127.0.0.1:1',
        logLevel: 'info',
        env: { WEBHOOK_PROXY_URL: `http://127.0.0.1:${proxyPort}/the-channel-path` },
      });
      closers.push(() => app.stop());
      // The first try and the one a second later (back-off 1 s, then 2 s), as the app logs them;
      // the limit only stops an app that never tries again, within the case's own (180 s).
      const tries = () => app.output().match(/webhook proxy .* is unreachable/g)?.length ?? 0;
      await expect
        .poll(tries, { timeout: 120_000, interval: 100, message: 'the app to log its second try' })
        .toBeGreaterThanOrEqual(2);
      expect(app.output()).toMatch(/trying again in 1 s/);
      expect(app.output()).toMatch(/trying again in 2 s/);
      expect(app.output()).not.toContain('the-channel-path');
      if (channel !== 'refuses connections') expect(connections).toBeGreaterThanOrEqual(2);
      const health = await fetch(`${app.url}/healthz`);
      expect(health.status).toBe(200);
      expect(
        await Promise.race([app.exited, new Promise((r) => setTimeout(() => r('up'), 200))]),
      ).toBe('up');
    },
  );
});
