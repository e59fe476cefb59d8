import { lookup } from 'node:dns/promises';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import { isIP, type Socket, connect as tcpConnect } from 'node:net';
import {
  type BlockedConnections,
  HOST_PATTERN,
  hostAllowed,
  isIpLiteral,
  normalizeHost,
  portAllowed,
} from '../../../core/sessions/egress.js';
import { refusedAddress } from './addresses.js';
import { type Refuse, relayTunnel } from './tunnel.js';

/** Answers the addresses of a host name. */
export type Resolver = (host: string) => Promise<string[]>;
/** Opens a TCP connection to an address the proxy checked. */
export type Connector = (address: string, port: number) => Promise<Socket>;

/** The session's egress proxy, listening on a unix socket that only the sandbox's forwarder reaches. */
export interface EgressProxy {
  socket: string;
  /** Refused connections so far, by host and port. */
  blocked: () => BlockedConnections[];
  close: () => Promise<void>;
}

const defaultResolver: Resolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * Starts the proxy on the unix socket `socket` (docs/security.md, "Egress"):
 * HTTP CONNECT tunnels and plain HTTP requests in absolute form, matched by
 * the host name the client asked for (the model's commands resolve nothing).
 * A tunnel goes to an allowed name on 443 only, and carries TLS whose
 * ClientHello names that same host (SNI); plain HTTP goes to the
 * distribution's archives on 80 only, with a `Host` equal to the request's.
 * The proxy resolves names itself and never connects to an address of the
 * runner's own networks (addresses.ts); `hosts` replaces the resolution of
 * the names it lists (tests, simulations), checked the same way. Each refusal
 * is answered with what to change, logged with host and port, and counted.
 */
export async function startEgressProxy({
  socket,
  allow,
  log,
  hosts = {},
  resolve = defaultResolver,
  connect = connectTo,
}: {
  socket: string;
  allow: readonly string[];
  log: (line: string) => void;
  hosts?: Readonly<Record<string, string>>;
  resolve?: Resolver;
  connect?: Connector;
}): Promise<EgressProxy> {
  const counts = new Map<string, BlockedConnections>();
  const sockets = new Set<Socket>();
  const refuse: Refuse = (host, port, why) => {
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
  const to = upstreams({ allow, hosts, resolve, connect, refuse });
  const server = http.createServer((request, response) => {
    void forwardPlain({ request, response, to, refuse });
  });
  server.on('connect', (request: http.IncomingMessage, client: Socket, head: Buffer) => {
    track(sockets, client);
    client.on('error', () => client.destroy());
    const target = /^\[?([^\]]+?)\]?:(\d+)$/.exec(request.url ?? '');
    if (!target?.[1] || !target[2]) {
      client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const host = normalizeHost(target[1]);
    const port = Number(target[2]);
    const refused = to.judge(host, port, true);
    void (refused !== null ? Promise.resolve(refused) : to.reach(host, port)).then((upstream) => {
      if (typeof upstream === 'string') {
        client.end(
          `HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(upstream) + 1}\r\n\r\n${upstream}\n`,
        );
        return;
      }
      track(sockets, upstream);
      relayTunnel({ client, upstream, head, host, port, refuse });
    });
  });
  server.on('connection', (connection: Socket) => track(sockets, connection));
  await rm(socket, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve());
  });
  return {
    socket,
    blocked: () => [...counts.values()].map((entry) => ({ ...entry })),
    close: async () => {
      for (const open of sockets) open.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(socket, { force: true });
    },
  };
}

function track(sockets: Set<Socket>, socket: Socket): void {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
}

/** How the proxy judges and reaches a host; answers a string for the client when it will not. */
interface Upstreams {
  /** Null when `host:port` may be reached this way, else why not (each refusal counted once). */
  judge: (host: string, port: number, tunnel: boolean) => string | null;
  /** A connection to an address of the judged host that no refusal covers, or why not. */
  reach: (host: string, port: number) => Promise<Socket | string>;
}

function upstreams({
  allow,
  hosts,
  resolve,
  connect,
  refuse,
}: {
  allow: readonly string[];
  hosts: Readonly<Record<string, string>>;
  resolve: Resolver;
  connect: Connector;
  refuse: Refuse;
}): Upstreams {
  return {
    judge(host, port, tunnel) {
      if (!(Number.isInteger(port) && port > 0 && port < 65536)) return 'not a host and port';
      if ((!HOST_PATTERN.test(host) || host.startsWith('*')) && isIP(host) === 0) {
        // Counted, but its text (the command's) is not repeated anywhere.
        refuse('(not a host name)', port, 'not a host name');
        return 'not a host name';
      }
      if (!hostAllowed(host, allow)) {
        const why = isIpLiteral(host)
          ? 'an IP address not on the allowlist'
          : 'not on the allowlist';
        refuse(host, port, why);
        return `${host}:${port} is ${why}; add it to session.network.allow in .github/baton.yml if the build needs it`;
      }
      if (!portAllowed({ host, port, tunnel })) {
        const ports = tunnel
          ? 'tunnels (HTTPS) go to port 443 only'
          : 'plain HTTP goes to port 80 of the distribution archives only';
        refuse(host, port, `port not allowed: ${ports}`);
        return `${host}:${port} is refused: ${ports}`;
      }
      return null;
    },
    async reach(host, port) {
      const literal = isIpLiteral(host);
      let addresses: string[];
      try {
        const fixed = hosts[host];
        addresses = fixed ? [fixed] : literal ? [host] : await resolve(host);
      } catch (error) {
        return `${host} could not be resolved: ${(error as Error).message}`;
      }
      // The address connected to is the one checked: nothing resolves the name again.
      const refusals = addresses.map((address) => refusedAddress(address, { resolved: !literal }));
      const usable = addresses.filter((_, i) => refusals[i] === null);
      if (usable.length === 0) {
        const kind = refusals.find((why) => why !== null) ?? 'no';
        refuse(host, port, `resolves to a ${kind} address`);
        return `${host} resolves to a ${kind} address, which the proxy never reaches`;
      }
      for (const address of usable) {
        const socket = await connect(address, port).catch(() => null);
        if (socket) return socket;
      }
      return `${host}:${port} could not be reached`;
    },
  };
}

/**
 * One plain HTTP request in absolute form. Its `Host` must name the host of
 * the request line: an edge that routes by `Host` would otherwise take it to
 * another site under the allowed name's address.
 */
async function forwardPlain({
  request,
  response,
  to,
  refuse,
}: {
  request: http.IncomingMessage;
  response: http.ServerResponse;
  to: Upstreams;
  refuse: Refuse;
}): Promise<void> {
  let url: URL;
  try {
    url = new URL(request.url ?? '');
  } catch {
    response.writeHead(400).end('the egress proxy takes absolute http:// URLs and CONNECT\n');
    return;
  }
  if (url.protocol !== 'http:' || url.username || url.password) {
    response
      .writeHead(400)
      .end(
        'the egress proxy forwards http:// URLs without credentials only; use CONNECT for TLS\n',
      );
    return;
  }
  const host = normalizeHost(url.hostname);
  const port = Number(url.port || 80);
  const refused = to.judge(host, port, false);
  if (refused !== null) {
    response.writeHead(403, { 'content-type': 'text/plain' }).end(`${refused}\n`);
    return;
  }
  const named = normalizeHost(request.headers.host ?? '');
  if (named !== host && named !== `${host}:${port}` && named !== `[${host}]:${port}`) {
    refuse(host, port, 'its Host header names another host');
    response
      .writeHead(403, { 'content-type': 'text/plain' })
      .end(`the Host header must name ${url.host}, the host of the request line\n`);
    return;
  }
  const upstream = await to.reach(host, port);
  if (typeof upstream === 'string') {
    response.writeHead(403, { 'content-type': 'text/plain' }).end(`${upstream}\n`);
    return;
  }
  const headers: http.OutgoingHttpHeaders = { ...request.headers, host: url.host };
  for (const hop of [
    'proxy-authorization',
    'proxy-connection',
    'connection',
    'upgrade',
    'keep-alive',
  ])
    delete headers[hop];
  const forwarded = http.request({
    createConnection: () => upstream,
    method: request.method,
    path: `${url.pathname}${url.search}`,
    headers,
  });
  forwarded.on('response', (answer) => {
    response.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(response);
  });
  forwarded.on('upgrade', () => response.destroy());
  forwarded.on('error', () => response.destroy());
  request.pipe(forwarded);
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
