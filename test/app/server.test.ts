import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Probot, Server } from 'probot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBaton } from '../../src/index.js';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

describe('the app server', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = new Server({
      host: '127.0.0.1',
      port: 0,
      Probot: Probot.defaults({ appId: 1, privateKey, secret: 'test-secret', logLevel: 'fatal' }),
      loggingOptions: { autoLogging: false },
    });
    await server.load(createBaton({ resyncMinutes: 0 }));
    const http = await server.start();
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => server.stop());

  it('serves the session token exchange beside the webhooks and refuses a request without a token', async () => {
    const response = await fetch(`${base}/api/baton/session-token`, { method: 'POST' });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: expect.stringMatching(/Bearer/i) });
  });

  it('serves the probes and the resync endpoint, which refuses all while BATON_RESYNC_TOKEN is unset', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const resync = await fetch(`${base}/api/baton/resync`, {
      method: 'POST',
      headers: { authorization: 'Bearer anything' },
    });
    expect(resync.status).toBe(404);
  });

  it('refuses an unsigned webhook', async () => {
    const response = await fetch(`${base}/api/github/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'issues',
        'x-github-delivery': '1',
      },
      body: '{}',
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
  });
});
