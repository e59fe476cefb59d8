// The real app process (tsx on src/main.ts) refuses to run against GitHub
// Enterprise Server: it asks GET /meta on start, and exits 1 with a message
// that says why and where to read more (docs/github-versions.md).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { type AppProcess, startAppProcess } from '../../sim/start-app.js';

/** A GitHub that answers `GET /api/v3/meta` as Enterprise Server 3.17 once `release` is called. */
async function enterpriseServer() {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/api/v3/meta')) {
      void released.then(() =>
        res
          .writeHead(200, {
            'content-type': 'application/json',
            'x-github-enterprise-version': '3.17.2',
          })
          .end(JSON.stringify({ installed_version: '3.17.2' })),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { host: `127.0.0.1:${port}`, server, release };
}

describe('the app process against GitHub Enterprise Server', () => {
  let github: Awaited<ReturnType<typeof enterpriseServer>>;
  let app: AppProcess | undefined;
  afterAll(async () => {
    await app?.stop();
    github?.server.closeAllConnections();
    await new Promise<void>((resolve) => github?.server.close(() => resolve()));
  });

  it('exits 1, saying that Enterprise Server is not supported and why', async () => {
    github = await enterpriseServer();
    app = await startAppProcess({
      gheHost: github.host,
      webhookSecret: 'ghes-secret',
      oidcIssuer: 'http://127.0.0.1:1',
    });
    github.release();
    expect(await app.exited).toEqual({ code: 1, signal: null });
    expect(app.output()).toContain('GitHub Enterprise Server 3.17.2 is not supported');
    expect(app.output()).toContain('docs/github-versions.md');
  });
});
