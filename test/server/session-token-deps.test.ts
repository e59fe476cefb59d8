import { generateKeyPairSync } from 'node:crypto';
import nock from 'nock';
import { Probot, ProbotOctokit } from 'probot';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createSessionTokenDepsFromProbot,
  type SessionTokenDeps,
} from '../../src/server/session-token.js';

const API = 'https://api.github.com';
let probot: Probot;

beforeAll(() => {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  probot = new Probot({
    appId: 1,
    privateKey,
    Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
    logLevel: 'fatal',
  });
  nock.disableNetConnect();
});

afterEach(() => {
  expect(nock.isDone()).toBe(true);
  nock.cleanAll();
});

describe('createSessionTokenDepsFromProbot', () => {
  const deps = (): Omit<SessionTokenDeps, 'issuer' | 'audience'> =>
    createSessionTokenDepsFromProbot(probot);

  it('finds the repository’s installation as the app', async () => {
    nock(API).get('/repos/acme/app/installation').reply(200, { id: 42 });
    expect(await deps().getRepositoryInstallation('acme', 'app')).toBe(42);
  });

  it('answers null where the app is not installed', async () => {
    nock(API).get('/repos/other/app/installation').reply(404, { message: 'Not Found' });
    expect(await deps().getRepositoryInstallation('other', 'app')).toBeNull();
  });

  it('mints a token limited to one repository and the permissions asked for', async () => {
    const permissions = { contents: 'write', pull_requests: 'write' } as const;
    nock(API)
      .post('/app/installations/42/access_tokens', { repository_ids: [1001], permissions })
      .reply(201, { token: 'ghs_x', expires_at: '2030-01-01T00:00:00Z' });

    const minted = await deps().createInstallationToken({
      installationId: 42,
      repositoryId: 1001,
      permissions,
    });

    expect(minted).toEqual({ token: 'ghs_x', expires_at: '2030-01-01T00:00:00Z' });
  });

  it.each([
    { config: 'session:\n  allowWorkflowChanges: true\n', allowed: true, installationId: 51 },
    { config: 'label: build\n', allowed: false, installationId: 52 },
    { config: 'session: [', allowed: false, installationId: 53 },
  ])(
    'reads allowWorkflowChanges from the default branch config ($allowed)',
    async ({ config, allowed, installationId }) => {
      // Probot caches installation tokens; a fresh installation per case keeps the mocks exact.
      nock(API)
        .post(`/app/installations/${installationId}/access_tokens`)
        .reply(201, { token: 'ghs_read', expires_at: '2030-01-01T00:00:00Z' })
        .get('/repos/acme/app/contents/.github%2Fbaton.yml')
        .reply(200, {
          type: 'file',
          encoding: 'base64',
          content: Buffer.from(config).toString('base64'),
        });

      const result = await deps().allowsWorkflowChanges?.({
        owner: 'acme',
        repo: 'app',
        installationId,
      });

      expect(result).toBe(allowed);
    },
  );
});
