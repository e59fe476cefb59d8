import { describe, expect, it } from 'vitest';
import { attemptExchange, type TokenWorld, useTestIssuer } from '../server/token-fixtures.js';

/**
 * A doctor session runs on the default branch, where no other session may get
 * a token: off a Baton branch, only a run the app dispatched under a doctor
 * run name, on the default branch, gets one, and only contents: write and
 * actions: read. A learn session reads an ended build from the default branch
 * too: under a learn run name there, it gets a session's token.
 */
const issuer = useTestIssuer();

const DOCTOR_NAME = 'baton doctor doctor-k3x9q2m7ab - -';

function onBranch(branch: string) {
  const ref = `refs/heads/${branch}`;
  const workflowRef = `acme/app/.github/workflows/baton.yml@${ref}`;
  return {
    ref,
    sub: `repo:acme/app:ref:${ref}`,
    workflow_ref: workflowRef,
    job_workflow_ref: workflowRef,
  };
}

async function attempt(branch: string, stage: (world: TokenWorld) => void) {
  const { reply, endpoint } = await attemptExchange({
    issuer,
    stage: (world) => {
      if (world.run) world.run.headBranch = branch;
      stage(world);
    },
    claims: onBranch(branch),
  });
  return { reply, minted: endpoint.minted };
}

describe('the token endpoint and doctor sessions', () => {
  it.each([
    [
      'a session on the default branch whose run is not a doctor session',
      'main',
      'baton plan 12-add-login - -',
    ],
    ['a doctor-named run on a branch other than the default', 'feature/x', DOCTOR_NAME],
  ])('refuses %s', async (_, branch, runName) => {
    const { reply, minted } = await attempt(branch, (world) => {
      if (world.run) world.run.displayTitle = runName;
    });
    expect(reply.status).toBe(403);
    expect(reply.body.message).toContain('not on a Baton branch');
    expect(minted).toEqual([]);
  });

  it('gives a doctor session on the default branch contents: write and actions: read only', async () => {
    const { reply, minted } = await attempt('main', (world) => {
      if (world.run) world.run.displayTitle = DOCTOR_NAME;
      world.allowsWorkflowChanges = true;
    });
    expect(reply.status).toBe(200);
    expect(minted.map((m) => m.permissions)).toEqual([{ contents: 'write', actions: 'read' }]);
  });
});

describe('the token endpoint and learn sessions', () => {
  const LEARN_NAME = 'baton learn 12-add-login - -';

  it('gives a learn session on the default branch the token of a session', async () => {
    const { reply, minted } = await attempt('main', (world) => {
      if (world.run) world.run.displayTitle = LEARN_NAME;
    });
    expect(reply.status).toBe(200);
    expect(minted.map((m) => m.permissions)).toEqual([
      { contents: 'write', pull_requests: 'write' },
    ]);
  });

  it('refuses a learn-named run on a branch other than the default', async () => {
    const { reply, minted } = await attempt('feature/x', (world) => {
      if (world.run) world.run.displayTitle = LEARN_NAME;
    });
    expect(reply.status).toBe(403);
    expect(reply.body.message).toContain('not on a Baton branch');
    expect(minted).toEqual([]);
  });
});
