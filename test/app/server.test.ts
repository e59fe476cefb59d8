import type { AddressInfo } from 'node:net';
import { Probot, Server } from 'probot';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createBaton } from '../../src/index.js';
import { TEST_PRIVATE_KEY as privateKey } from '../support/app-key.js';
import { type CapturedLog, captureLog } from '../support/captured-log.js';
import { freePort } from '../support/local-server.js';

describe('the app server', () => {
  let server: Server;
  let base: string;
  let captured: CapturedLog;

  beforeAll(async () => {
    vi.stubEnv('BATON_APP_URL', 'http://localhost:3000');
    vi.stubEnv('GITHUB_CLIENT_ID', '');
    vi.stubEnv('GITHUB_CLIENT_SECRET', '');
    captured = captureLog('info');
    server = new Server({
      host: '127.0.0.1',
      port: await freePort(),
      log: captured.log,
      Probot: Probot.defaults({ appId: 1, privateKey, secret: 'test-secret' }),
    });
    await server.load(createBaton({ resyncMinutes: 0 }));
    const http = await server.start();
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await server.stop();
  });

  /** The log lines that mention `text`, once the server has logged the request's end. */
  async function linesWith(text: string) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    return captured.records().filter((record) => JSON.stringify(record).includes(text));
  }

  /** An `issues` webhook posted to the server, signed with `signature` if one is given. */
  function postIssuesWebhook({
    delivery,
    body,
    signature,
  }: {
    delivery: string;
    body: string;
    signature?: string;
  }) {
    return fetch(`${base}/api/github/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'issues',
        'x-github-delivery': delivery,
        ...(signature ? { 'x-hub-signature-256': signature } : {}),
      },
      body,
    });
  }

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

  it('answers / with 200 and what to set up while sign-in is not set up, as a load balancer probes it', async () => {
    const home = await fetch(`${base}/`);
    expect(home.status).toBe(200);
    const page = await home.text();
    expect(page).toContain('Sign-in is not set up');
    expect(page).toContain('GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET');
    expect(page).not.toContain('Sign in with GitHub');
  });

  it('warns once at start-up that BATON_APP_URL is not reachable from GitHub runners', async () => {
    const warnings = await linesWith('BATON_APP_URL is http://localhost:3000');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      level: 40,
      msg: expect.stringMatching(/public https URL/),
    });
  });

  it('answers a webhook with a bad signature 400 and logs it as one line without a stack', async () => {
    const response = await postIssuesWebhook({
      delivery: 'bad-signature-delivery',
      body: JSON.stringify({ action: 'opened' }),
      signature: `sha256=${'0'.repeat(64)}`,
    });
    expect(response.status).toBe(400);
    const lines = await linesWith('bad-signature-delivery');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        deliveryId: 'bad-signature-delivery',
        event: 'issues',
        msg: expect.stringMatching(/signature does not match WEBHOOK_SECRET.*GitHub App settings/),
      }),
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/stack|at verifyAndReceive/);
  });

  it('never logs the bearer token a request carries', async () => {
    const token = 'eyJ-a-session-oidc-token-that-must-not-be-logged';
    await fetch(`${base}/api/baton/session-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    await fetch(`${base}/api/baton/resync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    const logged = await linesWith('/api/baton/');
    expect(logged.length).toBeGreaterThanOrEqual(2);
    expect(captured.text()).not.toContain(token);
    expect(JSON.stringify(logged)).toContain('[redacted]');
  });

  it('refuses an unsigned webhook', async () => {
    const response = await postIssuesWebhook({ delivery: '1', body: '{}' });
    expect(response.status).toBeGreaterThanOrEqual(400);
  });
});
