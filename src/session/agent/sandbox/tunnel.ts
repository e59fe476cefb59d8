import type { Socket } from 'node:net';
import { isIpLiteral } from '../../../core/sessions/egress.js';
import { MAX_CLIENT_HELLO_BYTES, parseClientHello } from './client-hello.js';

/** Counts and logs one refused connection. */
export type Refuse = (host: string, port: number, why: string) => void;

/** How long a tunnel may stay open without a whole ClientHello. */
const HELLO_TIMEOUT_MS = 10_000;

/**
 * A CONNECT tunnel the proxy opened to `host`: it is acknowledged, then
 * nothing passes until the client's first bytes are a TLS ClientHello whose
 * server name (SNI) is `host` (none, for an IP address the config lists:
 * TLS names no address). An edge that serves many names routes by that name,
 * so a tunnel opened for an allowed name must not name another, nor hide the
 * name it goes to (Encrypted Client Hello: the edge routes by the encrypted
 * inner name, `client-hello.ts`). Anything else (another name, no name, a
 * hidden one, not TLS, nothing within HELLO_TIMEOUT_MS) closes
 * both ends, and is counted; the hello then goes to `upstream` as it came.
 */
export function relayTunnel({
  client,
  upstream,
  head,
  host,
  port,
  refuse,
}: {
  client: Socket;
  upstream: Socket;
  head: Buffer;
  host: string;
  port: number;
  refuse: Refuse;
}): void {
  let held = head;
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  const refused = (why: string) => {
    refuse(host, port, why);
    close();
  };
  const timer = setTimeout(() => refused('no TLS ClientHello'), HELLO_TIMEOUT_MS);
  const judge = () => {
    const hello = parseClientHello(held);
    if (hello.kind === 'incomplete') {
      if (held.length > MAX_CLIENT_HELLO_BYTES + 1024) refused('not a TLS ClientHello');
      return;
    }
    clearTimeout(timer);
    client.off('data', onData);
    if (hello.kind === 'invalid') return refused(`not a TLS ClientHello: ${hello.why}`);
    if (hello.encrypted !== null) {
      return refused(
        `its TLS ClientHello carries ${hello.encrypted} (ECH), which hides the server it goes to`,
      );
    }
    const expected = isIpLiteral(host) ? null : host;
    if (hello.serverName !== expected) {
      return refused(
        hello.serverName === null
          ? 'its TLS ClientHello names no server (SNI)'
          : 'its TLS ClientHello names another server (SNI)',
      );
    }
    upstream.write(held);
    upstream.pipe(client);
    client.pipe(upstream);
  };
  const onData = (chunk: Buffer) => {
    held = Buffer.concat([held, chunk]);
    judge();
  };
  upstream.on('error', close);
  upstream.on('close', () => client.destroy());
  client.on('close', () => {
    clearTimeout(timer);
    upstream.destroy();
  });
  client.on('data', onData);
  client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
  if (held.length > 0) judge();
}
