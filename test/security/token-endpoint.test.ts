import { describe, expect, it } from 'vitest';
import type { RunView } from '../../src/server/run-binding.js';
import {
  attemptExchange,
  BRANCH_REF,
  exchange,
  startEndpoint,
  type TokenWorld,
  useTestIssuer,
} from '../server/token-fixtures.js';
import { closeServer } from '../support/local-server.js';

/**
 * Attacks on the session token endpoint: each stages a run that must not get
 * the app's write token and checks that none is minted.
 */
const issuer = useTestIssuer();

function attempt(stage: (world: TokenWorld) => void, claims: Record<string, unknown> = {}) {
  return attemptExchange({ issuer, stage, claims });
}

/** An attack's staging: the Actions API shows the run with `fields` changed. */
function runShows(fields: Partial<RunView>) {
  return (world: TokenWorld) => {
    if (world.run) Object.assign(world.run, fields);
  };
}

describe('the token endpoint, attacked', () => {
  it('gives the publish job of a run Baton dispatched its token (the baseline the attacks vary)', async () => {
    const { reply, endpoint } = await attempt(() => {});

    expect(reply.status).toBe(200);
    expect(endpoint.minted).toEqual([
      {
        installationId: 42,
        repositoryId: 1001,
        permissions: { contents: 'write', pull_requests: 'write' },
      },
    ]);
  });

  it.each([
    {
      attack: 'a run a person started by hand (actor claim is not the app)',
      stage: () => {},
      claims: { actor: 'mallory' },
      reason: 'only runs the app',
    },
    {
      attack: 'a run the app did not dispatch (the API shows another triggering actor)',
      stage: runShows({ triggeringActor: 'mallory' }),
      claims: {},
      reason: 'Baton did not dispatch it',
    },
    {
      attack: 'a run that does not exist',
      stage: (world: TokenWorld) => {
        world.run = null;
      },
      claims: {},
      reason: 'does not exist',
    },
    {
      attack: 'a run started by push, whatever the token says',
      stage: runShows({ event: 'push' }),
      claims: {},
      reason: 'not by a dispatch',
    },
    {
      attack:
        'a baton.yml rewritten on the branch (the file at workflow_sha is not the installed one)',
      stage: (world: TokenWorld) => {
        world.workflowAtRun = { sha256: '0'.repeat(64), shipped: false };
      },
      claims: {},
      reason: 'a changed workflow gets no token',
    },
    {
      attack: 'the agent job asking while it runs (publish has not started)',
      stage: (world: TokenWorld) => {
        world.jobs = [
          { id: 9001, name: 'baton agent', status: 'in_progress' },
          { id: 9002, name: 'baton publish', status: 'queued' },
        ];
      },
      claims: { check_run_id: '9001' },
      reason: 'not in progress',
    },
    {
      attack: 'another job of the run presenting its own token (check_run_id is not publish)',
      stage: () => {},
      claims: { check_run_id: '9001' },
      reason: 'not of the "baton publish" job',
    },
    {
      attack:
        'the agent job’s token (it may hold id-token: write for the model key) kept and shown while publish runs, from an issuer that names no job',
      stage: () => {},
      claims: { check_run_id: undefined },
      reason: 'names no job (check_run_id)',
    },
    {
      attack: 'an extra job running beside publish',
      stage: (world: TokenWorld) => {
        world.jobs.push({ id: 9003, name: 'exfiltrate', status: 'in_progress' });
      },
      claims: {},
      reason: '"exfiltrate"',
    },
    {
      attack: 'a token of an earlier attempt of the run',
      stage: runShows({ runAttempt: 2 }),
      claims: {},
      reason: 'at attempt 2',
    },
  ])('refuses $attack', async ({ stage, claims, reason }) => {
    const { reply, endpoint } = await attempt(stage, claims);

    expect(reply.status).toBe(403);
    expect(reply.body.message).toContain(reason);
    expect(endpoint.minted).toEqual([]);
    expect(endpoint.calls).not.toContain('claimExchange');
  });

  it('answers an exchange once per run attempt: a replayed OIDC token gets nothing', async () => {
    const endpoint = await startEndpoint({ issuer: issuer.url });
    const jwt = await issuer.sign();

    const first = await exchange(endpoint, `Bearer ${jwt}`);
    const replay = await exchange(endpoint, `Bearer ${jwt}`);
    const fresh = await exchange(endpoint, `Bearer ${await issuer.sign()}`);
    await closeServer(endpoint.server);

    expect(first.status).toBe(200);
    expect(replay.status).toBe(403);
    expect(replay.body.message).toContain('once per run attempt');
    expect(fresh.status).toBe(403);
    expect(endpoint.minted).toHaveLength(1);
  });

  it.each([
    {
      disagreement: 'repository_owner vs repository',
      claims: { repository_owner: 'evil' },
    },
    {
      disagreement:
        'job_workflow_ref vs the installed workflow (a reusable workflow called from it)',
      claims: { job_workflow_ref: `acme/app/.github/workflows/steal.yml@${BRANCH_REF}` },
    },
    { disagreement: 'ref outside baton/', claims: { ref: 'refs/heads/main' } },
  ])(
    'refuses claims that disagree ($disagreement) before asking GitHub anything',
    async ({ claims }) => {
      const { reply, endpoint } = await attempt(() => {}, claims);

      expect(reply.status).toBe(403);
      expect(endpoint.calls).toEqual([]);
    },
  );

  it('refuses a repository_id that is not the named repository’s, before minting anything', async () => {
    // 1002 is another repository of the same installation.
    const { reply, endpoint } = await attempt(() => {}, { repository_id: '1002' });

    expect(reply.status).toBe(403);
    expect(reply.body.message).toContain('repository id 1002');
    expect(endpoint.calls).toEqual(['appLogin', 'getRepositoryInstallation', 'getRepository']);
    expect(endpoint.minted).toEqual([]);
  });
});
