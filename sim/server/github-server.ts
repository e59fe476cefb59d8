import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeGitHub } from '../github/fake-github.js';
import { GitRepoStore } from '../github/git-repo-store.js';
import type { ApiRequest } from '../github/router.js';
import { createExtraRoutes } from './extra-routes.js';
import { type FaultSettings, Faults } from './faults.js';
import { serveGit } from './git-http.js';
import {
  answerRest,
  lowerHeaders,
  readBody,
  type ServedRequest,
  writeResponse,
} from './rest-api.js';
import { credentialOf } from './tokens.js';
import { type WebhookRecord, WebhookSender } from './webhooks.js';

/** What the server serves, and where its webhooks go. */
export interface GitHubServerOptions {
  gh: FakeGitHub;
  /** Where webhooks go: the app's `/api/github/webhooks`. */
  appWebhookUrl: string;
  /** More replicas of the app, each at its own webhook URL; deliveries reach them too. */
  replicaWebhookUrls?: string[];
  /** The app's WEBHOOK_SECRET; every delivery is signed with it. */
  webhookSecret: string;
  /** Initial fault knobs (none by default); change them later through `faults`. */
  faults?: Partial<FaultSettings>;
  /** Seeds the fault knobs' random choices. */
  seed?: number;
}

/** A running server: its addresses, its knobs and what it served. */
export interface GitHubServer {
  /** `http://127.0.0.1:<port>`: GITHUB_SERVER_URL. */
  url: string;
  /** `<url>/api/v3`: GITHUB_API_URL, and Probot's base URL for GHE_HOST. */
  apiUrl: string;
  /** `127.0.0.1:<port>`: the app's GHE_HOST (with GHE_PROTOCOL=http). */
  host: string;
  /** `<url>/<owner>/<repo>.git`: the repository's git remote. */
  gitUrl: string;
  faults: Faults;
  /** Every REST request served, faults included. */
  requests: ServedRequest[];
  deliveries: WebhookRecord[];
  /** Resolves once every webhook waiting has been delivered. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Serves the simulated GitHub over HTTP on 127.0.0.1, the way GitHub
 * Enterprise Server lays it out: REST under `/api/v3`, GraphQL at
 * `/api/graphql`, git smart HTTP at `/<owner>/<repo>.git`. Delivers
 * `gh.outbox` to the app as signed webhooks. Git over HTTP needs `gh.git` to
 * be a GitRepoStore.
 */
export async function startGitHubServer(options: GitHubServerOptions): Promise<GitHubServer> {
  const { gh } = options;
  const faults = new Faults({ settings: options.faults ?? {}, seed: options.seed ?? 1 });
  const sender = new WebhookSender({
    gh,
    url: [options.appWebhookUrl, ...(options.replicaWebhookUrls ?? [])],
    secret: options.webhookSecret,
    faults,
  });
  const requests: ServedRequest[] = [];
  const extra = createExtraRoutes(gh);
  let apiUrl = '';
  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`simulator error: ${error instanceof Error ? error.stack : String(error)}`);
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const git = /^\/([^/]+)\/([^/]+)\.git(\/.*)$/.exec(url.pathname);
    if (git) return routeGit(req, res, git);
    const path = url.pathname.startsWith('/api/v3/')
      ? url.pathname.slice('/api/v3'.length)
      : url.pathname === '/api/graphql'
        ? '/graphql'
        : null;
    if (path === null) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          message: `The simulator serves /api/v3, /api/graphql and /${gh.fullName}.git`,
        }),
      );
      return;
    }
    const request: ApiRequest = {
      method: req.method ?? 'GET',
      path,
      query: url.searchParams,
      body: await readBody(req),
      headers: lowerHeaders(req),
    };
    const { response, fault } = answerRest({
      gh,
      extra,
      faults,
      request,
      credential: credentialOf(req.headers),
    });
    requests.push({
      method: request.method,
      path: request.path,
      status: response.status,
      userAgent: request.headers['user-agent'] ?? '',
      ...(fault ? { fault } : {}),
    });
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    writeResponse(res, response, { apiUrl, path });
    sender.pump();
  }

  function routeGit(req: IncomingMessage, res: ServerResponse, match: RegExpExecArray): void {
    const [, owner = '', repo = '', pathInfo = ''] = match;
    const store = gh.git;
    if (
      `${owner}/${repo}`.toLowerCase() !== gh.fullName.toLowerCase() ||
      !(store instanceof GitRepoStore)
    ) {
      res.writeHead(404).end('Repository not found.\n');
      return;
    }
    serveGit({
      req,
      res,
      gitDir: store.gitDir,
      pathInfo,
      onPushed: () => {
        for (const change of store.syncRefs()) {
          if (!change.ref.startsWith('refs/heads/')) continue;
          const branch = change.ref.slice('refs/heads/'.length);
          gh.announcePush({
            branch,
            before: change.before,
            after: change.after,
            sender: gh.botLogin,
          });
        }
        sender.pump();
      },
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  apiUrl = `${url}/api/v3`;
  return {
    url,
    apiUrl,
    host: `127.0.0.1:${port}`,
    gitUrl: `${url}/${gh.fullName}.git`,
    faults,
    requests,
    deliveries: sender.deliveries,
    idle: () => sender.idle(),
    async close() {
      sender.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
