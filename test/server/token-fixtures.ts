import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import nock from 'nock';
import { afterAll, beforeAll } from 'vitest';
import { parseConfig } from '../../src/core/config/config.js';
import type { JobView, RunFacts, RunView } from '../../src/server/run-binding.js';
import {
  createSessionTokenHandler,
  type SessionTokenDeps,
} from '../../src/server/session-token.js';
import { closeServer, listenLocally } from '../support/local-server.js';
import { API } from '../support/mount-nock.js';

/** The branch, commit and run every default claim names. */
export const BRANCH_REF = 'refs/heads/baton/12-add-login/W1.1';
export const WORKFLOW_SHA = 'a'.repeat(40);
export const RUN_ID = 555;
export const APP_LOGIN = 'baton[bot]';
export const MINTED = 'ghs_mintedTokenThatMustNotBeLogged';
export const INSTALLED_WORKFLOW = 'f'.repeat(64);

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/** A stand-in OIDC issuer: discovery and keys on 127.0.0.1, and a signer. */
export interface TestIssuer {
  url: string;
  signingKey: Key;
  strangerKey: Key;
  sign(options?: SignOptions): Promise<string>;
  close(): Promise<void>;
}

export interface SignOptions {
  claims?: JWTPayload;
  key?: Key;
  iss?: string;
  aud?: string;
  exp?: string | number;
}

export async function startTestIssuer(): Promise<TestIssuer> {
  const pair = await generateKeyPair('RS256');
  const strangerKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  let url = '';
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      res.end(JSON.stringify({ issuer: url, jwks_uri: `${url}/.well-known/jwks` }));
    } else if (req.url === '/.well-known/jwks') {
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  url = await listenLocally(server);
  return {
    url,
    signingKey: pair.privateKey,
    strangerKey,
    sign: ({
      claims = makeClaims(),
      key = pair.privateKey,
      iss = url,
      aud = 'baton',
      exp = '5m',
    } = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(iss)
        .setAudience(aud)
        .setIssuedAt(Math.floor(Date.now() / 1000) - 30)
        .setExpirationTime(exp)
        .sign(key),
    close: () => closeServer(server),
  };
}

/** The test file's issuer: started before its tests, closed after them. */
export function useTestIssuer(): TestIssuer {
  const issuer = {} as TestIssuer;
  beforeAll(async () => {
    Object.assign(issuer, await startTestIssuer());
  });
  afterAll(() => issuer.close());
  return issuer;
}

/** The claims of the publish job of a run Baton dispatched on W1.1's branch, then `overrides`. */
export function makeClaims(overrides: Record<string, unknown> = {}): JWTPayload {
  const workflowRef = `acme/app/.github/workflows/baton.yml@${BRANCH_REF}`;
  return {
    sub: `repo:acme/app:ref:${BRANCH_REF}`,
    repository: 'acme/app',
    repository_id: '1001',
    repository_owner: 'acme',
    ref: BRANCH_REF,
    workflow_ref: workflowRef,
    workflow_sha: WORKFLOW_SHA,
    job_workflow_ref: workflowRef,
    actor: APP_LOGIN,
    event_name: 'workflow_dispatch',
    run_id: String(RUN_ID),
    run_attempt: '1',
    // The publish job's id (GitHub's tokens name the job they were issued to).
    check_run_id: '9002',
    ...overrides,
  };
}

/** What the fake GitHub behind the endpoint knows; tests change it to stage an attack. */
export interface TokenWorld {
  appLogin: string;
  /** Installation by `owner/repo`. */
  installations: Record<string, number>;
  repository: { id: number; defaultBranch: string };
  run: RunView | null;
  jobs: JobView[];
  workflowAtRun: RunFacts['workflowAtRun'];
  workflowOnDefault: string | null;
  /** Attempts whose exchange was taken, `run/attempt`. */
  markers: Set<string>;
  allowsWorkflowChanges: boolean;
  /** Whether the workflow files of the two compared branches or commits differ. */
  workflowFilesDiffer: boolean;
  /** Whether the run's commit changes a workflow since its merge base with the default branch. */
  workflowsChangedSince: boolean;
}

/** A run Baton dispatched, in its publish job after the agent, of the installed workflow. */
export function dispatchedRunWorld(): TokenWorld {
  return {
    appLogin: APP_LOGIN,
    installations: { 'acme/app': 42 },
    repository: { id: 1001, defaultBranch: 'main' },
    run: {
      event: 'workflow_dispatch',
      path: '.github/workflows/baton.yml',
      headBranch: 'baton/12-add-login/W1.1',
      headSha: WORKFLOW_SHA,
      actor: APP_LOGIN,
      triggeringActor: APP_LOGIN,
      runAttempt: 1,
      status: 'in_progress',
      displayTitle: 'baton work 12-add-login W1.1 -',
    },
    jobs: [
      { id: 9001, name: 'baton agent', status: 'completed' },
      { id: 9002, name: 'baton publish', status: 'in_progress' },
    ],
    workflowAtRun: { sha256: INSTALLED_WORKFLOW, shipped: false },
    workflowOnDefault: INSTALLED_WORKFLOW,
    markers: new Set(),
    allowsWorkflowChanges: false,
    workflowFilesDiffer: false,
    workflowsChangedSince: false,
  };
}

type Minted = Parameters<SessionTokenDeps['createInstallationToken']>[0];

/** The endpoint on 127.0.0.1 over a fake GitHub; `calls` lists every GitHub read or write, in order. */
export interface Endpoint {
  url: string;
  world: TokenWorld;
  calls: string[];
  minted: Minted[];
  logs: string[];
  server: Server;
}

export async function startEndpoint({
  issuer,
  world = dispatchedRunWorld(),
  overrides = {},
}: {
  issuer: string;
  world?: TokenWorld;
  overrides?: Partial<SessionTokenDeps>;
}): Promise<Endpoint> {
  const calls: string[] = [];
  const minted: Minted[] = [];
  const logs: string[] = [];
  const deps: SessionTokenDeps = {
    issuer,
    audience: 'baton',
    appLogin: async () => {
      calls.push('appLogin');
      return world.appLogin;
    },
    getRepositoryInstallation: async (owner, repo) => {
      calls.push('getRepositoryInstallation');
      return world.installations[`${owner}/${repo}`] ?? null;
    },
    getRepository: async () => {
      calls.push('getRepository');
      return world.repository;
    },
    inspectRun: async () => {
      calls.push('inspectRun');
      return {
        run: world.run,
        jobs: world.jobs,
        workflowAtRun: world.workflowAtRun,
        workflowOnDefault: world.workflowOnDefault,
      };
    },
    claimExchange: async ({ runId, attempt, purpose }) => {
      calls.push('claimExchange');
      const key = `${runId}/${purpose ? `${purpose}-` : ''}${attempt}`;
      if (world.markers.has(key)) return false;
      world.markers.add(key);
      return true;
    },
    createInstallationToken: async (request) => {
      calls.push('createInstallationToken');
      minted.push(request);
      return { token: MINTED, expires_at: '2030-01-01T00:00:00Z' };
    },
    allowsWorkflowChanges: async () => {
      calls.push('allowsWorkflowChanges');
      return world.allowsWorkflowChanges;
    },
    workflowFilesDiffer: async ({ from, to }) => {
      calls.push(`workflowFilesDiffer ${from} ${to}`);
      return world.workflowFilesDiffer;
    },
    workflowsChangedSince: async ({ base, head }) => {
      calls.push(`workflowsChangedSince ${base} ${head}`);
      return world.workflowsChangedSince;
    },
    log: { info: (line) => logs.push(line), warn: (line) => logs.push(line) },
    ...overrides,
  };
  const handler = createSessionTokenHandler(deps);
  const server = createServer((req, res) => {
    void Promise.resolve(handler(req, res)).then((handled) => {
      if (!handled) res.writeHead(404).end('not mine');
    });
  });
  return { url: await listenLocally(server), world, calls, minted, logs, server };
}

export async function exchange(endpoint: Endpoint, authorization: string | null) {
  const response = await fetch(`${endpoint.url}/api/baton/session-token`, {
    method: 'POST',
    headers: authorization === null ? {} : { Authorization: authorization },
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

/**
 * One exchange against an endpoint of its own: the world of a dispatched run, changed by
 * `stage`, and a token `issuer` signed with `claims` (`makeClaims`'). Answers the reply and
 * the endpoint, closed.
 */
export async function attemptExchange({
  issuer,
  stage,
  claims,
}: {
  issuer: TestIssuer;
  stage: (world: TokenWorld) => void;
  claims?: Record<string, unknown>;
}): Promise<{ reply: Awaited<ReturnType<typeof exchange>>; endpoint: Endpoint }> {
  const world = dispatchedRunWorld();
  stage(world);
  const endpoint = await startEndpoint({ issuer: issuer.url, world });
  try {
    const reply = await exchange(
      endpoint,
      `Bearer ${await issuer.sign({ claims: makeClaims(claims) })}`,
    );
    return { reply, endpoint };
  } finally {
    await closeServer(endpoint.server);
  }
}

/** A file as GitHub's contents API answers it. */
export function contentFile(text: string) {
  return { type: 'file', encoding: 'base64', content: Buffer.from(text).toString('base64') };
}

/**
 * What GitHub answers the app inspecting run 555 of acme/app (installation 62) at `attempt`,
 * dispatched by the app on W1.1's branch at `sha` (`run` adds fields): the run, its publish
 * job, and the session workflow at the run's commit (`atRun`) and on main (`onDefault`).
 * The installation token may be asked for only once a test file (`tokenOnce`: Probot keeps it).
 */
export function nockRunInspection({
  sha,
  attempt,
  atRun,
  onDefault,
  run = {},
  tokenOnce = false,
}: {
  sha: string;
  attempt: number;
  atRun: string;
  onDefault: string;
  run?: Record<string, unknown>;
  tokenOnce?: boolean;
}): nock.Scope {
  const token = nock(API).post('/app/installations/62/access_tokens');
  return (tokenOnce ? token.optionally() : token)
    .reply(201, { token: 'ghs_read', expires_at: '2030-01-01T00:00:00Z' })
    .get('/repos/acme/app/actions/runs/555')
    .reply(200, {
      id: 555,
      event: 'workflow_dispatch',
      path: '.github/workflows/baton.yml',
      head_branch: 'baton/12-add-login/W1.1',
      head_sha: sha,
      actor: { login: 'baton[bot]' },
      triggering_actor: { login: 'baton[bot]' },
      run_attempt: attempt,
      status: 'in_progress',
      ...run,
    })
    .get(`/repos/acme/app/actions/runs/555/attempts/${attempt}/jobs`)
    .query({ per_page: '100' })
    .reply(200, { total_count: 1, jobs: [{ id: 7, name: 'baton publish', status: 'in_progress' }] })
    .get('/repos/acme/app/contents/.github%2Fworkflows%2Fbaton.yml')
    .query({ ref: sha })
    .reply(200, contentFile(atRun))
    .get('/repos/acme/app/contents/.github%2Fworkflows%2Fbaton.yml')
    .query({ ref: 'main' })
    .reply(200, contentFile(onDefault));
}

/** The integration branch of the set's plan run the views tests dispatch. */
export const PLAN_REF = 'refs/heads/baton/12-add-login/integration';

/**
 * A change set's plan run in acme/app, of the workflow Baton shipped, in its
 * views job (9000) before the agent.
 */
export function viewsRunWorld(): TokenWorld {
  const world = dispatchedRunWorld();
  world.workflowAtRun = { sha256: INSTALLED_WORKFLOW, shipped: true };
  if (world.run) {
    world.run.headBranch = 'baton/12-add-login/integration';
    world.run.displayTitle = 'baton plan 12-add-login - -';
  }
  world.jobs = [
    { id: 9000, name: 'baton views', status: 'in_progress' },
    { id: 9001, name: 'baton agent', status: 'queued' },
    { id: 9002, name: 'baton publish', status: 'queued' },
  ];
  return world;
}

/** The claims of the views job of `viewsRunWorld`'s run (on `ref`), then `overrides`. */
export function viewsClaims(
  overrides: Record<string, unknown> = {},
  ref: string = PLAN_REF,
): JWTPayload {
  const workflowRef = `acme/app/.github/workflows/baton.yml@${ref}`;
  return makeClaims({
    sub: `repo:acme/app:ref:${ref}`,
    ref,
    workflow_ref: workflowRef,
    job_workflow_ref: workflowRef,
    check_run_id: '9000',
    ...overrides,
  });
}

/** A repository of the installation as the views deps see it, with its own configuration. */
export interface ViewsRepo {
  name: string;
  visibility: 'public' | 'private';
  changeSets?: { repositories?: string[]; shareWith?: string[] };
}

/** The link the views deps answer for an archive of `ref` (`main` where null) of `repository`. */
export function archiveLinkOf(repository: string, ref: string | null): string {
  return `https://codeload.github.com/${repository}/legacy.tar.gz/refs/heads/${ref ?? 'main'}?token=ARCHIVE`;
}

/**
 * The endpoint's views deps over `repos` (acme/app's `changeSets` is its
 * configuration); `archived` collects each archive link asked for.
 */
export function viewsDeps(repos: ViewsRepo[]): {
  views: NonNullable<SessionTokenDeps['views']>;
  archived: { installationId: number; repository: string; ref: string | null }[];
} {
  const archived: { installationId: number; repository: string; ref: string | null }[] = [];
  const configOf = (name: string) => {
    const parsed = parseConfig({
      changeSets: repos.find((repo) => repo.name === name)?.changeSets ?? {},
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    return parsed.config;
  };
  return {
    archived,
    views: {
      config: async ({ owner, repo }) => configOf(`${owner}/${repo}`),
      facts: async ({ names }) =>
        names.map((name) => {
          const repo = repos.find((one) => one.name === name);
          if (!repo)
            return { name, installed: false, visibility: null, shareWith: null, lists: null };
          const config = configOf(name);
          return {
            name,
            installed: true,
            visibility: repo.visibility,
            shareWith: config.changeSets.shareWith,
            lists: config.changeSets.repositories,
          };
        }),
      archive: async (request) => {
        archived.push(request);
        return archiveLinkOf(request.repository, request.ref);
      },
    },
  };
}

/**
 * The views job of a set's plan run asks the endpoint over `repos`, `times`
 * times (its run staged by `stage`, its claims on `ref` then `claims`).
 */
export async function exchangeForViews({
  issuer,
  repos,
  stage = () => {},
  claims = {},
  ref,
  times = 1,
  reads = (views) => views,
}: {
  issuer: TestIssuer;
  repos: ViewsRepo[];
  stage?: (world: TokenWorld) => void;
  claims?: Record<string, unknown>;
  ref?: string;
  times?: number;
  /** The views' reads as the endpoint makes them (a test may fail one). */
  reads?: (views: NonNullable<SessionTokenDeps['views']>) => NonNullable<SessionTokenDeps['views']>;
}) {
  const world = viewsRunWorld();
  stage(world);
  const { views, archived } = viewsDeps(repos);
  const endpoint = await startEndpoint({
    issuer: issuer.url,
    world,
    overrides: { views: reads(views) },
  });
  try {
    const ask = async () =>
      exchange(endpoint, `Bearer ${await issuer.sign({ claims: viewsClaims(claims, ref) })}`);
    const replies = [await ask()];
    while (replies.length < times) replies.push(await ask());
    const [reply] = replies as [Awaited<ReturnType<typeof ask>>];
    return { replies, reply, archived, writeTokens: endpoint.minted };
  } finally {
    await closeServer(endpoint.server);
  }
}

/**
 * The plan run of a set's member build `build` (`12-add-login.acme.hub`): its
 * build branch and the name the app gave the run, and the ref its job runs on.
 */
export function memberPlanRun(build: string): {
  stage: (world: TokenWorld) => void;
  ref: string;
} {
  const branch = `baton/${build}/integration`;
  return {
    stage: (world) => {
      if (world.run) {
        world.run.headBranch = branch;
        world.run.displayTitle = `baton plan ${build} - -`;
      }
    },
    ref: `refs/heads/${branch}`,
  };
}
