import { lookup } from 'node:dns/promises';
import http from 'node:http';
import { isIP, type Socket, connect as tcpConnect } from 'node:net';
import {
  type BlockedConnections,
  HOST_PATTERN,
  hostAllowed,
  isIpLiteral,
  normalizeHost,
} from '../../../core/sessions/egress.js';

/** Answers the addresses of a host name. */
export type Resolver = (host: string) => Promise<string[]>;

/** The session's egress proxy, listening on loopback for the tools user's commands. */
export interface EgressProxy {
  port: number;
  /** Refused connections so far, by host and port. */
  blocked: () => BlockedConnections[];
  close: () => Promise<void>;
}

/**
 * Addresses the proxy never connects to for a name it resolved: loopback,
 * link-local (the cloud metadata service at 169.254.169.254), unspecified and
 * multicast. A name on the allowlist that resolves there is refused.
 */
export function forbiddenAddress(address: string): boolean {
  const a = address.toLowerCase();
  if (isIP(a) === 4) {
    const [first = 0, second = 0] = a.split('.').map(Number);
    return first === 127 || first === 0 || (first === 169 && second === 254) || first >= 224;
  }
  if (a.startsWith('::ffff:')) return forbiddenAddress(a.slice(7));
  return (
    a === '::1' ||
    a === '::' ||
    a.startsWith('fe8') ||
    a.startsWith('fe9') ||
    a.startsWith('fea') ||
    a.startsWith('feb') ||
    a.startsWith('ff')
  );
}

const defaultResolver: Resolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * Starts the proxy: HTTP CONNECT (any TLS or other stream) and plain HTTP
 * requests in absolute form, matched by the host name the client asked for
 * (never by an address it resolved: the tools user resolves nothing, DNS is
 * refused to it). An IP literal passes only when that address is on the list.
 * The proxy resolves names itself; `hosts` replaces that resolution for the
 * names it lists (tests, simulations). Each refusal is answered 403 with what
 * to change, logged with host and port, and counted.
 */
export async function startEgressProxy({
  allow,
  log,
  hosts = {},
  resolve = defaultResolver,
}: {
  allow: readonly string[];
  log: (line: string) => void;
  hosts?: Readonly<Record<string, string>>;
  resolve?: Resolver;
}): Promise<EgressProxy> {
  const counts = new Map<string, BlockedConnections>();
  const sockets = new Set<Socket>();
  const refuse = (host: string, port: number, why: string) => {
    // A command that tries thousands of hosts is summed, not listed.
    const listed = counts.size < MAX_LISTED || counts.has(`${host}\n${port}`);
    const key = listed ? `${host}\n${port}` : OTHER_HOSTS;
    const entry =
      counts.get(key) ??
      (listed ? { host, port, count: 0 } : { host: OTHER_HOSTS, port: 0, count: 0 });
    entry.count++;
    counts.set(key, entry);
    log(`egress: refused ${host.includes(':') ? `[${host}]` : host}:${port} (${why})`);
  };
  const addressesOf = async (host: string): Promise<string[]> => {
    const mapped = hosts[host];
    if (mapped) return [mapped];
    if (isIpLiteral(host)) return [host];
    return resolve(host);
  };
  /** Opens a connection to an allowed host, or says why not. */
  const open = async (rawHost: string, port: number): Promise<Socket | string> => {
    const host = normalizeHost(rawHost);
    if (!(port > 0 && port < 65536)) return 'not a host and port';
    if ((!HOST_PATTERN.test(host) || host.startsWith('*')) && isIP(host) === 0) {
      // Counted, but its text (the command's) is not repeated anywhere.
      refuse('(not a host name)', port, 'not a host name');
      return 'not a host name';
    }
    if (!hostAllowed(host, allow)) {
      const why = isIpLiteral(host) ? 'an IP address not on the allowlist' : 'not on the allowlist';
      refuse(host, port, why);
      return `${host}:${port} is ${why}; add it to session.network.allow in .github/baton.yml if the build needs it`;
    }
    let addresses: string[];
    try {
      addresses = await addressesOf(host);
    } catch (error) {
      return `${host} could not be resolved: ${(error as Error).message}`;
    }
    // A name on the list that resolves to loopback or the metadata service is not followed there.
    if (!hosts[host]) addresses = addresses.filter((address) => !forbiddenAddress(address));
    if (addresses.length === 0) {
      refuse(host, port, 'resolves to a loopback, link-local or multicast address');
      return `${host} resolves to no address the proxy may reach`;
    }
    for (const address of addresses) {
      const socket = await connectTo(address, port).catch(() => null);
      if (socket) return socket;
    }
    return `${host}:${port} could not be reached`;
  };

  const server = http.createServer((request, response) => {
    let url: URL;
    try {
      url = new URL(request.url ?? '');
    } catch {
      response.writeHead(400).end('the egress proxy takes absolute http:// URLs and CONNECT\n');
      return;
    }
    if (url.protocol !== 'http:') {
      response.writeHead(400).end('the egress proxy forwards http:// only; use CONNECT for TLS\n');
      return;
    }
    const port = Number(url.port || 80);
    void open(url.hostname, port).then((socket) => {
      if (typeof socket === 'string') {
        response.writeHead(403, { 'content-type': 'text/plain' }).end(`${socket}\n`);
        return;
      }
      const headers = { ...request.headers };
      delete headers['proxy-authorization'];
      delete headers['proxy-connection'];
      const upstream = http.request({
        createConnection: () => socket,
        method: request.method,
        path: `${url.pathname}${url.search}`,
        headers,
      });
      upstream.on('response', (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      upstream.on('error', () => response.destroy());
      request.pipe(upstream);
    });
  });
  server.on('connect', (request: http.IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const target = /^\[?([^\]]+?)\]?:(\d+)$/.exec(request.url ?? '');
    if (!target?.[1] || !target[2]) {
      client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    void open(target[1], Number(target[2])).then((socket) => {
      if (typeof socket === 'string') {
        client.end(
          `HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(socket) + 1}\r\n\r\n${socket}\n`,
        );
        return;
      }
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => client.destroy());
      client.on('close', () => socket.destroy());
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) socket.write(head);
      socket.pipe(client);
      client.pipe(socket);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    blocked: () => [...counts.values()].map((entry) => ({ ...entry })),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const CONNECT_TIMEOUT_MS = 10_000;
/** Distinct hosts and ports counted one by one; the rest are summed as `(other hosts)`. */
const MAX_LISTED = 100;
const OTHER_HOSTS = '(other hosts)';

function connectTo(address: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: address, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('timed out'));
    }, CONNECT_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
