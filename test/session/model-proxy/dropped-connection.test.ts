import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { RESENDS } from '../../../src/session/agent/model-proxy/forward-request.js';
import { message, open, send, startHarness } from '../../security/model-proxy-fixtures.js';

/**
 * A provider's connection dropped before any answer (forward-request.ts): the
 * proxy sends the request again, at most `RESENDS` times, as the providers'
 * SDKs do, and the session is told nothing went wrong. The drop is a real TCP
 * reset, from a server that resets each connection as its request arrives.
 */
async function startResetting(): Promise<{ url: string; resets: () => number }> {
  let resets = 0;
  const server: Server = createServer((req) => {
    resets += 1;
    req.socket.resetAndDestroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push({
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, resets: () => resets };
}

/** The proxy's way to the provider, through the resetting server for the first `drops` requests. */
function droppingFirst(resetting: string, drops: number): typeof globalThis.fetch {
  let sent = 0;
  return (input, init) => {
    sent += 1;
    if (sent > drops) return fetch(input, init);
    const url = new URL(String(input));
    return fetch(`${resetting}${url.pathname}${url.search}`, init);
  };
}

describe('a provider connection dropped before any answer', () => {
  it('is sent again, the answer metered once and the session told nothing', async () => {
    const resetting = await startResetting();
    const { proxy, meter, anthropic, logs } = await startHarness({
      fetchImpl: droppingFirst(resetting.url, RESENDS),
    });
    const answer = await send(proxy, '/v1/messages', message());
    expect(answer.status).toBe(200);
    expect(resetting.resets()).toBe(RESENDS);
    expect(anthropic.requests).toHaveLength(1);
    expect(meter.turns).toBe(1);
    expect(logs.filter((line) => line.includes('dropped before any answer'))).toHaveLength(RESENDS);
  });

  it('is told the provider could not be reached once it dropped more than that, nothing metered', async () => {
    const resetting = await startResetting();
    const { proxy, meter, anthropic } = await startHarness({
      fetchImpl: droppingFirst(resetting.url, RESENDS + 1),
    });
    const answer = await send(proxy, '/v1/messages', message());
    expect(answer.status).toBe(502);
    expect(answer.text).toContain('could not reach the provider');
    expect(answer.text).toContain('ECONNRESET');
    expect(resetting.resets()).toBe(RESENDS + 1);
    expect(anthropic.requests).toEqual([]);
    expect(meter.turns).toBe(0);
  });
});
