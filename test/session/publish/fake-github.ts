import { createServer, type IncomingMessage } from 'node:http';
import { closeServer, listenLocally } from '../../support/local-server.js';
import { serveGit } from './git-http-server.js';

export const REQUEST_TOKEN = 'actions-request-token';
export const OIDC_JWT = 'header.payload.signature';
export const INSTALLATION_TOKEN = 'ghs_installationTokenNeverLogged';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: unknown;
}

export type ApiReply = { status: number; body: unknown };
export type ApiRoute = (request: RecordedRequest) => ApiReply;

export interface FakeGitHub {
  url: string;
  /** REST calls under /api/v3, in order. */
  api: RecordedRequest[];
  /** Authorization headers git sent, one per smart-HTTP request. */
  gitAuth: Array<string | undefined>;
  /** `METHOD /repos/...` → reply; unknown routes answer 404. */
  routes: Map<string, ApiRoute>;
  /** What the token endpoint answers. */
  exchange: ApiReply;
  /** Authorization headers of each `DELETE /installation/token` (kept apart from `api`). */
  revoked: Array<string | undefined>;
  close(): Promise<void>;
}

/**
 * One server on 127.0.0.1 that plays every party publish talks to: the Actions
 * OIDC endpoint (/oidc), the app's token exchange (/app/...), GitHub's REST
 * API (/api/v3/...) and git over smart HTTP (/<owner>/<repo>.git/...).
 */
export async function startFakeGitHub(gitRoot: string): Promise<FakeGitHub> {
  const fake: Omit<FakeGitHub, 'url' | 'close'> = {
    api: [],
    gitAuth: [],
    revoked: [],
    routes: new Map(),
    exchange: {
      status: 200,
      body: { token: INSTALLATION_TOKEN, expires_at: '2030-01-01T00:00:00Z' },
    },
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.includes('.git/')) {
      fake.gitAuth.push(req.headers.authorization);
      serveGit({ req, res, root: gitRoot, path: url.pathname });
      return;
    }
    void readBody(req).then((body) => {
      const reply = route({ fake, req, url, body });
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
  });
  const url = await listenLocally(server);
  return Object.assign(fake, { url, close: () => closeServer(server) });
}

function route({
  fake,
  req,
  url,
  body,
}: {
  fake: Omit<FakeGitHub, 'url' | 'close'>;
  req: IncomingMessage;
  url: URL;
  body: unknown;
}): ApiReply {
  const authorization = req.headers.authorization;
  if (url.pathname === '/oidc') {
    const allowed =
      authorization === `bearer ${REQUEST_TOKEN}` && url.searchParams.get('audience') === 'baton';
    return allowed
      ? { status: 200, body: { value: OIDC_JWT } }
      : { status: 401, body: { message: 'no' } };
  }
  if (url.pathname === '/app/api/baton/session-token' && req.method === 'POST') {
    if (authorization !== `Bearer ${OIDC_JWT}`)
      return { status: 401, body: { message: 'bad token' } };
    return fake.exchange;
  }
  if (!url.pathname.startsWith('/api/v3/')) return { status: 404, body: { message: 'Not Found' } };
  const path = url.pathname.slice('/api/v3'.length);
  if (path === '/installation/token' && req.method === 'DELETE') {
    fake.revoked.push(authorization);
    return { status: 204, body: null };
  }
  const recorded = {
    method: req.method ?? 'GET',
    path,
    query: url.searchParams,
    authorization,
    body,
  };
  fake.api.push(recorded);
  const handler = fake.routes.get(`${recorded.method} ${path}`);
  return handler ? handler(recorded) : { status: 404, body: { message: 'Not Found' } };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : null;
}
