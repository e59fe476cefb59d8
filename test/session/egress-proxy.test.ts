import { connect, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { describeBlocked } from '../../src/core/sessions/egress.js';
import {
  type EgressProxy,
  forbiddenAddress,
  startEgressProxy,
} from '../../src/session/agent/sandbox/proxy.js';

let proxy: EgressProxy | undefined;
let upstream: Server | undefined;
afterEach(async () => {
  await proxy?.close();
  upstream?.close();
  proxy = undefined;
  upstream = undefined;
});

/** Sends CONNECT target through the proxy and answers the status line. */
function connectThrough(port: number, target: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
    });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      text += chunk;
      if (text.includes('\r\n')) {
        resolve(text.slice(0, text.indexOf('\r\n')));
        socket.destroy();
      }
    });
    socket.on('error', (error) => resolve(`error ${error.message}`));
  });
}

describe('forbiddenAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['169.254.169.254', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['::1', true],
    ['fe80::1', true],
    ['::ffff:169.254.169.254', true],
    ['10.0.0.1', false],
    ['93.184.216.34', false],
    ['2606:4700::1', false],
  ])('%s: %s', (address, forbidden) => {
    expect(forbiddenAddress(address)).toBe(forbidden);
  });
});

describe('the egress proxy', () => {
  it('refuses wildcards and text that is not a host, without repeating it, and sums the many as other hosts', async () => {
    const log: string[] = [];
    proxy = await startEgressProxy({
      allow: ['*.a.test'],
      log: (line) => log.push(line),
      hosts: {},
    });
    expect(await connectThrough(proxy.port, '*.a.test:443')).toContain('403');
    expect(await connectThrough(proxy.port, '@maintainer:443')).toContain('403');
    for (let i = 0; i < 105; i++) await connectThrough(proxy.port, `h${i}.evil.test:443`);
    const blocked = proxy.blocked();
    expect(blocked.find((b) => b.host === '(not a host name)')?.count).toBe(2);
    expect(blocked.find((b) => b.host === '(other hosts)')?.count).toBe(6);
    expect(blocked.length).toBe(101);
    expect(log.join('\n')).not.toContain('@maintainer');
    expect(describeBlocked(blocked.filter((b) => b.host === '(other hosts)'))).toBe(
      'blocked: 6 connections to other hosts',
    );
  });

  it('tunnels to an allowed name it resolves, and refuses one whose name resolves to the metadata service', async () => {
    upstream = createServer((socket) => socket.end('hello'));
    await new Promise<void>((resolve) => upstream!.listen(0, '127.0.0.1', resolve));
    const address = upstream.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    proxy = await startEgressProxy({
      allow: ['ok.test', 'metadata.test'],
      log: () => {},
      hosts: { 'ok.test': '127.0.0.1' },
      resolve: async () => ['169.254.169.254'],
    });
    expect(await connectThrough(proxy.port, `ok.test:${port}`)).toBe(
      'HTTP/1.1 200 Connection Established',
    );
    // The default resolver drops such addresses; a resolver that answers one is not trusted either.
    expect(await connectThrough(proxy.port, 'metadata.test:80')).toContain('403');
  });
});
