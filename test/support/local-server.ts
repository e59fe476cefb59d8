import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts `server` on 127.0.0.1 at a free port; answers its base URL. */
export async function listenLocally(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes `server` at once, keep-alive connections included. */
export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * A port nothing on 127.0.0.1 listens on now, for a server that cannot be told to take
 * any free one: Probot's `Server` reads port 0 as 3000, which tests in other workers share.
 */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await listenLocally(probe);
  const { port } = probe.address() as AddressInfo;
  await closeServer(probe);
  return port;
}
