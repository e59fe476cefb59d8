import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { normalizePrivateKey, readStartEnv } from '../../src/server/start-env.js';
import { ProxyUnavailable, startWebhookProxy } from '../../src/server/webhook-proxy.js';

const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIB\nAAAA\n-----END RSA PRIVATE KEY-----\n';
const escaped = PEM.replaceAll('\n', '\\n');

describe('normalizePrivateKey', () => {
  it.each([
    { form: 'a PEM as it is', value: PEM, key: PEM.trim() },
    {
      form: 'double-quoted and \\n-escaped (Probot setup, docker --env-file)',
      value: `"${escaped}"`,
      key: PEM.trim(),
    },
    { form: 'single-quoted and \\n-escaped', value: `'${escaped}'`, key: PEM.trim() },
    { form: '\\n-escaped without quotes', value: escaped, key: PEM.trim() },
    { form: '\\r\\n-escaped', value: `"${PEM.replaceAll('\n', '\\r\\n')}"`, key: PEM.trim() },
    {
      form: 'unmatched quote (left for Probot to refuse)',
      value: `"${escaped}`,
      key: `"${PEM.trim()}`,
    },
    { form: 'base64 (left for Probot)', value: 'LS0tLS1CRUdJTg==', key: 'LS0tLS1CRUdJTg==' },
  ])('$form', ({ value, key }) => {
    expect(normalizePrivateKey(value)).toBe(key);
  });
});

describe('readStartEnv', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  it('puts .env over the process, takes WEBHOOK_PROXY_URL out for Baton, and normalises the key', () => {
    const folder = mkdtempSync(join(tmpdir(), 'baton-start-env-'));
    folders.push(folder);
    writeFileSync(join(folder, '.env'), 'APP_ID=7\nWEBHOOK_PROXY_URL=https://smee.io/x\n');
    const start = readStartEnv({ APP_ID: '1', PRIVATE_KEY: `"${escaped}"`, PORT: '4000' }, folder);
    expect(start).toEqual({
      env: { APP_ID: '7', PRIVATE_KEY: PEM.trim(), PORT: '4000' },
      webhookProxyUrl: 'https://smee.io/x',
    });
  });
});

describe('startWebhookProxy', () => {
  // The proxy's waits are timers: the tests move a fake clock through them rather than wait.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('tries again after 1, 2, 4 … s up to the cap, and from 1 s again after a connection that dropped', async () => {
    const warnings: string[] = [];
    const waits: number[] = [];
    const outcomes = ['fail', 'fail', 'fail', 'fail', 'open-then-drop', 'fail'];
    let lost: ((reason: string) => void) | undefined;
    const proxy = startWebhookProxy({
      source: 'https://smee.io/secret-channel',
      target: 'http://127.0.0.1:3000/api/github/webhooks',
      log: { info: () => {}, warn: (message) => warnings.push(message) },
      firstDelayMs: 1,
      maxDelayMs: 4,
      connect: async ({ onLost }) => {
        const outcome = outcomes.shift() ?? 'hang';
        if (outcome === 'fail')
          throw new Error('connect ECONNREFUSED https://smee.io/secret-channel');
        if (outcome === 'hang') return new Promise(() => {});
        lost = onLost;
        return { close: () => {} };
      },
    });
    // Every wait until the connection opens, then every wait after it drops until one hangs.
    await vi.runAllTimersAsync();
    expect(lost).toBeDefined();
    lost?.('the channel closed');
    await vi.runAllTimersAsync();
    expect(outcomes).toEqual([]);
    proxy.stop();
    for (const warning of warnings) waits.push(Number(/in (\d+) ms/.exec(warning)?.[1]));
    expect(waits).toEqual([1, 2, 4, 4, 1, 2]);
    expect(warnings.join('\n')).not.toContain('secret-channel');
    expect(warnings[0]).toBe(
      'baton: the webhook proxy https://smee.io is unreachable (connect ECONNREFUSED https://smee.io); webhooks sent through it wait there; trying again in 1 ms',
    );
  });

  it('says once, and does not try again, when there is no client to connect with', async () => {
    const warnings: string[] = [];
    let tries = 0;
    const proxy = startWebhookProxy({
      source: 'https://smee.io/x',
      target: 'http://127.0.0.1:3000/api/github/webhooks',
      log: { info: () => {}, warn: (message) => warnings.push(message) },
      firstDelayMs: 1,
      connect: async () => {
        tries += 1;
        throw new ProxyUnavailable('smee-client is not installed');
      },
    });
    // Its refusal said, the proxy holds no timer that would try again.
    await vi.runAllTimersAsync();
    expect(vi.getTimerCount()).toBe(0);
    proxy.stop();
    expect({ tries, warnings }).toEqual({
      tries: 1,
      warnings: ['baton: smee-client is not installed'],
    });
  });
});
