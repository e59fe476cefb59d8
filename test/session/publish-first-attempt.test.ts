// A worker's first attempt runs on the build branch, with no branch of its own
// yet (src/core/context/action.ts, `work-run`): its publish opens the worker's
// branch with a push that must find none there, and a twin of it (two
// processes sent the first attempt) pushes nothing once the first one has.
import { describe, expect, it } from 'vitest';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import { BUILD, makeCompletion, makeResult, workSession } from './publish/fixture.js';
import { PULLS, usePublishHarness } from './publish/harness.js';
import { dropWorkerBranch, WORKER_BRANCH, WORKER_COMPLETION } from './publish/worker-paths.js';

const h = usePublishHarness();
/** The run of a first attempt: dispatched on the build branch. */
const FIRST = { GITHUB_REF: `refs/heads/${integrationBranch(BUILD)}` };

function commitWork(): string {
  return workSession(h.fixture, {
    'src/login.ts': 'export const login = true;\n',
    [WORKER_COMPLETION]: JSON.stringify(makeCompletion()),
  });
}

/** A twin's result: it found the worker's branch there and ran nothing. */
function twinResult(): void {
  h.fixture.writeResult(
    makeResult({ head: null, completion: null, twin_went_first: { branch: WORKER_BRANCH } }),
  );
}

describe('publish of a first attempt', () => {
  it('opens the worker’s branch at the session’s head and its pull request', async () => {
    dropWorkerBranch(h.fixture);
    const head = commitWork();

    expect(await h.publish(FIRST)).toBe(PUBLISH_EXIT.published);

    expect(h.fixture.remoteSha(WORKER_BRANCH)).toBe(head);
    expect(h.writes()).toEqual([`POST ${PULLS}`]);
  });

  it('refuses to push over a worker’s branch that another session moved, and opens nothing', async () => {
    dropWorkerBranch(h.fixture);
    const theirs = h.fixture.agentCommit({
      branch: 'twin',
      files: { 'src/login.ts': 'export const login = 2;\n' },
    });
    h.fixture.git([
      'push',
      '--quiet',
      h.fixture.remoteDir,
      `${theirs}:refs/heads/${WORKER_BRANCH}`,
    ]);
    commitWork();

    expect(await h.publish(FIRST)).toBe(PUBLISH_EXIT.refused);

    expect(h.fixture.remoteSha(WORKER_BRANCH)).toBe(theirs);
    expect(h.summary()).toContain('has moved since the session started');
    expect(h.writes()).toEqual([]);
  });

  it('pushes nothing for a twin whose first attempt went first, and says so', async () => {
    const there = h.fixture.remoteSha(WORKER_BRANCH);
    twinResult();

    expect(await h.publish(FIRST)).toBe(PUBLISH_EXIT.published);

    expect(h.fixture.remoteSha(WORKER_BRANCH)).toBe(there);
    expect(h.summary()).toContain('a twin run of this first attempt went first; nothing to push');
    expect(h.writes()).toEqual([]);
  });

  it('refuses a twin’s word where the branch is not there, or the run is not a first attempt', async () => {
    twinResult();
    // On the worker's branch: a later attempt, which a twin's word cannot end.
    expect(await h.publish({ GITHUB_REF: `refs/heads/${WORKER_BRANCH}` })).toBe(
      PUBLISH_EXIT.refused,
    );
    expect(h.summary()).toContain('is not W1.1’s first attempt'.replace('’', "'"));
    dropWorkerBranch(h.fixture);
    twinResult();
    expect(await h.publish(FIRST)).toBe(PUBLISH_EXIT.refused);
    expect(h.summary()).toContain('but it is not there');
    expect(h.writes()).toEqual([]);
  });
});
