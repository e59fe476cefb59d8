/**
 * A simulated tracker's API served over HTTP on 127.0.0.1, for an app in a
 * process of its own (a whole build's hosted app, the Linear demo): the app
 * is told its address (`BATON_LINEAR_API_URL`, `BATON_JIRA_SITE`), as it is
 * told GitHub's.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, withBody } from '../fake-http.js';
import type { TrackerRequest, TrackerResponse } from './tracker-request.js';

export interface ServedTracker {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  stop(): Promise<void>;
}

export async function serveTracker(
  handle: (request: TrackerRequest) => TrackerResponse,
): Promise<ServedTracker> {
  const server = createServer((req, res) =>
    withBody(req, (text) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([key, value]) => [key.toLowerCase(), String(value)]),
      );
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end('{"errors":[{"message":"Body is not JSON"}]}');
        return;
      }
      const answer = handle({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.search,
        headers,
        body,
      });
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, stop: () => closeServer(server) };
}
