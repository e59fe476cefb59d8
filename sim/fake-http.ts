/** What the simulator's fake HTTP services (the model providers) share. */
import type { IncomingMessage, Server } from 'node:http';

/** Calls `then` with a request's whole body as text, once all of it has arrived. */
export function withBody(req: IncomingMessage, then: (text: string) => Promise<void> | void): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => then(Buffer.concat(chunks).toString('utf8')));
}

/** Closes `server` at once, keep-alive connections included; rejects where closing fails. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.closeAllConnections();
    server.close((error) => (error ? reject(error) : resolve()));
  });
}
