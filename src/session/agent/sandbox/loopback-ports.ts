import { rm } from 'node:fs/promises';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import path from 'node:path';
import type { Forward } from './forwarder.js';

/** Relays from the session's own unix sockets to ports of the runner's loopback. */
export interface LoopbackPorts {
  forwards: Forward[];
  close: () => Promise<void>;
}

/**
 * The ports of `session.network.ports` (services the setup started on the
 * runner's loopback: a database): for each, a unix socket in `dir` that this
 * process relays to `127.0.0.1:<port>`, and a forward that makes it
 * `127.0.0.1:<port>` inside the sandbox. Only the listed ports: the rest of
 * the runner's loopback stays out of the sandbox's reach.
 */
export async function openLoopbackPorts({
  ports,
  dir,
}: {
  ports: readonly number[];
  dir: string;
}): Promise<LoopbackPorts> {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const forwards: Forward[] = [];
  for (const port of new Set(ports)) {
    const socket = path.join(dir, `port-${port}.sock`);
    const server = createServer((client) => {
      const service = tcpConnect({ host: '127.0.0.1', port });
      track(client);
      track(service);
      client.on('close', () => service.destroy());
      service.on('close', () => client.destroy());
      client.pipe(service).pipe(client);
    });
    await rm(socket, { force: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socket, () => resolve());
    });
    servers.push(server);
    forwards.push({ port, socket });
  }
  return {
    forwards,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all(
        servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
      );
    },
  };
}
