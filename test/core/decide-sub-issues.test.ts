import { describe, expect, it } from 'vitest';
import { decide } from '../../src/core/decide.js';
import type { PullInfo, SubIssueInfo } from '../../src/core/snapshot.js';
import {
  ago,
  makeConfig,
  makePlan,
  makePull,
  makeRun,
  makeSnapshot,
  makeWorker,
  NOW,
  planRun,
} from './factories.js';

const plan = makePlan({
  workers: [
    makeWorker({ id: 'W1.1', sub_issue: 21 }),
    makeWorker({ id: 'W1.2', sub_issue: 22 }),
    makeWorker({ id: 'W2.1', sub_issue: 20, depends_on: ['W1.1'] }),
  ],
});

function closes(pulls: PullInfo[], subIssues: SubIssueInfo[] | undefined) {
  const snapshot = makeSnapshot({
    plan: { kind: 'valid', plan, sha: 'p' },
    runs: [
      planRun(),
      ...pulls.map((pull, i) =>
        makeRun({ id: 7000 + i, worker: pull.worker, status: 'completed', createdAt: ago(20) }),
      ),
    ],
    pulls,
  });
  if (subIssues) snapshot.issue.subIssues = subIssues;
  const actions = decide({ snapshot, config: makeConfig({ approval: 'none' }), now: NOW });
  return actions.filter((action) => action.kind === 'close-sub-issue');
}

const open = (number: number): SubIssueInfo => ({ number, state: 'open' });

describe('decide: a build of sub-issues', () => {
  it('closes the sub-issue of a worker whose pull request merged, and no other', () => {
    const pulls = [
      makePull({ number: 101, worker: 'W1.1', state: 'merged' }),
      makePull({ number: 102, worker: 'W1.2' }),
    ];
    expect(closes(pulls, [open(20), open(21), open(22)])).toEqual([
      { kind: 'close-sub-issue', number: 21, worker: 'W1.1' },
    ]);
  });

  it('leaves a sub-issue that is closed already, or no longer under the issue', () => {
    const pulls = [
      makePull({ number: 101, worker: 'W1.1', state: 'merged' }),
      makePull({ number: 102, worker: 'W1.2', state: 'merged' }),
    ];
    expect(closes(pulls, [{ number: 21, state: 'closed' }, open(20)])).toEqual([]);
  });

  it('closes nothing when the sub-issues were not read', () => {
    const pulls = [makePull({ number: 101, worker: 'W1.1', state: 'merged' })];
    expect(closes(pulls, undefined)).toEqual([]);
  });
});
