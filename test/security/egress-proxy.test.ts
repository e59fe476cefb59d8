import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { describeBlocked } from '../../src/core/sessions/egress.js';
import { refusedAddress } from '../../src/session/agent/sandbox/addresses.js';
import { type EgressProxy, startEgressProxy } from '../../src/session/agent/sandbox/proxy.js';
import { makeTempDir, removeTempDirs } from '../session/agent-fixtures.js';

/**
 * Issue: the egress proxy allowed by name and nothing else. It forwarded the
 * client's own `Host` on plain HTTP, passed CONNECT tunnels without reading
 * their TLS server name, and took any port of an allowed name: on an edge that
 * routes by Host or SNI (the CDNs in front of npm, PyPI and RubyGems), a
 * request to an allowed name reached another site. Each attack here goes
 * through the real proxy on its unix socket; the "internet" is one local
 * server standing in for every address, which records what reached it.
 */

let proxy: EgressProxy | undefined;
let upstream: Server | undefined;
afterEach(async () => {
  await proxy?.close();
  upstream?.close();
  proxy = undefined;
  upstream = undefined;
  await removeTempDirs();
});

/** Everything that reached "the internet": per connection, the address dialled and the bytes. */
interface Internet {
  dialled: string[];
  received: () => string;
}

async function startProxy({
  allow,
  resolve = async () => ['198.51.100.7'],
  hosts,
  log = () => {},
}: {
  allow: string[];
  resolve?: (host: string) => Promise<string[]>;
  hosts?: Record<string, string>;
  log?: (line: string) => void;
}): Promise<{ proxy: EgressProxy; internet: Internet }> {
  const chunks: Buffer[] = [];
  const dialled: string[] = [];
  upstream = createServer((socket) => {
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      socket.end('HTTP/1.1 200 OK\r\ncontent-length: 7\r\nconnection: close\r\n\r\nreached');
    });
    socket.on('error', () => {});
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const port = (upstream.address() as { port: number }).port;
  const socket = path.join(await makeTempDir('baton-proxy-'), 'egress.sock');
  proxy = await startEgressProxy({
    socket,
    allow,
    log,
    resolve,
    ...(hosts ? { hosts } : {}),
    // Every address the proxy checked and chose is "dialled" on the stand-in.
    connect: (address) => {
      dialled.push(address);
      return new Promise((done, fail) => {
        const to = connect(port, '127.0.0.1', () => done(to));
        to.on('error', fail);
      });
    },
  });
  return { proxy, internet: { dialled, received: () => Buffer.concat(chunks).toString('latin1') } };
}

/** Sends raw bytes to the proxy and answers everything it sends back until it closes. */
function exchange(socket: string, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const client = connect({ path: socket }, () => client.write(bytes));
    let text = '';
    client.setEncoding('latin1');
    client.on('data', (chunk) => {
      text += chunk;
    });
    client.on('close', () => resolve(text));
    client.on('error', () => {});
  });
}

/** A real ClientHello (Node's TLS client) naming `servername`, or none when it is ''. */
async function clientHello(servername: string): Promise<Buffer> {
  const capture = createServer();
  capture.listen(0, '127.0.0.1');
  await once(capture, 'listening');
  const port = (capture.address() as { port: number }).port;
  const hello = new Promise<Buffer>((resolve) =>
    capture.once('connection', (socket: Socket) => socket.once('data', resolve)),
  );
  const client = tlsConnect({ port, host: '127.0.0.1', servername });
  client.on('error', () => {});
  const bytes = await hello;
  client.destroy();
  capture.close();
  return bytes;
}

/**
 * `hello` (one record, as Node sends it) with an extension of `type` added at
 * the end of its extensions: what a client that speaks Encrypted Client Hello
 * sends, its outer hello naming the allowed host and the real one encrypted.
 */
function withExtension(hello: Buffer, type: number, data: Buffer): Buffer {
  let at = 5 + 4 + 2 + 32;
  at += 1 + hello.readUInt8(at); // session id
  at += 2 + hello.readUInt16BE(at); // cipher suites
  at += 1 + hello.readUInt8(at); // compression methods
  const extension = Buffer.alloc(4 + data.length);
  extension.writeUInt16BE(type, 0);
  extension.writeUInt16BE(data.length, 2);
  data.copy(extension, 4);
  const whole = Buffer.concat([hello, extension]);
  whole.writeUInt16BE(hello.readUInt16BE(at) + extension.length, at);
  whole.writeUInt16BE(hello.readUInt16BE(3) + extension.length, 3);
  whole.writeUIntBE(hello.readUIntBE(6, 3) + extension.length, 6, 3);
  return whole;
}

/** An ECH extension's payload as a client sends it: outer, a config id, an encapsulated key, the encrypted inner hello. */
const ECH_PAYLOAD = Buffer.concat([
  Buffer.from([0, 0, 1, 0, 1, 0x2a, 0, 32]),
  Buffer.alloc(32, 7),
  Buffer.from([0, 200]),
  Buffer.alloc(200, 9),
]);

/** Opens a tunnel to `target`, then sends `first` through it; answers what the client saw. */
function tunnel(socket: string, target: string, first: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const client = connect({ path: socket }, () =>
      client.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`),
    );
    let text = '';
    client.on('data', (chunk) => {
      const opened = !text.includes('\r\n\r\n');
      text += chunk.toString('latin1');
      if (opened && text.startsWith('HTTP/1.1 200')) client.write(first);
    });
    client.on('close', () => resolve(text));
    client.on('error', () => {});
  });
}

describe('plain HTTP through the egress proxy', () => {
  it('refuses a Host that is not the host of the request line, and never reaches it', async () => {
    const log: string[] = [];
    const { proxy, internet } = await startProxy({
      allow: ['archive.ubuntu.com'],
      log: (l) => log.push(l),
    });
    const answer = await exchange(
      proxy.socket,
      'GET http://archive.ubuntu.com/ubuntu/dists/noble/Release HTTP/1.1\r\nHost: exfil.attacker.example\r\nConnection: close\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 403/);
    expect(answer).toContain('the Host header must name archive.ubuntu.com');
    expect(internet.dialled).toEqual([]);
    expect(internet.received()).toBe('');
    expect(proxy.blocked()).toEqual([{ host: 'archive.ubuntu.com', port: 80, count: 1 }]);
    // The attacker's name is not repeated anywhere.
    expect(log.join('\n')).not.toContain('attacker');
  });

  it('takes the same request with its own Host, and sends that Host on', async () => {
    const { proxy, internet } = await startProxy({ allow: ['archive.ubuntu.com'] });
    const answer = await exchange(
      proxy.socket,
      'GET http://archive.ubuntu.com/ubuntu/ HTTP/1.1\r\nHost: archive.ubuntu.com\r\nConnection: close\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200[\s\S]*reached$/);
    expect(internet.received()).toMatch(/^GET \/ubuntu\/ HTTP\/1\.1\r\n/);
    expect(internet.received()).toMatch(/\r\nhost: archive\.ubuntu\.com\r\n/i);
  });

  it.each([
    ['a registry (https only)', 'http://registry.npmjs.org/x', 'registry.npmjs.org', 80],
    [
      'another port of an archive',
      'http://archive.ubuntu.com:8080/x',
      'archive.ubuntu.com:8080',
      8080,
    ],
  ])('refuses plain HTTP to %s', async (_, url, host, port) => {
    const { proxy, internet } = await startProxy({
      allow: ['archive.ubuntu.com', 'registry.npmjs.org'],
    });
    const answer = await exchange(
      proxy.socket,
      `GET ${url} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 403[\s\S]*port 80 of the distribution archives only/);
    expect(internet.dialled).toEqual([]);
    expect(proxy.blocked()).toEqual([{ host: new URL(url).hostname, port, count: 1 }]);
  });
});

describe('tunnels (CONNECT) through the egress proxy', () => {
  it('passes a ClientHello that names the tunnel’s host, as it came', async () => {
    const { proxy, internet } = await startProxy({ allow: ['registry.npmjs.org'] });
    const hello = await clientHello('registry.npmjs.org');
    const seen = await tunnel(proxy.socket, 'registry.npmjs.org:443', hello);
    expect(seen).toMatch(/^HTTP\/1\.1 200 Connection Established\r\n\r\n/);
    expect(internet.dialled).toEqual(['198.51.100.7']);
    expect(Buffer.from(internet.received(), 'latin1').equals(hello)).toBe(true);
  });

  it.each([
    [
      'names another server (SNI)',
      () => clientHello('exfil.attacker.example'),
      'names another server',
    ],
    ['names no server', () => clientHello(''), 'names no server'],
    [
      'is no TLS at all',
      async () => Buffer.from('GET / HTTP/1.1\r\nHost: exfil.attacker.example\r\n\r\n'),
      'not a TLS ClientHello',
    ],
  ])(
    'closes a tunnel to an allowed name whose first bytes %s, before anything reaches it',
    async (_, first, why) => {
      const log: string[] = [];
      const { proxy, internet } = await startProxy({
        allow: ['registry.npmjs.org'],
        log: (l) => log.push(l),
      });
      const seen = await tunnel(proxy.socket, 'registry.npmjs.org:443', await first());
      expect(seen).toBe('HTTP/1.1 200 Connection Established\r\n\r\n');
      expect(internet.received()).toBe('');
      expect(proxy.blocked()).toEqual([{ host: 'registry.npmjs.org', port: 443, count: 1 }]);
      expect(log.join('\n')).toContain(why);
      expect(log.join('\n')).not.toContain('attacker');
    },
  );

  it.each([
    ['encrypted_client_hello', 0xfe0d],
    ['a draft’s encrypted_client_hello', 0xfe0a],
    ['encrypted_server_name (ESNI)', 0xffce],
  ])(
    'closes a tunnel to an allowed name whose ClientHello carries %s, before anything reaches it',
    async (_, type) => {
      // An ECH-capable edge routes by the encrypted inner
      // name, so a hello that names the registry outside goes wherever it names inside.
      const log: string[] = [];
      const { proxy, internet } = await startProxy({
        allow: ['registry.npmjs.org'],
        log: (l) => log.push(l),
      });
      const hello = withExtension(await clientHello('registry.npmjs.org'), type, ECH_PAYLOAD);
      const seen = await tunnel(proxy.socket, 'registry.npmjs.org:443', hello);
      expect(seen).toBe('HTTP/1.1 200 Connection Established\r\n\r\n');
      expect(internet.received()).toBe('');
      expect(proxy.blocked()).toEqual([{ host: 'registry.npmjs.org', port: 443, count: 1 }]);
      expect(log.join('\n')).toMatch(
        /egress: refused registry\.npmjs\.org:443 \(its TLS ClientHello carries encrypted_(client_hello|server_name) \(ECH\), which hides the server it goes to\)/,
      );
    },
  );

  it('passes the same ClientHello with an extension that hides nothing, as it came', async () => {
    const { proxy, internet } = await startProxy({ allow: ['registry.npmjs.org'] });
    const hello = withExtension(await clientHello('registry.npmjs.org'), 0xfe0e, ECH_PAYLOAD);
    expect(await tunnel(proxy.socket, 'registry.npmjs.org:443', hello)).toMatch(/^HTTP\/1\.1 200/);
    expect(Buffer.from(internet.received(), 'latin1').equals(hello)).toBe(true);
  });

  it.each([8443, 22, 80, 25])('refuses port %i of an allowed name', async (port) => {
    const { proxy, internet } = await startProxy({ allow: ['registry.npmjs.org'] });
    const seen = await tunnel(proxy.socket, `registry.npmjs.org:${port}`, Buffer.from('x'));
    expect(seen).toMatch(/^HTTP\/1\.1 403 Forbidden[\s\S]*tunnels \(HTTPS\) go to port 443 only/);
    expect(internet.dialled).toEqual([]);
    expect(proxy.blocked()).toEqual([{ host: 'registry.npmjs.org', port, count: 1 }]);
  });

  it('lets a tunnel to an IP address the config lists carry no server name, and no other', async () => {
    const { proxy, internet } = await startProxy({ allow: ['203.0.113.9'] });
    expect(await tunnel(proxy.socket, '203.0.113.9:443', await clientHello(''))).toMatch(
      /^HTTP\/1\.1 200/,
    );
    expect(internet.received()).not.toBe('');
    const before = internet.received().length;
    await tunnel(proxy.socket, '203.0.113.9:443', await clientHello('exfil.attacker.example'));
    expect(internet.received().length).toBe(before);
  });
});

describe('where an allowed name leads', () => {
  it.each([
    ['a private address', ['10.0.0.5']],
    ['another private address', ['192.168.1.10']],
    ['the metadata service', ['169.254.169.254']],
    ['the shared range of some clouds’ metadata', ['100.100.100.200']],
    ['loopback', ['127.0.0.1']],
    ['a unique local IPv6 address', ['fd12:3456::1']],
    ['an IPv4-mapped loopback', ['::ffff:127.0.0.1']],
    ['AWS’s IPv6 metadata service', ['fd00:ec2::254']],
  ])('refuses a name that resolves to %s, and connects nowhere', async (_, addresses) => {
    const { proxy, internet } = await startProxy({
      allow: ['registry.npmjs.org'],
      resolve: async () => addresses,
    });
    const seen = await tunnel(proxy.socket, 'registry.npmjs.org:443', Buffer.from('x'));
    expect(seen).toMatch(/^HTTP\/1\.1 403[\s\S]*which the proxy never reaches/);
    expect(internet.dialled).toEqual([]);
    expect(proxy.blocked()).toEqual([{ host: 'registry.npmjs.org', port: 443, count: 1 }]);
  });

  it('connects only to the checked addresses of a name that resolves to several', async () => {
    const { proxy, internet } = await startProxy({
      allow: ['registry.npmjs.org'],
      resolve: async () => ['10.0.0.5', '198.51.100.7'],
    });
    await tunnel(proxy.socket, 'registry.npmjs.org:443', await clientHello('registry.npmjs.org'));
    expect(internet.dialled).toEqual(['198.51.100.7']);
  });

  it('checks the addresses the test seam fixes too', async () => {
    const { proxy, internet } = await startProxy({
      allow: ['registry.npmjs.org'],
      hosts: { 'registry.npmjs.org': '10.1.2.3' },
    });
    expect(await tunnel(proxy.socket, 'registry.npmjs.org:443', Buffer.from('x'))).toMatch(/403/);
    expect(internet.dialled).toEqual([]);
  });

  it.each([
    ['10.0.0.5', 'private', null],
    ['127.0.0.1', 'loopback', 'loopback'],
    ['169.254.169.254', 'link-local (metadata service)', 'link-local (metadata service)'],
    ['198.51.100.7', null, null],
    ['2606:4700::1', null, null],
    ['64:ff9b::a00:1', 'private', null],
  ])('%s: refused for a name as %s, for a listed address as %s', (address, forName, listed) => {
    expect(refusedAddress(address, { resolved: true })).toBe(forName);
    expect(refusedAddress(address, { resolved: false })).toBe(listed);
  });
});

describe('what the egress proxy counts', () => {
  it('refuses wildcards and text that is not a host, without repeating it, and sums the many as other hosts', async () => {
    const log: string[] = [];
    const { proxy } = await startProxy({ allow: ['*.a.test'], log: (line) => log.push(line) });
    expect(await tunnel(proxy.socket, '*.a.test:443', Buffer.from('x'))).toContain('403');
    expect(await tunnel(proxy.socket, '@maintainer:443', Buffer.from('x'))).toContain('403');
    for (let i = 0; i < 105; i++)
      await tunnel(proxy.socket, `h${i}.evil.test:443`, Buffer.from('x'));
    const blocked = proxy.blocked();
    expect(blocked.find((b) => b.host === '(not a host name)')?.count).toBe(2);
    expect(blocked.find((b) => b.host === '(other hosts)')?.count).toBe(6);
    expect(blocked.length).toBe(101);
    expect(log.join('\n')).not.toContain('@maintainer');
    expect(describeBlocked(blocked.filter((b) => b.host === '(other hosts)'))).toBe(
      'blocked: 6 connections to other hosts',
    );
  });
});
