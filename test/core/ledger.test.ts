import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/core/context/action.js';
import { decide } from '../../src/core/decide/decide.js';
import { buildLedger, tallyBy } from '../../src/core/snapshot/ledger.js';
import type { BuildSnapshot } from '../../src/core/snapshot/snapshot.js';
import { viewOf } from './decide-helpers.js';
import { ago, make, NOW, planOf, planRun } from './factories.js';

const plan = planOf('W1.1');
const work = (id: number, overrides = {}) => make.run({ id, worker: 'W1.1', ...overrides });
const record = (run_id: number, overrides = {}) =>
  make.usageRecord({ run_id, role: 'work', worker: 'W1.1', ...overrides });

describe('buildLedger: every session counted once, where it happened', () => {
  it.each<[string, Partial<BuildSnapshot>, { total: number; work: number; estimated: number }]>([
    ['nothing yet', { runs: [] }, { total: 0, work: 0, estimated: 0 }],
    [
      'the plan session',
      { usage: [make.usageRecord({ cost: 1.5 })] },
      { total: 1.5, work: 0, estimated: 0 },
    ],
    [
      'a failed session with its record',
      {
        runs: [planRun(), work(7011, { conclusion: 'failure' })],
        usage: [record(7011, { cost: 0.5, outcome: 'failed' })],
      },
      { total: 0.5, work: 0.5, estimated: 0 },
    ],
    [
      'a record delivered twice',
      { usage: [record(7011, { cost: 0.5 }), record(7011, { cost: 0.5 })] },
      { total: 0.5, work: 0.5, estimated: 0 },
    ],
    [
      'a re-run attempt, a session of its own',
      { usage: [record(7011, { cost: 0.5 }), record(7011, { cost: 0.25, attempt: 2 })] },
      { total: 0.75, work: 0.75, estimated: 0 },
    ],
    [
      'a cancelled run without a record, at the reported rate of its role',
      {
        runs: [
          work(7011),
          work(7012, { conclusion: 'cancelled', startedAt: ago(10), updatedAt: ago(8) }),
        ],
        usage: [record(7011, { cost: 0.6, seconds: 60 })],
      },
      { total: 1.8, work: 1.8, estimated: 1 },
    ],
    [
      'a cancelled run before anything reported: counted, at nothing',
      { runs: [work(7012, { conclusion: 'cancelled' })] },
      { total: 0, work: 0, estimated: 1 },
    ],
    [
      'a skipped run: no session, nothing counted',
      { runs: [work(7012, { conclusion: 'skipped' })] },
      { total: 0, work: 0, estimated: 0 },
    ],
    [
      'a completion report from before usage records',
      { completions: { 'W1.1': { kind: 'valid', completion: make.completion() } } },
      {
        total: make.completion().usage.cost_usd,
        work: make.completion().usage.cost_usd,
        estimated: 0,
      },
    ],
    [
      'a completion report beside the record of the same session',
      {
        completions: { 'W1.1': { kind: 'valid', completion: make.completion() } },
        usage: [record(7011, { cost: 0.5 })],
      },
      { total: 0.5, work: 0.5, estimated: 0 },
    ],
  ])('counts %s', (_name, overrides, expected) => {
    const ledger = buildLedger(make.normalSnapshot({ runs: [], ...overrides }));
    expect(ledger.total.costUsd).toBeCloseTo(expected.total, 10);
    expect(ledger.byRole.work.costUsd).toBeCloseTo(expected.work, 10);
    expect(ledger.total.estimated).toBe(expected.estimated);
  });

  it('counts the review a work run made after its session as a review session of its own', () => {
    const usage = [
      record(7011, { cost: 0.5 }),
      record(7011, { role: 'review', after: 'work', cost: 0.2 }),
    ];
    const ledger = buildLedger(make.normalSnapshot({ runs: [work(7011)], usage }));
    expect(ledger.byRole.work.costUsd).toBeCloseTo(0.5, 10);
    expect(ledger.byRole.review.costUsd).toBeCloseTo(0.2, 10);
    expect(ledger.total).toMatchObject({ sessions: 2, estimated: 0 });
  });

  it('adds a legacy review marker only for workers without review records', () => {
    const pulls = [make.pull({ reviews: [make.review({ id: 1, costUsd: 0.3 })] })];
    expect(buildLedger(make.normalSnapshot({ pulls })).byRole.review.costUsd).toBeCloseTo(0.3);
    const usage = [record(7100, { role: 'review', cost: 0.2 })];
    expect(buildLedger(make.normalSnapshot({ pulls, usage })).byRole.review.costUsd).toBeCloseTo(
      0.2,
    );
  });
});

/**
 * W1.1 merged after a failed attempt, a cancelled one (no record: estimated)
 * and a good one, plus its review; the plan session counted too.
 */
function spentBuild(): BuildSnapshot {
  return make.snapshot({
    plan,
    runs: [
      planRun(),
      work(7011, { conclusion: 'failure' }),
      work(7012, { conclusion: 'cancelled', startedAt: ago(10), updatedAt: ago(8) }),
      work(7013),
      make.run({ id: 7100, role: 'review', worker: 'W1.1', trigger: null }),
    ],
    pulls: [make.pull({ number: 101, worker: 'W1.1', state: 'merged' })],
    completions: { 'W1.1': { kind: 'valid', completion: make.completion() } },
    usage: [
      make.usageRecord({ cost: 1 }),
      record(7011, { cost: 0.5, seconds: 100, outcome: 'failed' }),
      record(7013, { cost: 0.7, seconds: 140 }),
      record(7100, { role: 'review', cost: 0.2 }),
    ],
  });
}

function decideSpent(maxUsd: number | null): Action[] {
  return decide({
    snapshot: spentBuild(),
    config: make.config({ approval: 'none', budget: { maxUsd } }),
    now: NOW,
  });
}

describe('one number for status, report and budget', () => {
  // plan 1 + work 0.5 + 0.7 + the cancelled run's 120 s at 1.2 $ / 240 s (0.6) + review 0.2
  const TOTAL = 3;

  it('shows the same total in the status, the final report and the budget check', () => {
    const actions = decideSpent(null);
    const view = viewOf(actions);
    if (view.phase !== 'running') throw new Error(`phase ${view.phase}`);
    expect(view.progress.totals.costUsd).toBeCloseTo(TOTAL, 10);
    expect(view.progress.totals.byRole.plan.costUsd).toBeCloseTo(1, 10);
    expect(view.progress.totals.byRole.work.costUsd).toBeCloseTo(1.8, 10);
    expect(view.progress.totals.estimated).toBe(1);
    expect(view.progress.workers[0]?.costUsd).toBeCloseTo(2, 10);
    const final = actions.find((action) => action.kind === 'open-final-pull');
    const body = final?.kind === 'open-final-pull' ? final.body : '';
    expect(body).toContain('$3.00 |');
    expect(body).toContain('plan $1.00');
    expect(body).toContain('1 without a usage record, estimated');
  });

  it.each<[number, boolean]>([
    [3.01, false],
    [3, true],
    [2.5, true],
  ])('with budget.maxUsd %d, the budget is reached: %s', (maxUsd, reached) => {
    const actions = decideSpent(maxUsd);
    const view = viewOf(actions);
    expect(view.phase === 'running' && view.progress.budget.reached).toBe(reached);
    expect(
      actions.some((action) => action.kind === 'notice' && action.key === `budget/${maxUsd}`),
    ).toBe(reached);
  });
});

describe('buildLedger: its entries, one a session, which every grouping of spend reads', () => {
  const snapshot = make.normalSnapshot({
    plan,
    runs: [
      planRun({ createdAt: '2026-02-28T23:50:00Z' }),
      work(7011, { conclusion: 'failure', createdAt: '2026-03-01T00:10:00Z' }),
      work(7012, { conclusion: 'cancelled', createdAt: ago(30), updatedAt: ago(20) }),
    ],
    usage: [
      make.usageRecord({ cost: 1 }),
      record(7011, { cost: 0.5, outcome: 'failed', engine: 'codex' }),
    ],
  });
  const ledger = buildLedger(snapshot);

  it('keeps each session with its run, engine, day and outcome, estimates marked', () => {
    expect(
      ledger.entries.map(({ role, runId, engine, at, estimated, outcome }) => ({
        role,
        runId,
        engine,
        at,
        estimated,
        outcome,
      })),
    ).toEqual([
      {
        role: 'plan',
        runId: 7000,
        engine: null,
        at: '2026-02-28T23:50:00Z',
        estimated: false,
        outcome: 'complete',
      },
      {
        role: 'work',
        runId: 7011,
        engine: 'codex',
        at: '2026-03-01T00:10:00Z',
        estimated: false,
        outcome: 'failed',
      },
      { role: 'work', runId: 7012, engine: null, at: ago(30), estimated: true, outcome: null },
    ]);
  });

  it('tallies the entries by any key to the ledger total, nothing counted twice', () => {
    const byDay = tallyBy(ledger.entries, (entry) => entry.at?.slice(0, 10) ?? null);
    expect(byDay.map(({ key, tally }) => [key, tally.sessions])).toEqual([
      ['2026-02-28', 1],
      ['2026-03-01', 2],
    ]);
    const sum = byDay.reduce((usd, { tally }) => usd + tally.costUsd, 0);
    expect(sum).toBeCloseTo(ledger.total.costUsd, 10);
  });
});
