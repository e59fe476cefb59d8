import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  readTokenEndpointSettings,
  SESSION_TOKEN_PERMISSIONS,
} from '../../src/server/session-token.js';
import { closeServer } from '../support/local-server.js';
import {
  BRANCH_REF,
  type Endpoint,
  exchange,
  MINTED,
  makeClaims,
  type SignOptions,
  startEndpoint,
  type TokenWorld,
  useTestIssuer,
  WORKFLOW_SHA,
} from './token-fixtures.js';

const issuer = useTestIssuer();

function sign(options: SignOptions = {}): Promise<string> {
  return issuer.sign(options);
}

describe('the session token endpoint', () => {
  let endpoint: Endpoint;
  beforeAll(async () => {
    endpoint = await startEndpoint({ issuer: issuer.url });
  });
  afterAll(() => closeServer(endpoint.server));

  it('trades a Baton run’s token for a token on that one repository with publish’s permissions', async () => {
    const reply = await exchange(endpoint, `Bearer ${await sign()}`);
    endpoint.world.markers.clear();

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
      auth: async () => `Bearer ${await sign({ key: issuer.strangerKey })}`,
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
        `Bearer ${await sign({ claims: makeClaims({ repository: 'other/app', repository_owner: 'other', workflow_ref: `other/app/.github/workflows/baton.yml@${BRANCH_REF}`, job_workflow_ref: `other/app/.github/workflows/baton.yml@${BRANCH_REF}` }) })}`,
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
        `Bearer ${await sign({ claims: makeClaims({ ref: 'refs/heads/main', workflow_ref: 'acme/app/.github/workflows/baton.yml@refs/heads/main', job_workflow_ref: 'acme/app/.github/workflows/baton.yml@refs/heads/main' }) })}`,
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
    .setIssuer(issuer.url)
    .setAudience('baton')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(secret);
  return `Bearer ${jwt}`;
}

describe('the session token endpoint with other settings', () => {
  it('adds the workflows permission where the repository allows workflow changes', async () => {
    const endpoint = await startEndpoint({ issuer: issuer.url });
    endpoint.world.allowsWorkflowChanges = true;
    await exchange(endpoint, `Bearer ${await sign()}`);
    await closeServer(endpoint.server);

    expect(endpoint.minted[0]?.permissions).toEqual({
      contents: 'write',
      pull_requests: 'write',
      workflows: 'write',
    });
  });

  it('mints a doctor session only what its probes need, never workflows', async () => {
    const endpoint = await startEndpoint({ issuer: issuer.url });
    endpoint.world.allowsWorkflowChanges = true;
    if (endpoint.world.run) endpoint.world.run.displayTitle = 'baton doctor doctor-k3x9q2m7 - -';
    await exchange(endpoint, `Bearer ${await sign()}`);
    await closeServer(endpoint.server);

    expect(endpoint.minted[0]?.permissions).toEqual({ contents: 'write', actions: 'read' });
  });

  it('reads a run name that only looks like a doctor session as a session', async () => {
    const endpoint = await startEndpoint({ issuer: issuer.url });
    if (endpoint.world.run) endpoint.world.run.displayTitle = 'baton doctor 12-add-login W1.1 -';
    await exchange(endpoint, `Bearer ${await sign()}`);
    await closeServer(endpoint.server);

    expect(endpoint.minted[0]?.permissions).toEqual({ contents: 'write', pull_requests: 'write' });
  });

  /** The permissions minted for one exchange of a run named `title`, in `world`. */
  async function mintedFor(
    title: string,
    world: Partial<Pick<TokenWorld, 'allowsWorkflowChanges' | 'workflowFilesDiffer'>> = {},
  ) {
    const endpoint = await startEndpoint({ issuer: issuer.url });
    Object.assign(endpoint.world, world);
    if (endpoint.world.run) endpoint.world.run.displayTitle = title;
    await exchange(endpoint, `Bearer ${await sign()}`);
    await closeServer(endpoint.server);
    return { permissions: endpoint.minted[0]?.permissions, calls: endpoint.calls };
  }

  it('gives a synthesis issues: write, for its summary on the issue, a plan issues: read, to check who edited the issue, and actions: read, to see which first attempts run, and no other role', async () => {
    expect((await mintedFor('baton synthesis 12-add-login - -')).permissions).toEqual({
      contents: 'write',
      pull_requests: 'write',
      issues: 'write',
    });
    expect((await mintedFor('baton plan 12-add-login - -')).permissions).toEqual({
      ...SESSION_TOKEN_PERMISSIONS,
      issues: 'read',
      actions: 'read',
    });
    for (const title of [
      'baton work 12-add-login W1.1 -',
      'baton review 12-add-login W1.1 -',
      'not a run name',
    ]) {
      expect((await mintedFor(title)).permissions).toEqual(SESSION_TOKEN_PERMISSIONS);
    }
  });

  it('gives a fix workflows: write only when its merge of the build branch brings a workflow change', async () => {
    const bringing = await mintedFor('baton fix 12-add-login W1.1 conflict-abc123', {
      workflowFilesDiffer: true,
    });
    expect(bringing.permissions).toEqual({ ...SESSION_TOKEN_PERMISSIONS, workflows: 'write' });
    expect(bringing.calls).toContain(
      'workflowFilesDiffer baton/12-add-login/W1.1 baton/12-add-login/integration',
    );
    const same = await mintedFor('baton fix 12-add-login W1.1 conflict-abc123');
    expect(same.permissions).toEqual(SESSION_TOKEN_PERMISSIONS);
    // Another role on a branch whose workflows differ gets none.
    const work = await mintedFor('baton work 12-add-login W1.1 -', { workflowFilesDiffer: true });
    expect(work.permissions).toEqual(SESSION_TOKEN_PERMISSIONS);
    expect(work.calls.some((call) => call.startsWith('workflowFilesDiffer'))).toBe(false);
  });

  it('gives a first attempt workflows: write only where its commit changes a workflow since its merge base with the default branch', async () => {
    // A first attempt runs on the build branch; its publish's push opens the worker's branch.
    const onBuild = 'refs/heads/baton/12-add-login/integration';
    const firstAttempt = async (differ: boolean) => {
      const endpoint = await startEndpoint({ issuer: issuer.url });
      endpoint.world.workflowsChangedSince = differ;
      if (endpoint.world.run) {
        endpoint.world.run.headBranch = 'baton/12-add-login/integration';
        endpoint.world.run.displayTitle = 'baton work 12-add-login W1.1 -';
      }
      const workflow = `acme/app/.github/workflows/baton.yml@${onBuild}`;
      const claims = makeClaims({
        ref: onBuild,
        workflow_ref: workflow,
        job_workflow_ref: workflow,
      });
      await exchange(endpoint, `Bearer ${await sign({ claims })}`);
      await closeServer(endpoint.server);
      return { permissions: endpoint.minted[0]?.permissions, calls: endpoint.calls };
    };
    const bringing = await firstAttempt(true);
    expect(bringing.permissions).toEqual({ ...SESSION_TOKEN_PERMISSIONS, workflows: 'write' });
    // The run's commit is compared with its merge base with the default branch, as GitHub
    // judges a new branch's push.
    expect(bringing.calls).toContain(`workflowsChangedSince main ${WORKFLOW_SHA}`);
    expect((await firstAttempt(false)).permissions).toEqual(SESSION_TOKEN_PERMISSIONS);
  });

  it("never gives the contract's session or a learn session workflows, even where the repository lets sessions change them", async () => {
    const contract = await mintedFor('baton contract 12-add-login W0.1 -', {
      allowsWorkflowChanges: true,
    });
    expect(contract.permissions).toEqual(SESSION_TOKEN_PERMISSIONS);
    const learn = await mintedFor('baton learn 12-add-login - -', { allowsWorkflowChanges: true });
    expect(learn.permissions).toEqual(SESSION_TOKEN_PERMISSIONS);
    const work = await mintedFor('baton work 12-add-login W1.1 -', { allowsWorkflowChanges: true });
    expect(work.permissions).toEqual({ ...SESSION_TOKEN_PERMISSIONS, workflows: 'write' });
  });

  /** One exchange whose mints answer as `mint` says, try by try (1, 2, …). */
  async function exchangeMinting(mint: (attempt: number) => void) {
    let tries = 0;
    const endpoint = await startEndpoint({
      issuer: issuer.url,
      overrides: {
        createInstallationToken: async () => {
          tries += 1;
          mint(tries);
          return { token: MINTED, expires_at: '2030-01-01T00:00:00Z' };
        },
      },
    });
    const reply = await exchange(endpoint, `Bearer ${await sign()}`);
    await closeServer(endpoint.server);
    return { reply, tries };
  }

  it('mints again after a connection fault: the attempt’s one exchange is already claimed', async () => {
    const { reply, tries } = await exchangeMinting((attempt) => {
      if (attempt === 1) throw new TypeError('fetch failed: other side closed');
    });
    expect(reply).toEqual({
      status: 200,
      body: { token: MINTED, expires_at: '2030-01-01T00:00:00Z' },
    });
    expect(tries).toBe(2);
  });

  it('takes the attempt’s one exchange only after its reads: a read GitHub fails leaves it to the job’s next try', async () => {
    let reads = 0;
    const endpoint = await startEndpoint({
      issuer: issuer.url,
      overrides: {
        allowsWorkflowChanges: async () => {
          reads += 1;
          if (reads === 1) throw Object.assign(new Error('Server Error'), { status: 502 });
          return false;
        },
      },
    });
    const token = `Bearer ${await sign()}`;
    const failed = await exchange(endpoint, token);
    const again = await exchange(endpoint, token);
    await closeServer(endpoint.server);
    expect(failed.status).toBe(502);
    expect(again).toEqual({
      status: 200,
      body: { token: MINTED, expires_at: '2030-01-01T00:00:00Z' },
    });
    expect(endpoint.calls.filter((call) => call === 'claimExchange')).toHaveLength(1);
  });

  it('does not mint again when GitHub refuses (a 4xx), and says why', async () => {
    const { reply, tries } = await exchangeMinting(() => {
      throw Object.assign(new Error('Resource not accessible by integration'), { status: 403 });
    });
    expect(reply.status).toBe(502);
    expect(reply.body.message).toContain('Resource not accessible by integration');
    expect(tries).toBe(1);
  });

  it('answers 503 when the issuer’s keys cannot be fetched', async () => {
    const endpoint = await startEndpoint({ issuer: 'http://127.0.0.1:9' });
    const reply = await exchange(endpoint, `Bearer ${await sign({ iss: 'http://127.0.0.1:9' })}`);
    await closeServer(endpoint.server);

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
