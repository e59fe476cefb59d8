import { describe, expect, it } from 'vitest';
import type { BuildSnapshot, PullInfo } from '../../src/core/snapshot/snapshot.js';
import type { ActOutcome } from '../../src/github/act/act.js';
import type { RepoContext } from '../../src/github/client/types.js';
import { actOnMerges } from '../../src/github/reconcile/pass/after-merges.js';
import { ago, make, NOW, planRun, sha, workers } from '../core/factories.js';

const config = make.config();
/** No request may be made: each case below is decided from the snapshot alone. */
const ctx = new Proxy({} as RepoContext, {
  get: () => {
    throw new Error('no request expected');
  },
});
const log = { info() {}, warn() {}, error() {} };

/** W1.1 and W1.2 both started; W1.1's PR #101 was just merged by the first pass. */
function twoUnderWay(w12: Partial<PullInfo>): {
  snapshot: BuildSnapshot;
  outcomes: ActOutcome[];
} {
  const snapshot = make.snapshot({
    plan: { kind: 'valid', plan: make.plan({ workers: workers('W1.1', 'W1.2') }), sha: 'p' },
    branches: { 'W1.1': sha('a1'), 'W1.2': sha('a2') },
    runs: [
      planRun(),
      make.run({ id: 7011, worker: 'W1.1' }),
      make.run({ id: 7012, worker: 'W1.2' }),
      make.run({
        id: 7013,
        role: 'review',
        worker: 'W1.2',
        trigger: `head-${sha('a2')}`,
        status: 'in_progress',
        conclusion: null,
        createdAt: ago(3),
      }),
    ],
    pulls: [
      make.pull({ number: 101, worker: 'W1.1', reviews: [make.review()] }),
      make.pull({ number: 102, worker: 'W1.2', headSha: sha('a2'), ...w12 }),
    ],
    commands: [make.command({ name: 'approve' }, { createdAt: ago(100) })],
  });
  const merge = {
    kind: 'merge-pull',
    pull: 101,
    worker: 'W1.1',
    sha: sha('a1'),
    method: 'squash',
  } as const;
  return { snapshot, outcomes: [{ action: merge, result: 'done', merged: sha('m1') }] };
}

describe('actOnMerges: when a merge is settled in the reconcile that made it', () => {
  it('settles a merge that unlocks nothing: no worker unstarted, another still in review', async () => {
    const { snapshot, outcomes } = twoUnderWay({});
    const after = await actOnMerges(ctx, { snapshot, outcomes, config, now: NOW, log });
    expect(after.settled).toEqual([sha('m1')]);
    expect(after.outcomes).toEqual([]);
    expect(after.snapshot.integration?.sha).toBe(sha('m1'));
    expect(after.snapshot.pulls.find((pull) => pull.number === 101)?.state).toBe('merged');
  });

  it('leaves the push to be read when another approved pull request waits: the merge may leave it behind', async () => {
    // Approved, its checks still running: the merge may now leave it behind or in conflict.
    const approved = make.review({ id: 502, commitSha: sha('a2'), submittedAt: ago(1) });
    const pending = { state: 'pending' as const, failedRuns: [] };
    const { snapshot, outcomes } = twoUnderWay({ reviews: [approved], checks: pending });
    const after = await actOnMerges(ctx, { snapshot, outcomes, config, now: NOW, log });
    expect(after.settled).toEqual([]);
    // The build stands as read: the push's reconcile reads what the merge changed.
    expect(after.snapshot).toBe(snapshot);
  });

  it('leaves it when a merge of the pass did not go', async () => {
    const { snapshot, outcomes } = twoUnderWay({});
    const refused: ActOutcome = {
      action: { kind: 'merge-pull', pull: 102, worker: 'W1.2', sha: sha('a2'), method: 'squash' },
      result: 'failed',
    };
    const after = await actOnMerges(ctx, {
      snapshot,
      outcomes: [...outcomes, refused],
      config,
      now: NOW,
      log,
    });
    expect(after.settled).toEqual([]);
  });
});
