import { describe, expect, it } from 'vitest';
import type { RunView } from '../../src/server/run-binding.js';
import {
  attemptExchange,
  BRANCH_REF,
  dispatchedRunWorld,
  exchange,
  makeClaims,
  RUN_ID,
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

/**
 * A work, contract or fix session's run reviews the head its publish pushed, after it, in
 * two jobs: `baton review` (a model) and `baton review publish`, which alone gets a token
 * then, of the review's role (templates/workflows/baton.yml).
 */
describe('the token endpoint and the review in a work session’s run', () => {
  const JOBS = {
    agent: { id: 9001, name: 'baton agent' },
    publish: { id: 9002, name: 'baton publish' },
    review: { id: 9003, name: 'baton review' },
    post: { id: 9004, name: 'baton review publish' },
  } as const;
  type Status = 'queued' | 'in_progress' | 'completed';
  const jobsAre =
    (agent: Status, publish: Status, review: Status, post: Status) => (world: TokenWorld) => {
      world.jobs = [
        { ...JOBS.agent, status: agent },
        { ...JOBS.publish, status: publish },
        { ...JOBS.review, status: review },
        { ...JOBS.post, status: post },
      ];
    };
  const asPost = { check_run_id: String(JOBS.post.id) };
  const reviewToken = { contents: 'write', pull_requests: 'write' };

  it('gives publish its token while the review jobs wait on it, and the review’s publish a review’s after every other job', async () => {
    const first = await attempt(jobsAre('completed', 'in_progress', 'queued', 'queued'));
    expect(first.reply.status).toBe(200);
    const after = await attempt(
      jobsAre('completed', 'completed', 'completed', 'in_progress'),
      asPost,
    );
    expect(after.reply.status).toBe(200);
    expect(after.endpoint.minted.map((mint) => mint.permissions)).toEqual([reviewToken]);
  });

  it('gives the review’s publish no workflow permission where the work’s may change workflows', async () => {
    const { reply, endpoint } = await attempt((world) => {
      jobsAre('completed', 'completed', 'completed', 'in_progress')(world);
      world.allowsWorkflowChanges = true;
    }, asPost);
    expect(reply.status).toBe(200);
    expect(endpoint.minted.map((mint) => mint.permissions)).toEqual([reviewToken]);
  });

  it('takes the review’s exchange apart from publish’s, each once per attempt', async () => {
    const world = dispatchedRunWorld();
    jobsAre('completed', 'completed', 'completed', 'in_progress')(world);
    world.markers.add(`${RUN_ID}/1`);
    const endpoint = await startEndpoint({ issuer: issuer.url, world });
    const sign = () => issuer.sign({ claims: makeClaims(asPost) });
    const review = await exchange(endpoint, `Bearer ${await sign()}`);
    const again = await exchange(endpoint, `Bearer ${await sign()}`);
    await closeServer(endpoint.server);
    expect(review.status).toBe(200);
    expect(again.status).toBe(403);
    expect(again.body.message).toContain('once per run attempt');
  });

  it.each([
    {
      attack: 'the review’s agent job (a model) asking while it runs',
      stage: jobsAre('completed', 'completed', 'in_progress', 'queued'),
      claims: { check_run_id: String(JOBS.review.id) },
      reason: 'is completed, not in progress',
    },
    {
      attack: 'the review’s publish asking while the review’s agent still runs',
      stage: jobsAre('completed', 'completed', 'in_progress', 'in_progress'),
      claims: asPost,
      reason: 'still runs "baton review"',
    },
    {
      attack: 'publish asking once the review’s agent has begun',
      stage: jobsAre('completed', 'in_progress', 'in_progress', 'queued'),
      claims: {},
      reason: 'still runs "baton review"',
    },
    {
      attack: 'the review’s publish of a plan session’s run, which reviews nothing',
      stage: (world: TokenWorld) => {
        jobsAre('completed', 'completed', 'completed', 'in_progress')(world);
        if (world.run) world.run.displayTitle = 'baton plan 12-add-login - -';
      },
      claims: asPost,
      reason: "only a work, contract or fix session's run reviews after it",
    },
  ])('refuses $attack', async ({ stage, claims, reason }) => {
    const { reply, endpoint } = await attempt(stage, claims);
    expect(reply.status).toBe(403);
    expect(reply.body.message).toContain(reason);
    expect(endpoint.minted).toEqual([]);
  });
});
