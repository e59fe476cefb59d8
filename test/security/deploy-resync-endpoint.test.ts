// Attacks on POST /api/baton/resync: a caller without BATON_RESYNC_TOKEN must
// not make the app resync (every resync costs GitHub requests of every installation).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createResyncHandler } from '../../src/server/resync-endpoint.js';

const TOKEN = 'resync-secret-0123456789';
let server: Server | undefined;
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
);

async function serve(token: string | undefined) {
  const calls = { resyncs: 0 };
  const handler = createResyncHandler({ token, resync: () => (calls.resyncs += 1) });
  server = createServer(async (req, res) => {
    if (!(await handler(req, res))) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/baton/resync`;
  return { calls, url };
}

describe('the resync endpoint', () => {
  it.each([
    { attack: 'no Authorization header', headers: {}, status: 401 },
    { attack: 'a wrong token', headers: { authorization: 'Bearer guess' }, status: 401 },
    {
      attack: 'the token with a suffix',
      headers: { authorization: `Bearer ${TOKEN}x` },
      status: 401,
    },
    {
      attack: 'a prefix of the token',
      headers: { authorization: `Bearer ${TOKEN.slice(0, 8)}` },
      status: 401,
    },
    {
      attack: 'Basic instead of Bearer',
      headers: { authorization: `Basic ${TOKEN}` },
      status: 401,
    },
    { attack: 'an empty Bearer', headers: { authorization: 'Bearer ' }, status: 401 },
  ])('refuses $attack and does not resync', async ({ headers, status }) => {
    const { calls, url } = await serve(TOKEN);
    const response = await fetch(url, { method: 'POST', headers });
    expect(response.status).toBe(status);
    expect(calls.resyncs).toBe(0);
  });

  it('refuses every token while BATON_RESYNC_TOKEN is unset, even an empty one', async () => {
    for (const token of [undefined, '']) {
      const { calls, url } = await serve(token);
      const response = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer ' } });
      expect(response.status).toBe(404);
      expect(calls.resyncs).toBe(0);
      await new Promise<void>((resolve) => server?.close(() => resolve()));
      server = undefined;
    }
  });

  it('resyncs for the right token, by POST only', async () => {
    const { calls, url } = await serve(TOKEN);
    expect((await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.status).toBe(202);
    expect(calls.resyncs).toBe(1);
  });
});
