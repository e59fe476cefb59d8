import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeGitHub } from '../github/fake-github.js';
import { GitRepoStore } from '../github/git/git-repo-store.js';
import type { SimUserAuth } from '../github/oauth/user-auth.js';
import { type ApiRequest, json } from '../github/router.js';
import { serveArchive } from '../github/routes/routes-archive.js';
import { credentialOf, installationOfToken } from '../github/tokens.js';
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
import { type WebhookRecord, WebhookSender } from './webhooks.js';

/** What the server serves, and where its webhooks go. */
export interface GitHubServerOptions {
  gh: FakeGitHub;
  /**
   * More repositories served beside `gh`, each with its own owner/name and
   * installation (`installationId`): requests are routed to the repository
   * they name (the path, GraphQL's `owner`/`repo` variables, the installation
   * in the path or the installation token), and each one's webhooks are
   * delivered as they come. Git over HTTP serves each that lives in a GitRepoStore.
   */
  repositories?: FakeGitHub[];
  /**
   * Where webhooks go: the app's `/api/github/webhooks`; null for a repository with
   * nothing hosted, whose events start the conductor workflow instead (the events stay
   * in `gh.outbox` for `startConductorTrigger`).
   */
  appWebhookUrl: string | null;
  /** More replicas of the app, each at its own webhook URL; deliveries reach them too. */
  replicaWebhookUrls?: string[];
  /** The app's WEBHOOK_SECRET; every delivery is signed with it. */
  webhookSecret: string;
  /** Initial fault knobs (none by default); change them later through `faults`. */
  faults?: Partial<FaultSettings>;
  /** Seeds the fault knobs' random choices. */
  seed?: number;
  /**
   * The app's user authorization (sim/github/oauth/): the web flow at
   * `/login/oauth/…` on the web host, and what a user access token reads
   * (`/user`, `/user/installations…`, `DELETE /applications/{client_id}/token`).
   */
  userAuth?: SimUserAuth;
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
  /**
   * Points deliveries at another URL for the app (`index` 0) or a replica
   * (1 on): an app that had to listen on another port than first chosen.
   */
  setWebhookUrl(index: number, url: string): void;
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
  const served = [gh, ...(options.repositories ?? [])];
  const deliveries: WebhookRecord[] = [];
  const appWebhookUrl = options.appWebhookUrl;
  // One list for every sender, so that a URL set later reaches them all.
  const webhookUrls = [appWebhookUrl ?? '', ...(options.replicaWebhookUrls ?? [])];
  const senders = (appWebhookUrl === null ? [] : served).map(
    (one) =>
      new WebhookSender({
        gh: one,
        url: webhookUrls,
        secret: options.webhookSecret,
        faults,
        deliveries,
      }),
  );
  const pumpAll = () => {
    for (const sender of senders) sender.pump();
  };
  const requests: ServedRequest[] = [];
  /** Notes a request served, with its status and the fault that answered it, if one did. */
  const noteServed = (request: ApiRequest, status: number, fault?: ServedRequest['fault']) =>
    requests.push({
      method: request.method,
      path: request.path,
      status,
      userAgent: request.headers['user-agent'] ?? '',
      at: Date.now(),
      ...(fault ? { fault } : {}),
    });
  const extras = new Map(served.map((one) => [one, createExtraRoutes(one)]));
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
    if (options.userAuth && url.pathname.startsWith('/login/oauth/'))
      return routeWebFlow(req, res, url, options.userAuth);
    if (url.pathname.startsWith(`${CODELOAD_PATH}/`)) return routeArchive(res, url);
    // GraphQL is at /api/graphql only, as on Enterprise Server: /api/v3/graphql is a 404 there.
    const path =
      url.pathname.startsWith('/api/v3/') && url.pathname !== '/api/v3/graphql'
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
    const user = options.userAuth?.api(request);
    if (user) {
      noteServed(request, user.status);
      return writeResponse(res, user, { apiUrl, path });
    }
    const credential = credentialOf(req.headers);
    const listed = listInstallations(served, request);
    const target = listed ? gh : repositoryFor(served, request, credential);
    const { response, fault } = listed
      ? { response: listed, fault: undefined }
      : answerRest({
          gh: target,
          extra: extras.get(target) ?? createExtraRoutes(target),
          faults,
          request,
          credential,
        });
    noteServed(request, response.status, fault);
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    writeResponse(res, response, { apiUrl, path });
    pumpAll();
  }

  /** The user authorization's web flow: the authorize page, the consent, the token exchange. */
  async function routeWebFlow(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    userAuth: SimUserAuth,
  ): Promise<void> {
    const request: ApiRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body: await readBody(req),
      headers: lowerHeaders(req),
    };
    const response = userAuth.web(request) ?? { status: 404, body: 'Not Found' };
    noteServed(request, response.status);
    writeResponse(res, response, { apiUrl, path: request.path });
  }

  /** An archive link (`…/tarball/{ref}`'s redirect), served as codeload serves it. */
  function routeArchive(res: ServerResponse, url: URL): void {
    const path = url.pathname.slice(CODELOAD_PATH.length);
    const named = served.find((one) =>
      path.toLowerCase().startsWith(`/${one.fullName.toLowerCase()}/`),
    );
    const answer = named
      ? serveArchive(named, { path, token: url.searchParams.get('token') })
      : { status: 404, body: 'Not Found', headers: { 'content-type': 'text/plain' } };
    res.writeHead(answer.status, answer.headers).end(answer.body);
  }

  function routeGit(req: IncomingMessage, res: ServerResponse, match: RegExpExecArray): void {
    const [, owner = '', repo = '', pathInfo = ''] = match;
    const named = served.find(
      (one) => one.fullName.toLowerCase() === `${owner}/${repo}`.toLowerCase(),
    );
    const store = named?.git;
    if (!named || !(store instanceof GitRepoStore)) {
      res.writeHead(404).end('Repository not found.\n');
      return;
    }
    serveGit({
      req,
      res,
      gitDir: store.gitDir,
      pathInfo,
      refuseHiddenRefs: named.hiddenRefPushNeedsWorkflows,
      grantsOf: (credential) =>
        named.checkPermissions
          ? named.grantsOf(credential)
          : { contents: 'write', workflows: 'write' },
      mayFetch: (credential) => named.mayFetch(credential),
      refused: (credential) => named.refusesCredential(credential),
      defaultBranch: named.defaultBranch,
      onPushed: () => {
        for (const change of store.syncRefs()) {
          if (change.ref.startsWith('refs/baton/') && change.after && !change.before)
            startPushRun(named, change.after);
          if (!change.ref.startsWith('refs/heads/')) continue;
          const branch = change.ref.slice('refs/heads/'.length);
          named.announcePush({
            branch,
            before: change.before,
            after: change.after,
            sender: named.botLogin,
          });
        }
        pumpAll();
      },
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  apiUrl = `${url}/api/v3`;
  for (const one of served) one.codeloadUrl = `${url}${CODELOAD_PATH}`;
  for (const one of served) one.uploadsUrl = `${url}/api/v3`;
  return {
    url,
    apiUrl,
    host: `127.0.0.1:${port}`,
    gitUrl: `${url}/${gh.fullName}.git`,
    faults,
    requests,
    deliveries,
    setWebhookUrl(index, webhookUrl) {
      webhookUrls[index] = webhookUrl;
    },
    idle: async () => {
      await Promise.all(senders.map((sender) => sender.idle()));
    },
    async close() {
      for (const sender of senders) sender.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Where the server serves archive links, in place of GitHub's codeload host. */
const CODELOAD_PATH = '/_codeload';

/**
 * The repository a request is for, among several: the one its path names
 * (`/repos/{owner}/{repo}/…`), GraphQL's `owner` and `repo` variables, the
 * installation in its path (`/app/installations/{id}/…`), or the installation
 * whose token it carries (`/installation/…`, a mutation by node id). `gh`,
 * the first, otherwise: it answers a path for an unknown repository with 404.
 */
function repositoryFor(
  served: FakeGitHub[],
  request: ApiRequest,
  credential: string | null,
): FakeGitHub {
  const [gh] = served as [FakeGitHub];
  if (served.length === 1) return gh;
  const named = (owner: unknown, repo: unknown) =>
    served.find(
      (one) => `${one.owner}/${one.repo}`.toLowerCase() === `${owner}/${repo}`.toLowerCase(),
    );
  const path = /^\/repos\/([^/]+)\/([^/]+)/.exec(request.path);
  if (path) return named(path[1], path[2]) ?? gh;
  const byInstallation = (id: number | null) =>
    served.find((one) => one.installationId === id) ?? gh;
  const installation = /^\/app\/installations\/(\d+)/.exec(request.path);
  if (installation) return byInstallation(Number(installation[1]));
  if (request.path === '/graphql') {
    const { variables } = (request.body ?? {}) as { variables?: Record<string, unknown> };
    const found = variables && named(variables.owner, variables.repo);
    if (found) return found;
  }
  return byInstallation(installationOfToken(credential));
}

/** `GET /app/installations` of a server of several installations: each of them, once. */
function listInstallations(served: FakeGitHub[], request: ApiRequest) {
  if (served.length === 1 || request.method !== 'GET' || request.path !== '/app/installations')
    return null;
  const seen = new Map<number, FakeGitHub>();
  for (const one of served) if (!seen.has(one.installationId)) seen.set(one.installationId, one);
  return json(
    200,
    [...seen.values()].map((one) => ({ id: one.installationId, account: { login: one.owner } })),
  );
}

/**
 * A run of the repository's `on: push` CI for a new hidden ref, where the
 * simulated GitHub says pushes to refs/baton/* start push workflows (no
 * documentation says whether GitHub does; `baton doctor` probes it).
 */
function startPushRun(gh: FakeGitHub, sha: string): void {
  if (!gh.pushToHiddenRefsStartsWorkflows) return;
  const at = gh.now();
  gh.runs.push({
    id: gh.nextId(),
    workflow: 'ci.yml',
    displayTitle: 'CI',
    event: 'push',
    headBranch: '',
    headSha: sha,
    status: 'completed',
    conclusion: 'success',
    createdAt: at,
    updatedAt: at,
    runAttempt: 1,
    inputs: {},
  });
}
