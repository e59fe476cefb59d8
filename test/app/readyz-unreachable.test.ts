import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Probot, Server } from 'probot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatonOctokit } from '../../src/github/client/octokit.js';
import { createBaton } from '../../src/index.js';
import { TEST_PRIVATE_KEY as privateKey } from '../support/app-key.js';
import { captureLog } from '../support/captured-log.js';

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
      port: 0,
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
  }, 15_000);
});
