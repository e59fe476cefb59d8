import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { WORKFLOW_PATH } from '../../src/core/vocabulary/ids.js';
import { createSessionTokenDepsFromProbot } from '../../src/server/session-token-deps.js';
import { renderTemplates } from '../../src/templates.js';
import { probotOnNock } from '../support/app-tests.js';
import { API } from '../support/mount-nock.js';

/**
 * The token endpoint accepts the session workflow Baton installed, pinned to
 * the release it installs or to what the default branch pins: a worker that
 * repins `baton.yml` to another commit of Baton's source (an old release, or
 * a fork's commit, which GitHub serves under the source's name too) gets no
 * token, whatever `allowWorkflowChanges` says (docs/security.md, "The token
 * endpoint").
 */
const SOURCE = 'baton-org/baton';
const RELEASE = 'a'.repeat(40);
const OTHER = 'c'.repeat(40);
const env = { BATON_SOURCE_REPOSITORY: SOURCE, BATON_SOURCE_REF: RELEASE };
const probot = probotOnNock();

function workflowPinnedTo(ref: string): string {
  const file = renderTemplates({ batonRepository: SOURCE, batonRef: ref }).find(
    (template) => template.path === WORKFLOW_PATH,
  );
  if (!file) throw new Error('no session workflow template');
  return file.content;
}

async function shippedAtRun({ atRun, onDefault }: { atRun: string; onDefault: string }) {
  const sha = 'b'.repeat(40);
  const file = (text: string) => ({
    type: 'file',
    encoding: 'base64',
    content: Buffer.from(text).toString('base64'),
  });
  nock(API)
    .post('/app/installations/62/access_tokens')
    .optionally() // Probot keeps the installation's token between calls.
    .reply(201, { token: 'ghs_read', expires_at: '2030-01-01T00:00:00Z' })
    .get('/repos/acme/app/actions/runs/555')
    .reply(200, {
      id: 555,
      event: 'workflow_dispatch',
      path: WORKFLOW_PATH,
      head_branch: 'baton/12-add-login/W1.1',
      head_sha: sha,
      actor: { login: 'baton[bot]' },
      triggering_actor: { login: 'baton[bot]' },
      run_attempt: 1,
      status: 'in_progress',
    })
    .get('/repos/acme/app/actions/runs/555/attempts/1/jobs')
    .query({ per_page: '100' })
    .reply(200, { total_count: 1, jobs: [{ id: 7, name: 'baton publish', status: 'in_progress' }] })
    .get('/repos/acme/app/contents/.github%2Fworkflows%2Fbaton.yml')
    .query({ ref: sha })
    .reply(200, file(atRun))
    .get('/repos/acme/app/contents/.github%2Fworkflows%2Fbaton.yml')
    .query({ ref: 'main' })
    .reply(200, file(onDefault));
  const facts = await createSessionTokenDepsFromProbot(probot, env).inspectRun({
    owner: 'acme',
    repo: 'app',
    installationId: 62,
    runId: 555,
    attempt: 1,
    workflowSha: sha,
    defaultBranch: 'main',
  });
  return facts.workflowAtRun?.shipped;
}

describe("a worker's repinned session workflow", () => {
  it('is refused when pinned to another commit of the source than the release or the default branch', async () => {
    const onDefault = workflowPinnedTo(RELEASE);
    expect(await shippedAtRun({ atRun: workflowPinnedTo(OTHER), onDefault })).toBe(false);
  });

  it("is accepted when pinned to the release the app installs, or to the default branch's pin", async () => {
    expect(
      await shippedAtRun({
        atRun: workflowPinnedTo(RELEASE),
        onDefault: workflowPinnedTo(OTHER),
      }),
    ).toBe(true);
    const older = 'd'.repeat(40);
    expect(
      await shippedAtRun({ atRun: workflowPinnedTo(older), onDefault: workflowPinnedTo(older) }),
    ).toBe(true);
  });
});
