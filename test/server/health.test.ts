import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealthHandler, type HealthDeps } from '../../src/server/health.js';

let server: Server | undefined;
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
);

/** Serves the handler alone on 127.0.0.1; anything it declines is a 404. */
async function serve(overrides: Partial<HealthDeps> = {}) {
  const state = { now: 0, checks: 0, fail: false, stopping: false, warnings: [] as string[] };
  const handler = createHealthHandler({
    checkAuth: async () => {
      state.checks += 1;
      if (state.fail) throw Object.assign(new Error('Bad credentials'), { status: 401 });
    },
    stopping: () => state.stopping,
    cacheMs: 10_000,
    now: () => state.now,
    log: { warn: (message) => state.warnings.push(message) },
    ...overrides,
  });
  server = createServer(async (req, res) => {
    if (!(await handler(req, res))) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = async (path: string, method = 'GET') => {
    const response = await fetch(`${base}${path}`, { method });
    return { status: response.status, body: await response.text() };
  };
  return { state, get };
}

describe('the health endpoints', () => {
  it.each([
    { path: '/healthz', fail: false, stopping: false, status: 200, body: /"ok"/ },
    { path: '/healthz', fail: true, stopping: true, status: 200, body: /"ok"/ },
    { path: '/readyz', fail: false, stopping: false, status: 200, body: /"ready"/ },
    {
      path: '/readyz',
      fail: true,
      stopping: false,
      status: 503,
      body: /GitHub refused the app's credentials \(401\)/,
    },
    { path: '/readyz', fail: false, stopping: true, status: 503, body: /stopping/ },
    { path: '/readyz?verbose', fail: false, stopping: false, status: 200, body: /"ready"/ },
    { path: '/health', fail: false, stopping: false, status: 404, body: /^$/ },
  ])('$path (auth fails: $fail, stopping: $stopping): $status', async (row) => {
    const { state, get } = await serve();
    Object.assign(state, { fail: row.fail, stopping: row.stopping });
    const answer = await get(row.path);
    expect(answer.status).toBe(row.status);
    expect(answer.body).toMatch(row.body);
  });

  it("is not ready while the replicas' store does not answer, and says why; ready once it does", async () => {
    let problem: string | null = 'the store at REDIS_URL does not answer (connect ECONNREFUSED)';
    const { get } = await serve({ checkStore: async () => problem });
    const down = await get('/readyz');
    expect(down.status).toBe(503);
    expect(JSON.parse(down.body)).toEqual({
      status: 'not ready',
      reason: 'the store at REDIS_URL does not answer (connect ECONNREFUSED)',
    });
    problem = null;
    expect((await get('/readyz')).status).toBe(200);
  });

  it('refuses anything but GET', async () => {
    const { get } = await serve();
    expect((await get('/readyz', 'POST')).status).toBe(405);
  });

  it('asks GitHub once per cache period, and again after it', async () => {
    const { state, get } = await serve();
    await get('/readyz');
    state.fail = true;
    expect((await get('/readyz')).status).toBe(200);
    expect(state.checks).toBe(1);
    state.now = 10_000;
    expect((await get('/readyz')).status).toBe(503);
    expect(state.checks).toBe(2);
  });

  it('logs why it is not ready, without the request', async () => {
    const { state, get } = await serve();
    state.fail = true;
    await get('/readyz');
    expect(state.warnings).toEqual([
      "baton: not ready: GitHub refused the app's credentials (401 Bad credentials)",
    ]);
  });

  it('answers 503 within its bound when GitHub does not answer, and aborts the check', async () => {
    let aborted = false;
    const { state, get } = await serve({
      timeoutMs: 200,
      checkAuth: (signal) =>
        new Promise<void>(() => {
          signal.addEventListener('abort', () => {
            aborted = true;
          });
        }),
    });
    const started = Date.now();
    const answer = await get('/readyz');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toEqual({
      status: 'not ready',
      reason: 'GitHub did not answer within 200 ms',
    });
    expect(aborted).toBe(true);
    expect(state.warnings).toEqual([
      'baton: not ready: GitHub did not answer within 200 ms (GET /app)',
    ]);
  });
});
