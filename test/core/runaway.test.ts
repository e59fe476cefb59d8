import { describe, expect, it } from 'vitest';
import { decide } from '../../src/core/decide/decide.js';
import type { UsageRecord } from '../../src/core/records/usage.js';
import { findRunaways } from '../../src/core/rules/runaway.js';
import { buildLedger } from '../../src/core/snapshot/ledger.js';
import type { BuildSnapshot, RunInfo } from '../../src/core/snapshot/snapshot.js';
import { ago, make, NOW, planOf, planRun } from './factories.js';

const LABELLED = { labelledBy: [{ label: 'orchestrate', login: 'maintainer' }] };

/** W1.1's work session number `n` (run 7100 + n), `minutes` ago, ending as `conclusion`. */
function attempt(n: number, minutes: number, conclusion: RunInfo['conclusion']): RunInfo {
  return make.run({
    id: 7100 + n,
    worker: 'W1.1',
    conclusion,
    createdAt: ago(minutes),
    updatedAt: ago(minutes - 2),
  });
}

/** What a session of W1.1's run `n` recorded: `outcome`, `cost` dollars. */
function spent(n: number, cost: number, outcome: 'complete' | 'failed' | 'partial' = 'failed') {
  return make.usageRecord({ run_id: 7100 + n, role: 'work', worker: 'W1.1', cost, outcome });
}

/** W1.1's first three sessions, 50, 40 and 30 minutes ago, each failed. */
const THREE_FAILED = [
  attempt(1, 50, 'failure'),
  attempt(2, 40, 'failure'),
  attempt(3, 30, 'failure'),
];

/** A build that planned, then ran W1.1's `sessions`, which recorded `usage`. */
function afterPlan(sessions: RunInfo[], usage: UsageRecord[] = []): BuildSnapshot {
  return make.snapshot({ runs: [planRun(), ...sessions], usage });
}

function runawaysOf(
  snapshot: BuildSnapshot,
  settings = { failures: 3, usdPerHour: 20 as number | null },
  done: string[] = [],
) {
  const normal = make.normalSnapshot(snapshot);
  return findRunaways({
    runs: normal.runs,
    ledger: buildLedger(normal),
    settings,
    done: new Set(done),
    now: NOW,
  }).map(({ worker, reason, sessions, usd, since }) => ({
    worker,
    reason,
    sessions,
    usd,
    since: since.runId,
  }));
}

describe('findRunaways: a worker whose sessions loop without delivering', () => {
  it.each<[string, BuildSnapshot, object[]]>([
    [
      'three failed sessions in a row',
      afterPlan(THREE_FAILED, [spent(1, 1), spent(2, 1), spent(3, 1)]),
      [{ worker: 'W1.1', reason: 'failing', sessions: 3, usd: 3, since: 7101 }],
    ],
    [
      'two failed sessions after one that delivered',
      afterPlan(
        [
          attempt(1, 50, 'failure'),
          attempt(2, 45, 'success'),
          attempt(3, 40, 'failure'),
          attempt(4, 30, 'failure'),
        ],
        [spent(2, 1, 'complete')],
      ),
      [],
    ],
    [
      'sessions that succeed but stop short of the brief each time (a continuation loop)',
      afterPlan(
        [attempt(1, 50, 'success'), attempt(2, 40, 'success'), attempt(3, 30, 'success')],
        [spent(1, 2, 'partial'), spent(2, 2, 'partial'), spent(3, 2, 'partial')],
      ),
      [{ worker: 'W1.1', reason: 'failing', sessions: 3, usd: 6, since: 7101 }],
    ],
    [
      'a session still running between failures does not break the streak',
      afterPlan([...THREE_FAILED, { ...attempt(4, 5, null), status: 'in_progress' }]),
      [{ worker: 'W1.1', reason: 'failing', sessions: 3, usd: 0, since: 7101 }],
    ],
    [
      'sessions that cost more than the hour allows',
      afterPlan(
        [attempt(1, 50, 'success'), attempt(2, 20, 'success')],
        [spent(1, 12, 'complete'), spent(2, 12, 'complete')],
      ),
      [{ worker: 'W1.1', reason: 'spending', sessions: 2, usd: 24, since: 7101 }],
    ],
    [
      'the same spend spread over more than an hour',
      afterPlan(
        [attempt(1, 90, 'success'), attempt(2, 20, 'success')],
        [spent(1, 12, 'complete'), spent(2, 12, 'complete')],
      ),
      [],
    ],
  ])('%s', (_, snapshot, expected) => {
    expect(runawaysOf(snapshot)).toEqual(expected);
  });

  it('finds none where the settings turn both off', () => {
    const snapshot = afterPlan(THREE_FAILED.slice(0, 2), [spent(1, 30), spent(2, 30)]);
    expect(runawaysOf(snapshot, { failures: 0, usdPerHour: null })).toEqual([]);
  });

  it('finds none for a worker that is done, whatever its sessions did', () => {
    const snapshot = afterPlan(THREE_FAILED.slice(0, 2));
    expect(runawaysOf(snapshot, { failures: 2, usdPerHour: null }, ['W1.1'])).toEqual([]);
  });
});

describe('decide: a runaway is told once per streak, on the issue', () => {
  const looping = make.snapshot({
    ...LABELLED,
    plan: planOf('W1.1'),
    runs: [planRun(), ...THREE_FAILED],
    commands: [
      make.command({ name: 'retry', worker: 'W1.1', instructions: '' }, { createdAt: ago(45) }),
      make.command({ name: 'retry', worker: 'W1.1', instructions: '' }, { createdAt: ago(35) }),
    ],
  });

  function runawayNotices(snapshot: BuildSnapshot, config: object = {}) {
    return decide({ snapshot, config: make.config({ approval: 'none', ...config }), now: NOW })
      .filter((action) => action.kind === 'notice')
      .flatMap((action) => (action.kind === 'notice' ? [action] : []))
      .filter((action) => action.key.startsWith('runaway/'));
  }

  it('posts a notice that names the worker and what to type', () => {
    const [notice, ...more] = runawayNotices(looping);
    expect(more).toEqual([]);
    expect(notice?.key).toBe('runaway/failing/W1.1/7101');
    expect(notice?.body).toContain('@maintainer 🔥 W1.1 looks like a runaway');
    expect(notice?.body).toContain('`/skip W1.1`');
  });

  it('posts none once its marker is seen, nor with `runaway.failures: 0`', () => {
    expect(runawayNotices({ ...looping, notices: ['runaway/failing/W1.1/7101'] })).toEqual([]);
    expect(runawayNotices(looping, { runaway: { failures: 0 } })).toEqual([]);
  });
});
