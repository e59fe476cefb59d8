import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSessionTokenHandler,
  readTokenEndpointSettings,
  type SessionTokenDeps,
} from '../../src/server/session-token.js';

const BRANCH_REF = 'refs/heads/baton/12-add-login/W1.1';
const MINTED = 'ghs_mintedTokenThatMustNotBeLogged';

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

let issuer: Server;
let issuerUrl: string;
let signingKey: Key;
let strangerKey: Key;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  strangerKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  issuer = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      res.end(JSON.stringify({ issuer: issuerUrl, jwks_uri: `${issuerUrl}/.well-known/jwks` }));
    } else if (req.url === '/.well-known/jwks') {
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  issuerUrl = await listen(issuer);
});

afterAll(() => close(issuer));

function makeClaims(overrides: Record<string, unknown> = {}): JWTPayload {
  return {
    sub: `repo:acme/app:ref:${BRANCH_REF}`,
    repository: 'acme/app',
    repository_id: '1001',
    repository_owner: 'acme',
    ref: BRANCH_REF,
    workflow_ref: `acme/app/.github/workflows/baton.yml@${BRANCH_REF}`,
    event_name: 'workflow_dispatch',
    run_id: '555',
    ...overrides,
  };
}

async function sign({
  claims = makeClaims(),
  key = signingKey,
  iss = issuerUrl,
  aud = 'baton',
  exp = '5m',
}: {
  claims?: JWTPayload;
  key?: Key;
  iss?: string;
  aud?: string;
  exp?: string | number;
} = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(iss)
    .setAudience(aud)
    .setIssuedAt(Math.floor(Date.now() / 1000) - 30)
    .setExpirationTime(exp)
    .sign(key);
}

interface Endpoint {
  url: string;
  minted: Array<Parameters<SessionTokenDeps['createInstallationToken']>[0]>;
  logs: string[];
  server: Server;
}

async function startEndpoint(overrides: Partial<SessionTokenDeps> = {}): Promise<Endpoint> {
  const minted: Endpoint['minted'] = [];
  const logs: string[] = [];
  const handler = createSessionTokenHandler({
    issuer: issuerUrl,
    audience: 'baton',
    getRepositoryInstallation: async (owner, repo) =>
      `${owner}/${repo}` === 'acme/app' ? 42 : null,
    createInstallationToken: async (request) => {
      minted.push(request);
      return { token: MINTED, expires_at: '2030-01-01T00:00:00Z' };
    },
    log: { info: (line) => logs.push(line), warn: (line) => logs.push(line) },
    ...overrides,
  });
  const server = createServer((req, res) => {
    void Promise.resolve(handler(req, res)).then((handled) => {
      if (!handled) res.writeHead(404).end('not mine');
    });
  });
  return { url: await listen(server), minted, logs, server };
}

async function exchange(endpoint: Endpoint, authorization: string | null) {
  const response = await fetch(`${endpoint.url}/api/baton/session-token`, {
    method: 'POST',
    headers: authorization === null ? {} : { Authorization: authorization },
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

describe('the session token endpoint', () => {
  let endpoint: Endpoint;
  beforeAll(async () => {
    endpoint = await startEndpoint();
  });
  afterAll(() => close(endpoint.server));

  it('trades a Baton run’s token for a token on that one repository with publish’s permissions', async () => {
    const reply = await exchange(endpoint, `Bearer ${await sign()}`);

    expect(reply).toEqual({
      status: 200,
      body: { token: MINTED, expires_at: '2030-01-01T00:00:00Z' },
    });
    expect(endpoint.minted.at(-1)).toEqual({
      installationId: 42,
      repositoryId: 1001,
      permissions: { contents: 'write', pull_requests: 'write' },
    });
    expect(endpoint.logs.join('\n')).not.toContain(MINTED);
  });

  it.each([
    {
      rule: 'refuses a request without a token',
      reason: 'Authorization: Bearer',
      auth: async () => null,
      status: 401,
    },
    {
      rule: 'refuses a token that is not a JWT',
      reason: 'malformed',
      auth: async () => 'Bearer not-a-jwt',
      status: 401,
    },
    {
      rule: 'refuses a token from another issuer',
      reason: '"iss" claim',
      auth: async () => `Bearer ${await sign({ iss: 'https://evil.example' })}`,
      status: 401,
    },
    {
      rule: 'refuses a token for another audience',
      reason: '"aud" claim',
      auth: async () => `Bearer ${await sign({ aud: 'sigstore' })}`,
      status: 401,
    },
    {
      rule: 'refuses a token signed with another key',
      reason: 'not signed by the issuer',
      auth: async () => `Bearer ${await sign({ key: strangerKey })}`,
      status: 401,
    },
    {
      rule: 'refuses an expired token',
      reason: 'expired',
      auth: async () => `Bearer ${await sign({ exp: Math.floor(Date.now() / 1000) - 600 })}`,
      status: 401,
    },
    {
      rule: 'refuses a token without Actions claims',
      reason: 'lacks the claims',
      auth: async () => `Bearer ${await sign({ claims: { sub: 'x' } })}`,
      status: 401,
    },
    {
      rule: 'refuses a token signed with a shared secret (HS256)',
      reason: 'malformed',
      auth: hs256,
      status: 401,
    },
    {
      rule: 'refuses a repository the app is not installed on',
      reason: 'not installed on other/app',
      auth: async () =>
        `Bearer ${await sign({ claims: makeClaims({ repository: 'other/app', workflow_ref: `other/app/.github/workflows/baton.yml@${BRANCH_REF}` }) })}`,
      status: 403,
    },
    {
      rule: 'refuses another workflow of the repository',
      reason: 'ci.yml',
      auth: async () =>
        `Bearer ${await sign({ claims: makeClaims({ workflow_ref: `acme/app/.github/workflows/ci.yml@${BRANCH_REF}` }) })}`,
      status: 403,
    },
    {
      rule: 'refuses a run that is not on a Baton branch',
      reason: 'not on a Baton branch',
      auth: async () =>
        `Bearer ${await sign({ claims: makeClaims({ ref: 'refs/heads/main', workflow_ref: 'acme/app/.github/workflows/baton.yml@refs/heads/main' }) })}`,
      status: 403,
    },
    {
      rule: 'refuses a run started by another event',
      reason: 'workflow_dispatch',
      auth: async () => `Bearer ${await sign({ claims: makeClaims({ event_name: 'push' }) })}`,
      status: 403,
    },
  ])('$rule', async ({ auth, status, reason }) => {
    const before = endpoint.minted.length;

    const reply = await exchange(endpoint, await auth());

    expect(reply.status).toBe(status);
    expect(reply.body.message).toContain(reason);
    expect(reply.body.token).toBeUndefined();
    expect(endpoint.minted).toHaveLength(before);
  });

  it.each([
    { method: 'GET', path: '/api/baton/session-token' },
    { method: 'POST', path: '/api/github/webhooks' },
  ])('leaves $method $path to the next handler', async ({ method, path }) => {
    const response = await fetch(`${endpoint.url}${path}`, { method });
    expect(await response.text()).toBe('not mine');
  });
});

async function hs256(): Promise<string> {
  const secret = new TextEncoder().encode('a shared secret that anyone could know');
  const jwt = await new SignJWT(makeClaims())
    .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
    .setIssuer(issuerUrl)
    .setAudience('baton')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(secret);
  return `Bearer ${jwt}`;
}

describe('the session token endpoint with other settings', () => {
  it('adds the workflows permission where the repository allows workflow changes', async () => {
    const endpoint = await startEndpoint({ allowsWorkflowChanges: async () => true });
    await exchange(endpoint, `Bearer ${await sign()}`);
    await close(endpoint.server);

    expect(endpoint.minted[0]?.permissions).toEqual({
      contents: 'write',
      pull_requests: 'write',
      workflows: 'write',
    });
  });

  it('answers 503 when the issuer’s keys cannot be fetched', async () => {
    const endpoint = await startEndpoint({ issuer: 'http://127.0.0.1:9' });
    const reply = await exchange(endpoint, `Bearer ${await sign({ iss: 'http://127.0.0.1:9' })}`);
    await close(endpoint.server);

    expect(reply.status).toBe(503);
  });

  it('reads the issuer and audience from the environment, with GitHub.com’s defaults', () => {
    expect(readTokenEndpointSettings({})).toEqual({
      issuer: 'https://token.actions.githubusercontent.com',
      audience: 'baton',
    });
    expect(
      readTokenEndpointSettings({
        BATON_OIDC_ISSUER: 'https://ghes.example/_services/token',
        BATON_OIDC_AUDIENCE: 'x',
      }),
    ).toEqual({
      issuer: 'https://ghes.example/_services/token',
      audience: 'x',
    });
  });
});
