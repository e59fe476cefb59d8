/**
 * Publish of a session that said a criterion cannot be met (docs/sessions.md,
 * "This cannot be done"): checked again against the plan on its base, kept
 * on the worker's branch with no pull request, recorded `impossible` with its
 * criteria for the app; a word naming what is not the worker's is refused.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseUsageMessage } from '../../src/core/records/usage.js';
import { workerBranch } from '../../src/core/vocabulary/ids.js';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import { BUILD, makeCompletion, makePlan, makeResult, WORKER } from './publish/fixture.js';
import { usePublishHarness } from './publish/harness.js';

const BRANCH = workerBranch(BUILD, WORKER);
const RUN = { GITHUB_RUN_ID: '4242' };
const plan = makePlan();
const h = usePublishHarness({
  plan: {
    criteria: ['The page loads in every browser'],
    workers: plan.workers.map((worker) => ({
      ...worker,
      criteria: ['The form signs a person in'],
    })),
  },
});

/** The one usage record on the remote, parsed. */
function usageRecord() {
  const git = (args: string[]) =>
    execFileSync('git', args, { cwd: h.fixture.remoteDir, encoding: 'utf8' }).trim();
  const sha = git(['rev-parse', `refs/baton/${BUILD}/usage/4242-1`]);
  return parseUsageMessage(git(['cat-file', '-p', sha]).split('\n\n').slice(1).join('\n\n'));
}

/** W1.1's session handing in `impossible` (its report committed on its branch, as the agent does). */
function handIn(criteria: string[], evidence = ['src/app.ts:1 exports no form at all']) {
  const impossible = {
    criteria,
    reason: 'The form must sign people in, and the brief forbids any session store.',
    evidence,
  };
  const head = h.fixture.agentCommit({
    branch: BRANCH,
    files: { [`.baton/builds/${BUILD}/completions/${WORKER}.json`]: '{}\n' },
  });
  h.fixture.writeResult(
    makeResult({
      status: 'impossible',
      reason: impossible.reason,
      base: h.fixture.base,
      head,
      completion: makeCompletion({
        status: 'impossible',
        summary: 'It cannot be done.',
        impossible,
      }),
    }),
  );
  return head;
}

describe('publish of a word that a criterion cannot be met', () => {
  it('keeps the branch, opens no pull request, and records the word with its criteria', async () => {
    const head = handIn(['W1.1:1', 'build:1'], ['````', 'src/app.ts:1 exports no form', '````']);

    expect(await h.publish(RUN)).toBe(PUBLISH_EXIT.sessionFailed);

    expect(h.fixture.remoteSha(BRANCH)).toBe(head);
    expect(h.github.api.filter((call) => call.method === 'POST').map((call) => call.path)).toEqual(
      [],
    );
    expect(usageRecord()).toMatchObject({
      outcome: 'impossible',
      criteria: ['W1.1:1', 'build:1'],
      reason: 'The form must sign people in, and the brief forbids any session store.',
    });
    const summary = h.summary();
    expect(summary).toContain('It says W1.1:1, build:1 cannot be met');
    // The evidence is the session's text: in a fence none of its lines can close.
    expect(summary).toContain('`````text\n````\nsrc/app.ts:1 exports no form\n````\n`````');
  });

  it("refuses a word naming a criterion that is not the worker's, and records a failed session", async () => {
    handIn(['W2.1:1']);

    expect(await h.publish(RUN)).toBe(PUBLISH_EXIT.refused);

    expect(h.fixture.remoteSha(BRANCH)).toBe(h.fixture.base);
    const record = usageRecord();
    expect(record?.outcome).toBe('failed');
    expect(record?.criteria).toBeUndefined();
    expect(record?.reason).toMatch(
      /^publish refused: the impossible hand-in: impossible names W2\.1:1, which is not among the criteria W1\.1 may name \(build:1, W1\.1:1\)/,
    );
  });
});
