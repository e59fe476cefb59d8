import type { IncomingMessage } from 'node:http';
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OidcIssuer, type RunIdentity, startOidcIssuer } from '../../sim/oidc/issuer.js';
import { createKeyResolver } from '../../src/server/oidc-keys.js';
import { verifySessionRequest } from '../../src/server/verify-session-request.js';

function makeRun(overrides: Partial<RunIdentity> = {}): RunIdentity {
  return {
    repository: 'octo-org/widgets',
    repositoryId: 1,
    ref: 'baton/1-add-a-greeting/integration',
    sha: 'a'.repeat(40),
    runId: 1001,
    ...overrides,
  };
}

describe('the simulated OIDC issuer', () => {
  let issuer: OidcIssuer;

  beforeEach(async () => {
    issuer = await startOidcIssuer();
  });
  afterEach(async () => {
    await issuer.close();
  });

  function verify(jwt: string) {
    return verifySessionRequest({
      req: { headers: { authorization: `Bearer ${jwt}` } } as IncomingMessage,
      issuer: issuer.url,
      audience: 'baton',
      keys: createKeyResolver(issuer.url),
    });
  }

  it("mints tokens the app's endpoint accepts, found through discovery", async () => {
    const verdict = await verify(await issuer.mint({ run: makeRun(), audience: 'baton' }));
    expect(verdict).toMatchObject({
      status: 200,
      claims: {
        repository: 'octo-org/widgets',
        repository_id: '1',
        ref: 'refs/heads/baton/1-add-a-greeting/integration',
        workflow_ref:
          'octo-org/widgets/.github/workflows/baton.yml@refs/heads/baton/1-add-a-greeting/integration',
        event_name: 'workflow_dispatch',
        run_id: '1001',
      },
    });
  });

  // A run on a branch that is not Baton's is refused by the endpoint once it has read the run's
  // name (only a doctor session may run on the default branch): test/security/doctor-session-token.
  it.each([
    ['a run not started by workflow_dispatch', makeRun({ eventName: 'push' }), 403],
    ['a run of another workflow', makeRun({ workflowPath: '.github/workflows/ci.yml' }), 403],
  ])('mints tokens the app refuses for %s', async (_, run, status) => {
    expect(await verify(await issuer.mint({ run, audience: 'baton' }))).toMatchObject({ status });
  });

  it('mints a token for the wrong audience that the app refuses', async () => {
    const verdict = await verify(await issuer.mint({ run: makeRun(), audience: 'elsewhere' }));
    expect(verdict).toMatchObject({ status: 401 });
  });

  it('hands a job that holds the grant a token for the audience it asks', async () => {
    const grant = issuer.grant(makeRun());
    const url = new URL(grant.requestUrl);
    url.searchParams.set('audience', 'baton');
    const response = await fetch(url, {
      headers: { Authorization: `bearer ${grant.requestToken}` },
    });
    const { value } = (await response.json()) as { value: string };
    expect(decodeJwt(value)).toMatchObject({
      iss: issuer.url,
      aud: 'baton',
      sub: 'repo:octo-org/widgets:ref:refs/heads/baton/1-add-a-greeting/integration',
    });
    expect(issuer.issued).toEqual([{ runId: 1001, audience: 'baton' }]);
  });

  it('refuses a token request without a grant it gave', async () => {
    const { requestUrl } = issuer.grant(makeRun());
    const response = await fetch(requestUrl, { headers: { Authorization: 'bearer forged' } });
    expect(response.status).toBe(401);
    expect(issuer.issued).toEqual([]);
  });
});
