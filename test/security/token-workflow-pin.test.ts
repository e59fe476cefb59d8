import { describe, expect, it } from 'vitest';
import { WORKFLOW_PATH } from '../../src/core/vocabulary/ids.js';
import { createSessionTokenDepsFromProbot } from '../../src/server/session-token-deps.js';
import { nockRunInspection } from '../server/token-fixtures.js';
import { probotOnNock } from '../support/app-tests.js';
import { templateText } from '../support/workflow-yaml.js';

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
  return templateText(WORKFLOW_PATH, { ref, repository: SOURCE });
}

async function shippedAtRun({ atRun, onDefault }: { atRun: string; onDefault: string }) {
  const sha = 'b'.repeat(40);
  // Probot keeps the installation's token between calls.
  nockRunInspection({ sha, attempt: 1, atRun, onDefault, tokenOnce: true });
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
