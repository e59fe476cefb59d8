import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Probot, Server } from 'probot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatonOctokit } from '../../src/github/client/octokit.js';
import { createBaton } from '../../src/index.js';
import { TEST_PRIVATE_KEY as privateKey } from '../support/app-key.js';
import { type CapturedLog, captureLog } from '../support/captured-log.js';
import { closeServer, freePort, listenLocally } from '../support/local-server.js';

/** The app's readiness probe against a GitHub that takes the connection and never answers. */
describe('/readyz while GitHub hangs', () => {
  let github: HttpServer;
  const sockets = new Set<Socket>();
  let requests = 0;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    // Only readiness's `GET /app` counts: the start-up check of the source pin asks too.
    github = createServer((req) => {
      if (req.url === '/app') requests += 1;
    });
    github.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => github.listen(0, '127.0.0.1', resolve));
    const githubUrl = `http://127.0.0.1:${(github.address() as AddressInfo).port}`;
    server = new Server({
      host: '127.0.0.1',
      port: await freePort(),
      log: captureLog('info').log,
      Probot: Probot.defaults({
        appId: 1,
        privateKey,
        secret: 'test-secret',
        baseUrl: githubUrl,
        Octokit: BatonOctokit,
      }),
    });
    await server.load(createBaton({ resyncMinutes: 0 }));
    const http = await server.start();
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await server.stop();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => github.close(() => resolve()));
  });

  it('answers 503 with the reason within its 3 s bound, having asked GitHub once', async () => {
    const started = Date.now();
    const response = await fetch(`${base}/readyz`);
    const elapsed = Date.now() - started;
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'not ready',
      reason: 'GitHub did not answer within 3 s',
    });
    expect(elapsed).toBeGreaterThanOrEqual(2_900);
    expect(elapsed).toBeLessThan(4_500);
    expect(requests).toBe(1);
  });
});

/** The app with its own logger against `githubUrl`; answers its base URL and how to stop it. */
async function startApp(githubUrl: string, log: CapturedLog) {
  const server = new Server({
    host: '127.0.0.1',
    port: await freePort(),
    log: log.log,
    Probot: Probot.defaults({
      appId: 1,
      privateKey,
      secret: 'test-secret',
      baseUrl: githubUrl,
      Octokit: BatonOctokit.defaults({ retry: { enabled: false } }),
    }),
  });
  await server.load(createBaton({ resyncMinutes: 0 }));
  const http = await server.start();
  return {
    base: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    stop: () => server.stop(),
  };
}

describe('/readyz tells a GitHub it cannot reach from one that refuses the app', () => {
  it('answers "cannot reach GitHub (TCP)" where nothing listens, logging one line and no stack', async () => {
    const closed = createServer();
    const githubUrl = await listenLocally(closed);
    await closeServer(closed);
    const log = captureLog('info');
    const app = await startApp(githubUrl, log);
    try {
      const response = await fetch(`${app.base}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({
        status: 'not ready',
        reason: 'cannot reach GitHub (TCP)',
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const probeLines = log
        .records()
        .filter((record) => String(record.msg).startsWith('baton: not ready') || record.res);
      expect(probeLines.map((record) => record.msg)).toEqual([
        expect.stringMatching(
          /^baton: not ready: cannot reach GitHub \(TCP: connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/,
        ),
        expect.stringMatching(/^GET \/readyz 503/),
      ]);
      expect(log.text()).not.toContain('"stack"');
    } finally {
      await app.stop();
    }
  });

  it('answers "GitHub refused the app\'s credentials (401)" where GitHub answers 401', async () => {
    const github = createServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'A JSON web token could not be decoded' }));
    });
    const githubUrl = await listenLocally(github);
    const log = captureLog('info');
    const app = await startApp(githubUrl, log);
    try {
      const response = await fetch(`${app.base}/readyz`);
      expect(await response.json()).toEqual({
        status: 'not ready',
        reason: "GitHub refused the app's credentials (401)",
      });
      expect(log.text()).toContain(
        "baton: not ready: GitHub refused the app's credentials (401 A JSON web token could not be decoded)",
      );
      expect(log.text()).not.toContain('"stack"');
    } finally {
      await app.stop();
      await closeServer(github);
    }
  });
});
