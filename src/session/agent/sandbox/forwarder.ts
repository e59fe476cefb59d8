/**
 * The program that makes the session's unix sockets (the egress proxy, and
 * whatever else the session serves) reachable inside the sandbox as
 * `127.0.0.1:<port>`: run by Node (`node -e`) with one `PORT=SOCKET` argument
 * per forward, in the sandbox's network namespace but in the host's mount and
 * pid namespaces, as the job's user. So the sockets stay hidden inside (the
 * sandbox's /tmp and /run are its own) and nothing inside can see, signal or
 * replace the forwarder. It prints `ready` once every port listens, and ends
 * when its stdin closes (the session ended, however it ended).
 *
 * Plain CommonJS with no dependency: it is handed to `node -e` as text.
 */
export const FORWARDER_SOURCE = `
'use strict';
const net = require('node:net');
const forwards = process.argv.slice(1).map((spec) => {
  const at = spec.indexOf('=');
  return { port: Number(spec.slice(0, at)), socket: spec.slice(at + 1) };
});
let waiting = forwards.length;
for (const { port, socket } of forwards) {
  const server = net.createServer((client) => {
    const upstream = net.connect({ path: socket });
    const close = () => { client.destroy(); upstream.destroy(); };
    client.on('error', close); upstream.on('error', close);
    client.on('close', close); upstream.on('close', close);
    client.pipe(upstream).pipe(client);
  });
  server.on('error', (error) => { process.stderr.write('forwarder: ' + error.message + '\\n'); process.exit(1); });
  server.listen({ host: '127.0.0.1', port, backlog: 1024 }, () => {
    if (--waiting === 0) process.stdout.write('ready\\n');
  });
}
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
`;

/** One port inside the sandbox and the unix socket on the host it reaches. */
export interface Forward {
  port: number;
  socket: string;
}

/** The arguments of the forwarder for `forwards`. */
export function forwarderArgs(forwards: readonly Forward[]): string[] {
  return forwards.map(({ port, socket }) => `${port}=${socket}`);
}
