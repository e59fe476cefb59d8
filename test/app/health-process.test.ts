// The real app process (tsx on src/main.ts) answers liveness and readiness;
// readiness follows whether GitHub accepts the app's JWT at `GET /app`.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppProcess,
  startAppProcess,
  startAppProcessOnFreePort,
} from '../../sim/start-app.js';

/** A stand-in for GitHub's `GET /app`: 200 or 401, and what it was sent. */
async function fakeGitHub(status: number) {
  const seen: { path: string; authorization: string }[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization ?? '' });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(status === 200 ? { id: 1, slug: 'baton' } : { message: 'Bad credentials' }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, seen, host: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe.each([
  { github: 200, ready: 200 },
  { github: 401, ready: 503 },
])('the app process when GitHub answers GET /app with $github', ({ github, ready }) => {
  let gh: Awaited<ReturnType<typeof fakeGitHub>>;
  let app: AppProcess;

  beforeAll(async () => {
    gh = await fakeGitHub(github);
    app = await startAppProcess({
      gheHost: gh.host,
      webhookSecret: 'health-secret',
      oidcIssuer: 'http://127.0.0.1:1',
    });
  });
  afterAll(async () => {
    await app?.stop();
    await new Promise<void>((resolve) => gh?.server.close(() => resolve()));
  });

  it(`is live, and readiness answers ${ready}`, async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const answer = await fetch(`${app.url}/readyz`);
    expect(answer.status).toBe(ready);
    const asked = gh.seen.filter((request) => request.path.endsWith('/app'));
    expect(asked.length).toBeGreaterThan(0);
    expect(asked[0]?.authorization).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/i);
  });
});

describe('the app process on a port taken before it listened', () => {
  it('is started again on another free port, which the caller is told', async () => {
    const gh = await fakeGitHub(200);
    // Something else listens on the port the app was first given.
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const taken = (squatter.address() as AddressInfo).port;
    const told: number[] = [];
    const app = await startAppProcessOnFreePort(
      { gheHost: gh.host, webhookSecret: 'health-secret', oidcIssuer: 'http://127.0.0.1:1' },
      { first: taken, onPort: (port) => told.push(port) },
    );
    try {
      expect(told).toHaveLength(1);
      expect(told[0]).not.toBe(taken);
      expect(app.url).toBe(`http://127.0.0.1:${told[0]}`);
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    } finally {
      await app.stop();
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
      await new Promise<void>((resolve) => gh.server.close(() => resolve()));
    }
  });
});
