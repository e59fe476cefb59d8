import { createServer, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { reply, scripted, startFakeAnthropic, toolUse } from '../../sim/fake-anthropic.js';
import {
  completes,
  makeRepo,
  removeTempDirs,
  runSession,
  toolResultsSeen,
  workerRepo,
} from '../session/agent-fixtures.js';
import { closeServer, listenLocally } from '../support/local-server.js';

/**
 * The model key, the other way: no stored key at all. The session trades the
 * job's GitHub OIDC token for a short-lived Anthropic access token (workload
 * identity federation, as Anthropic documents it for GitHub Actions), and
 * neither the request token, the OIDC token nor the access token reaches the
 * model's commands.
 */
const REQUEST_TOKEN = 'gh-oidc-request-token-held-by-the-job-5c1a';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUvYXBwIn0.c2lnbmF0dXJlLW9mLWdpdGh1Yg';
const ACCESS_TOKEN = 'sk-ant-oat01-short-lived-access-token-9e2f';

afterEach(async () => {
  delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
  await removeTempDirs();
});

function bodyOf(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** GitHub's OIDC request URL and Anthropic's token endpoint, in front of the fake Messages API. */
async function startFederation(messagesUrl: string) {
  const oidcRequests: { audience: string | null; authorization: string | undefined }[] = [];
  const exchanges: Record<string, unknown>[] = [];
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/oidc') {
      oidcRequests.push({
        audience: url.searchParams.get('audience'),
        authorization: request.headers.authorization,
      });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ value: JWT }));
      return;
    }
    const body = await bodyOf(request);
    if (url.pathname === '/v1/oauth/token') {
      exchanges.push(JSON.parse(body) as Record<string, unknown>);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ access_token: ACCESS_TOKEN, token_type: 'Bearer', expires_in: 600 }),
      );
      return;
    }
    const forwarded = await fetch(`${messagesUrl}${url.pathname}${url.search}`, {
      method: request.method ?? 'POST',
      headers: Object.fromEntries(
        Object.entries(request.headers).filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== 'host',
        ),
      ),
      body,
    });
    response.writeHead(forwarded.status, { 'content-type': 'application/json' });
    response.end(await forwarded.text());
  });
  return {
    url: await listenLocally(server),
    oidcRequests,
    exchanges,
    close: () => closeServer(server),
  };
}

describe('the model key through workload identity federation', () => {
  it('calls the model with a short-lived token traded for the job’s OIDC token, which the model’s commands never see', async () => {
    const model = await startFakeAnthropic({
      respond: scripted([
        reply(toolUse('bash', { command: 'env; echo listed' })),
        completes({ artifacts: [], decisions: [] }),
      ]),
    });
    const federation = await startFederation(model.url);
    try {
      const { root } = await workerRepo({ files: { 'README.md': '# demo\n' } });
      // As Actions sets them for a job with `id-token: write`.
      process.env.ACTIONS_ID_TOKEN_REQUEST_URL = `${federation.url}/oidc?api-version=2.0`;
      process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = REQUEST_TOKEN;
      const { result } = await runSession({
        root,
        model,
        env: {
          BATON_WORKER: 'W1.1',
          ANTHROPIC_API_KEY: undefined,
          ANTHROPIC_BASE_URL: federation.url,
          ANTHROPIC_FEDERATION_RULE_ID: 'fdrl_test',
          ANTHROPIC_ORGANIZATION_ID: '00000000-0000-0000-0000-000000000001',
          ANTHROPIC_SERVICE_ACCOUNT_ID: 'svac_test',
          ACTIONS_ID_TOKEN_REQUEST_URL: process.env.ACTIONS_ID_TOKEN_REQUEST_URL,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
        },
      });
      expect(result.status).toBe('complete');
      expect(federation.oidcRequests).toEqual([
        { audience: 'https://api.anthropic.com', authorization: `Bearer ${REQUEST_TOKEN}` },
      ]);
      expect(federation.exchanges).toEqual([
        expect.objectContaining({
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          assertion: JWT,
          federation_rule_id: 'fdrl_test',
          organization_id: '00000000-0000-0000-0000-000000000001',
          service_account_id: 'svac_test',
        }),
      ]);
      for (const request of model.requests) {
        expect(request.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
        expect(request.headers['x-api-key']).toBeUndefined();
      }
      const seen = toolResultsSeen(model.requests);
      expect(seen).toContain('listed');
      for (const secret of [REQUEST_TOKEN, JWT, ACCESS_TOKEN, 'ACTIONS_ID_TOKEN_REQUEST']) {
        expect(seen).not.toContain(secret);
      }
    } finally {
      await federation.close();
      await model.close();
    }
  });

  it('without a key and without federation settings, fails before any model call, naming both paths', async () => {
    const { result } = await runSession({
      root: (await makeRepo({})).root,
      env: { BATON_WORKER: 'W1.1', ANTHROPIC_API_KEY: undefined },
    });
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(/ANTHROPIC_API_KEY.*ANTHROPIC_FEDERATION_RULE_ID/s);
  });
});
