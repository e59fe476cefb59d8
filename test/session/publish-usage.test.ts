import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseUsageMessage } from '../../src/core/records/usage.js';
import { workerBranch } from '../../src/core/vocabulary/ids.js';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import {
  BUILD,
  makeCompletion,
  makeResult,
  makeUsage,
  WORKER,
  workSession,
} from './publish/fixture.js';
import { usePublishHarness } from './publish/harness.js';

const BRANCH = workerBranch(BUILD, WORKER);
const RUN = { GITHUB_RUN_ID: '4242' };
const REF = `refs/baton/${BUILD}/usage/4242-1`;
const h = usePublishHarness();

/** The usage refs on the remote, with their commits' messages parsed. */
function usageRecords() {
  const git = (args: string[]) =>
    execFileSync('git', args, { cwd: h.fixture.remoteDir, encoding: 'utf8' }).trim();
  const refs = git(['for-each-ref', '--format=%(refname) %(objectname)', 'refs/baton/']);
  return refs
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [ref = '', sha = ''] = line.split(' ');
      return {
        ref,
        record: parseUsageMessage(git(['cat-file', '-p', sha]).split('\n\n').slice(1).join('\n\n')),
      };
    });
}

describe('publish records what the session spent', () => {
  it('records a failed session, which gets no pull request', async () => {
    const head = h.fixture.agentCommit({ branch: BRANCH, files: { 'src/login.ts': 'half\n' } });
    const usage = makeUsage({ cost_usd: 0.75 });
    h.fixture.writeResult(
      makeResult({ status: 'failed', reason: 'Tests failed.', base: h.fixture.base, head, usage }),
    );

    expect(await h.publish(RUN)).toBe(PUBLISH_EXIT.sessionFailed);

    expect(usageRecords()).toEqual([
      {
        ref: REF,
        record: {
          version: 1,
          run_id: 4242,
          attempt: 1,
          role: 'work',
          worker: WORKER,
          outcome: 'failed',
          usage,
          engine: 'baton',
          reason: 'Tests failed.',
        },
      },
    ]);
    expect(h.summary()).toContain(`Recorded usage at ${REF}`);
  });

  it('records a session the budget stopped as stopped by it: what it had to spend and what it needed', async () => {
    h.fixture.writeResult(
      makeResult({
        status: 'failed',
        reason: 'its next model request could cost up to $1.10, past the budget.maxUsd',
        limit: 'budget',
        limit_usd: 0.4,
        needed_usd: 1.1,
        base: h.fixture.base,
        head: null,
      }),
    );

    expect(await h.publish(RUN)).toBe(PUBLISH_EXIT.sessionFailed);

    const [entry] = usageRecords();
    expect(entry?.record).toMatchObject({
      outcome: 'failed',
      limit: 'budget',
      limit_usd: 0.4,
      needed_usd: 1.1,
    });
  });

  it('records why publish refused a session, with the rule and the path, on one line', async () => {
    const head = h.fixture.agentCommit({
      branch: BRANCH,
      files: { '.github/workflows/ci.yml': 'on: push\n' },
    });
    h.fixture.writeResult(makeResult({ base: h.fixture.base, head, completion: makeCompletion() }));

    expect(await h.publish(RUN)).toBe(PUBLISH_EXIT.refused);

    const [entry] = usageRecords();
    expect(entry?.record?.outcome).toBe('complete');
    expect(entry?.record?.reason).toMatch(/^publish refused: .*\.github\/workflows\/ci\.yml/);
    expect(entry?.record?.reason).not.toContain('\n');
  });

  it('records a published session once, however often publish runs', async () => {
    workSession(h.fixture, { 'src/login.ts': 'done\n' });

    expect(await h.publish(RUN)).toBe(PUBLISH_EXIT.published);
    expect(await h.publish(RUN)).toBe(PUBLISH_EXIT.published);

    expect(usageRecords().map((entry) => [entry.ref, entry.record?.outcome])).toEqual([
      [REF, 'complete'],
    ]);
  });

  it('leaves no record without a run id, and says so', async () => {
    h.fixture.writeResult(makeResult({ status: 'blocked', reason: 'No access.', branch: null }));

    await h.publish();

    expect(usageRecords()).toEqual([]);
    expect(h.summary()).toContain('No usage record: GITHUB_RUN_ID is not set.');
  });
});
