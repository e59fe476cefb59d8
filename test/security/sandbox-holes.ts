import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { chmod, mkdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';

/**
 * What packet rules on the tools user's uid never saw, set up on the host for
 * the attack tests: each answers `REACHED:<name>` to whoever connects. Where
 * the machine has the real thing (a system bus, systemd-resolved), that one
 * is left alone and probed as it is.
 */
export interface Holes {
  /** The probe targets (reach-probe.cjs), by name. */
  targets: Record<string, string>;
  close: () => Promise<void>;
}

export const DBUS_SOCKET = '/run/dbus/system_bus_socket';
export const VARLINK_SOCKET = '/run/systemd/resolve/io.systemd.Resolve';

export async function openHoles(): Promise<Holes> {
  const servers: Server[] = [];
  const sockets: UdpSocket[] = [];
  const made: string[] = [];
  const reply = (name: string) => (socket: import('node:net').Socket) => {
    socket.on('error', () => {});
    socket.end(`REACHED:${name}\n`);
  };
  const listen = async (name: string, where: Parameters<Server['listen']>[0]) => {
    const server = createServer(reply(name));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(where, () => resolve());
    });
    servers.push(server);
    return server;
  };
  for (const [name, file] of [
    ['dbus', DBUS_SOCKET],
    ['varlink', VARLINK_SOCKET],
  ] as const) {
    if (existsSync(file)) continue;
    const first = await mkdir(path.dirname(file), { recursive: true });
    if (first) made.push(first);
    await listen(name, file);
    // As the real ones are: anyone may connect.
    await chmod(file, 0o666);
    made.push(file);
  }
  const abstract = `baton-test-abstract-${process.pid}`;
  await listen('abstract', `\0${abstract}`);
  const v4 = await listen('loopback', { host: '127.0.0.1', port: 0 });
  const v6 = await listen('loopback6', { host: '::1', port: 0 });
  // The stub resolver's address, unless a real one answers there already.
  await listen('stub-tcp', { host: '127.0.0.53', port: 53 }).catch(() => null);
  const udp = createSocket('udp4');
  udp.on('message', (_, from) => udp.send('REACHED:stub-udp\n', from.port, from.address));
  await new Promise<void>((resolve) => {
    udp.once('error', () => resolve());
    udp.bind(53, '127.0.0.53', () => resolve());
  });
  sockets.push(udp);
  const port = (server: Server) => (server.address() as { port: number }).port;
  return {
    targets: {
      dbus: `unix:${DBUS_SOCKET}`,
      varlink: `unix:${VARLINK_SOCKET}`,
      stubUdp: 'udp:127.0.0.53:53',
      stubTcp: 'tcp:127.0.0.53:53',
      loopback: `tcp:127.0.0.1:${port(v4)}`,
      loopback6: `tcp:[::1]:${port(v6)}`,
      abstract: `abstract:${abstract}`,
    },
    close: async () => {
      for (const server of servers) server.close();
      for (const socket of sockets) socket.close();
      for (const file of made.reverse()) await rm(file, { recursive: true, force: true });
    },
  };
}
