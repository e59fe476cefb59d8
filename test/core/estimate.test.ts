import { describe, expect, it } from 'vitest';
import { lockFor } from '../../src/core/context/action.js';
import type { PlanWorker } from '../../src/core/plan/plan.js';
import type { UsageRecord } from '../../src/core/records/usage.js';
import {
  estimateBuild,
  leastMinutesFor,
  SESSION_WRITES,
  WRITES_AT_FIRST_DISPATCH,
  WRITES_AT_FIX_DISPATCH,
  WRITES_OF_A_MERGE,
  WRITES_OF_A_REVIEW,
  WRITES_OF_A_REVIEW_CHECK,
  WRITES_OF_A_REVIEW_DISPATCH,
  WRITES_OF_A_REVIEW_IN_RUN,
  WRITES_OWED_PER_WORKER,
  WRITES_PER_BUILD,
  WRITES_PER_FIX_ROUND,
  WRITES_PER_STARTED_WORKER,
  WRITES_PER_VALIDATION,
} from '../../src/core/snapshot/estimate.js';
import type { BuildSnapshot, RunInfo } from '../../src/core/snapshot/snapshot.js';
import {
  DEFAULT_SESSION_MS,
  dispatchedSessionWrites,
  dispatchedWorkerWrites,
  forecastWrites,
  startedWorkerWrites,
  totalOf,
  type WorkerCourse,
  workerCourse,
  writesOwed,
} from '../../src/core/workers/write-forecast.js';
import { ago, fixRun, make, NOW, planOf, planRun, sha, UNDER_WAY } from './factories.js';

function normal(count: number): PlanWorker[] {
  return Array.from({ length: count }, (_, i) => make.worker({ id: `W1.${i + 1}` }));
}

describe('estimateBuild: what the plan will likely cost, before /approve', () => {
  it.each<[string, PlanWorker[], object, number]>([
    // sonnet: work 500k × $3 + 20k × $15 = $1.80; a fix is half of that, every other worker;
    // a review 150k × $3 + 5k × $15 = $0.525, 1.5 per worker.
    ['a normal worker', normal(1), {}, 1.8 + 0.45 + 0.7875],
    ['20 normal workers', normal(20), {}, 60.75],
    [
      'a normal worker without reviews (so no fixes)',
      normal(1),
      { review: { enabled: false } },
      1.8,
    ],
    [
      'an easy worker on haiku',
      [make.worker({ id: 'W1.1', complexity: 'easy' })],
      { review: { enabled: false } },
      (200_000 * 1 + 8_000 * 5) / 1e6,
    ],
    [
      'a model of no known family, at the price the config gives it',
      normal(1),
      {
        models: { normal: 'my-own-model', prices: { 'my-own-model': { input: 2, output: 10 } } },
        review: { enabled: false },
      },
      (500_000 * 2 + 20_000 * 10) / 1e6,
    ],
  ])('%s', (_name, workers, raw, usd) => {
    const parsed = make.config(raw);
    if (!parsed.ok) throw new Error('bad config');
    expect(estimateBuild({ plan: make.plan({ workers }), config: parsed.config }).usd).toBeCloseTo(
      usd,
      6,
    );
  });
});

describe('estimateBuild: a plan with a contract counts a validation per milestone', () => {
  // W0.1 (the contract) and waves 1 and 2: milestones 1 and 2, two validations.
  const workers = [
    make.worker({ id: 'W0.1', contract: true }),
    make.worker({ id: 'W1.1', depends_on: ['W0.1'] }),
    make.worker({ id: 'W2.1', depends_on: ['W1.1'] }),
  ];
  const review = 0.525;

  it.each<[string, object, number]>([
    ['at models.review', {}, review],
    // opus: 150k × $5 + 5k × $25.
    [
      'at verification.validation.model',
      { verification: { validation: { model: 'claude-opus-4-5' } } },
      0.875,
    ],
  ])('prices each as a review %s, and counts its sessions and writes', (_name, raw, each) => {
    const parsed = make.config(raw);
    if (!parsed.ok) throw new Error('bad config');
    const withContract = estimateBuild({ plan: make.plan({ workers }), config: parsed.config });
    const without = estimateBuild({
      plan: make.plan({ workers: workers.slice(1).map((w) => ({ ...w, depends_on: [] })) }),
      config: parsed.config,
    });
    expect(withContract.validations).toBe(2);
    expect(without.validations).toBe(0);
    // The contract's worker costs as any worker; the validations on top.
    expect(withContract.usd - (without.usd * 3) / 2).toBeCloseTo(2 * each, 6);
    expect(withContract.sessions - (without.sessions * 3) / 2).toBe(2);
    expect(withContract.writes).toBe(Math.round(5 + 3 * 8 + 2 * WRITES_PER_VALIDATION));
  });
});

describe('estimateBuild: the GitHub writes a build needs and the least time the limits allow', () => {
  it.each<[string, PlanWorker[], object, number]>([
    // 5 for the build; 5 per worker (the dispatch, the merge, a status edit, its session's
    // pull request and the review in its run: a first attempt creates no branch) and 6 per fix
    // round (each review in its session's run, no dispatch of its own), half a round per
    // worker; 4 a worker with no review at all.
    ['a normal worker', normal(1), {}, 5 + 5 + 3],
    ['20 normal workers', normal(20), {}, 5 + 20 * 8],
    ['60 workers without reviews', normal(60), { review: { enabled: false } }, 5 + 60 * 4],
  ])('%s', (_name, workers, raw, writes) => {
    const parsed = make.config(raw);
    if (!parsed.ok) throw new Error('bad config');
    expect(estimateBuild({ plan: make.plan({ workers }), config: parsed.config }).writes).toBe(
      writes,
    );
  });

  it.each([
    [0, 0],
    [80, 9.6],
    [400, 48],
    [500, 60],
    // At a steady pace: the 501st is no hour later, as a burst of 500 and a wait would have it.
    [501, 60.12],
    [1_240, 148.8],
  ])('%i writes take at least %d minutes at a pace the hour holds', (writes, minutes) => {
    expect(leastMinutesFor(writes)).toBeCloseTo(minutes, 6);
  });

  it('takes the limits it is given: the write budget asks it at its own share of the hour', () => {
    expect(leastMinutesFor(6, { perMinute: 80, perHour: 480 })).toBeCloseTo(0.75, 6);
  });
});

describe('writesOwed: what the work under way will still write, as the snapshot shows it', () => {
  // The plan: W1.1, W1.2, and W2.1 on both. No run shows the build's runs do not review in the
  // run (`workerCourse`): a worker under way owes its merge alone, its review in its run counted
  // with its session's writes at its dispatch.
  const inFlight = (worker: string, id: number) =>
    make.run({ id, worker, status: 'in_progress', conclusion: null });
  /** W1.1's review run of the head `head`. */
  const reviewOf = (head: string) =>
    make.run({
      id: 3,
      role: 'review',
      worker: 'W1.1',
      trigger: `head-${sha(head)}`,
      status: 'in_progress',
      conclusion: null,
    });
  const changes = make.review({ verdict: 'changes-requested' });
  it.each<[string, Partial<BuildSnapshot>, number]>([
    ['a plan not started', {}, 0],
    [
      'one worker dispatched (its run listed)',
      { runs: [planRun(), inFlight('W1.1', 1)] },
      WRITES_OF_A_MERGE,
    ],
    [
      'two workers under way, one seen by its branch only (its run not listed yet)',
      { runs: [planRun(), inFlight('W1.1', 1)], branches: { 'W1.2': sha('b2') } },
      2 * WRITES_OF_A_MERGE,
    ],
    [
      'a worker merged, one with an open pull request',
      {
        branches: { 'W1.1': sha('a1'), 'W1.2': sha('b2') },
        pulls: [
          make.pull({ worker: 'W1.1', state: 'merged' }),
          make.pull({ number: 102, worker: 'W1.2' }),
        ],
      },
      WRITES_OWED_PER_WORKER,
    ],
    [
      'a worker in review: its review run listed, whose dispatch and review the budget counted as made',
      {
        branches: { 'W1.1': sha('a1'), 'W1.2': sha('b2') },
        runs: [planRun(), reviewOf('a1')],
        pulls: [make.pull({ worker: 'W1.1' })],
      },
      WRITES_OWED_PER_WORKER - WRITES_OF_A_REVIEW + WRITES_OF_A_MERGE,
    ],
    [
      'a review of an earlier head: the new head owes its own review',
      {
        branches: { 'W1.1': sha('a1') },
        runs: [planRun(), reviewOf('a0')],
        pulls: [make.pull({ worker: 'W1.1' })],
      },
      WRITES_OWED_PER_WORKER,
    ],
    [
      'a review that requested changes: a fix round is owed',
      {
        branches: { 'W1.1': sha('a1') },
        runs: [planRun(), reviewOf('a1')],
        pulls: [make.pull({ worker: 'W1.1', reviews: [changes] })],
      },
      WRITES_OWED_PER_WORKER - WRITES_OF_A_REVIEW + WRITES_PER_FIX_ROUND,
    ],
    [
      'its fix under way: the fix made what its dispatch makes',
      {
        branches: { 'W1.1': sha('a1') },
        runs: [
          planRun(),
          reviewOf('a1'),
          fixRun('review-501', { status: 'in_progress', conclusion: null }),
        ],
        pulls: [make.pull({ worker: 'W1.1', reviews: [changes] })],
      },
      WRITES_OWED_PER_WORKER - WRITES_OF_A_REVIEW + WRITES_PER_FIX_ROUND - WRITES_AT_FIX_DISPATCH,
    ],
    [
      'its fix ended and the changes still requested: a person is asked, no round is owed',
      {
        branches: { 'W1.1': sha('a1') },
        runs: [planRun(), reviewOf('a1'), fixRun('review-501')],
        pulls: [make.pull({ worker: 'W1.1', reviews: [changes] })],
      },
      WRITES_OWED_PER_WORKER - WRITES_OF_A_REVIEW,
    ],
    [
      'a pull request a rule of the build branch holds: its baton/review check is owed',
      {
        branches: { 'W1.1': sha('a1') },
        runs: [planRun(), reviewOf('a1')],
        pulls: [make.pull({ worker: 'W1.1', mergeState: 'blocked' })],
      },
      WRITES_OWED_PER_WORKER - WRITES_OF_A_REVIEW + WRITES_OF_A_REVIEW_CHECK,
    ],
    [
      'held, with the approving check on its head already',
      {
        branches: { 'W1.1': sha('a1') },
        runs: [planRun(), reviewOf('a1')],
        pulls: [
          make.pull({
            worker: 'W1.1',
            mergeState: 'blocked',
            reviewCheck: { sha: sha('a1'), verdict: 'approve' },
          }),
        ],
      },
      WRITES_OWED_PER_WORKER - WRITES_OF_A_REVIEW,
    ],
    [
      'red checks: a fix round is owed',
      {
        branches: { 'W1.1': sha('a1') },
        runs: [planRun(), reviewOf('a1')],
        pulls: [make.pull({ worker: 'W1.1', checks: { state: 'failure', failedRuns: [] } })],
      },
      WRITES_OWED_PER_WORKER - WRITES_OF_A_REVIEW + WRITES_PER_FIX_ROUND,
    ],
    [
      'every worker started, the last one under way: the final pull request after it is owed',
      {
        branches: { 'W1.1': sha('a1'), 'W1.2': sha('b2'), 'W2.1': sha('c3') },
        pulls: ['W1.1', 'W1.2'].map((worker, i) =>
          make.pull({ number: 101 + i, worker, state: 'merged' }),
        ),
      },
      WRITES_OF_A_MERGE + WRITES_PER_BUILD,
    ],
    [
      'the others merged, and W2.1 skipped before it started',
      {
        branches: { 'W1.1': sha('a1'), 'W1.2': sha('b2') },
        pulls: ['W1.1', 'W1.2'].map((worker, i) =>
          make.pull({ number: 101 + i, worker, state: 'merged' }),
        ),
        commands: [make.command({ name: 'skip', worker: 'W2.1' })],
      },
      WRITES_PER_BUILD,
    ],
    [
      'every worker merged, the final pull request still to open',
      {
        branches: { 'W1.1': sha('a1'), 'W1.2': sha('b2'), 'W2.1': sha('c3') },
        pulls: ['W1.1', 'W1.2', 'W2.1'].map((worker, i) =>
          make.pull({ number: 101 + i, worker, state: 'merged' }),
        ),
      },
      WRITES_PER_BUILD,
    ],
    [
      'the final pull request open',
      {
        branches: { 'W1.1': sha('a1') },
        pulls: [make.pull({ worker: 'W1.1', state: 'merged' })],
        finalPull: { number: 200, state: 'open', url: 'https://github.com/acme/shop/pull/200' },
      },
      0,
    ],
    [
      'a cancelled build (its issue closed) with a worker still running',
      {
        runs: [planRun(), inFlight('W1.1', 1)],
        issue: {
          ...make.snapshot().issue,
          state: 'closed',
          closed: { by: 'carol', at: null, byPull: null, maySteer: true },
        },
      },
      0,
    ],
  ])('%s', (_name, overrides, owed) => {
    expect(writesOwed(make.snapshot(overrides))).toBe(owed);
  });

  describe('holds room for the next worker of each chain under way', () => {
    // W1.1 heads a chain (W2.1, then W3.1); W2.2 waits on it too, and nothing on W2.2.
    const plan = planOf('W1.1', 'W2.1<W1.1', 'W3.1<W2.1', 'W2.2<W1.1');
    it.each<[string, Partial<BuildSnapshot>, number]>([
      ['nothing started: no chain under way', { plan }, 0],
      [
        'W1.1 under way: room for W2.1, which W3.1 waits on; none for W2.2, the end of its chain',
        { plan, runs: [planRun(), inFlight('W1.1', 1)] },
        // Each review in its work's run: no dispatch of its own.
        WRITES_OF_A_MERGE + WRITES_PER_STARTED_WORKER - WRITES_OF_A_REVIEW_DISPATCH,
      ],
      [
        'W1.1 merged: W2.1 is ready and asks for its room itself',
        {
          plan,
          branches: { 'W1.1': sha('a1') },
          pulls: [make.pull({ worker: 'W1.1', state: 'merged' })],
        },
        0,
      ],
    ])('%s', (_name, overrides, owed) => {
      expect(writesOwed(make.snapshot(overrides))).toBe(owed);
    });
  });

  it('counts a started worker whole: what it makes at its dispatch and what it owes after', () => {
    expect(WRITES_PER_STARTED_WORKER).toBe(WRITES_AT_FIRST_DISPATCH + WRITES_OWED_PER_WORKER);
    // The estimate's per-worker writes without a fix round (a round is reserved once it is
    // certain) nor the status edit (status edits wait for the budget themselves), each review a
    // dispatch of its own: the dispatch, its session's pull request, the review's dispatch and
    // review, the merge.
    expect(WRITES_PER_STARTED_WORKER).toBe(5);
  });

  it("counts the dispatch alone as a first dispatch's own write: a first attempt takes no lock ref and creates no branch", () => {
    expect(lockFor({ role: 'work', build: '42-login', issue: 42, worker: 'W1.1' }).kind).toBe(
      'work-run',
    );
    const course = { work: 12 * 60_000, review: 3 * 60_000, fix: 0 };
    for (const reviewInRun of [false, true]) {
      expect(startedWorkerWrites(0, { ...course, reviewInRun })[0]).toEqual({ at: 0, count: 1 });
    }
    // The rest of what it counts at its dispatch: its session's pull request.
    expect(WRITES_AT_FIRST_DISPATCH).toBe(1 + SESSION_WRITES.work);
  });
});

describe("workerCourse: whether a build's runs review in the run", () => {
  /** A run of `worker` that ended and succeeded. */
  const ended = (id: number, worker: string, overrides: Partial<RunInfo> = {}) =>
    make.run({ id, worker, ...overrides });
  /** The usage record of run `id`'s own session, complete unless told. */
  const own = (id: number, worker: string, overrides: Partial<UsageRecord> = {}) =>
    make.usageRecord({ run_id: id, role: 'work', worker, ...overrides });
  /** The record of the review in run `id`, after its work session. */
  const reviewed = (id: number, worker: string) =>
    make.usageRecord({ run_id: id, role: 'review', after: 'work', worker });
  it.each<[string, RunInfo[], UsageRecord[], boolean]>([
    ['no run ended, no record: as the shipped workflow does', [make.run(UNDER_WAY)], [], true],
    [
      'a work run that reviewed its head in the run',
      [ended(2, 'W1.2')],
      [own(2, 'W1.2'), reviewed(2, 'W1.2')],
      true,
    ],
    [
      'a work run under way with its session complete: its review jobs to come',
      [ended(2, 'W1.2', UNDER_WAY)],
      [own(2, 'W1.2')],
      true,
    ],
    [
      'a work run that failed',
      [ended(2, 'W1.2', { conclusion: 'failure' })],
      [own(2, 'W1.2', { outcome: 'failed' })],
      true,
    ],
    [
      'a session that stopped short: a draft, nothing to review',
      [ended(2, 'W1.2')],
      [own(2, 'W1.2', { outcome: 'partial' })],
      true,
    ],
    ['an ended run whose record is not read', [ended(2, 'W1.2')], [], true],
    [
      "a record of the run's earlier attempt",
      [ended(2, 'W1.2', { attempt: 2 })],
      [own(2, 'W1.2')],
      true,
    ],
    [
      'a review run of its own',
      [ended(3, 'W1.2', { role: 'review', trigger: `head-${sha('b2')}` })],
      [own(3, 'W1.2', { role: 'review' })],
      true,
    ],
    [
      'a work run whose session completed, ended with no review in it',
      [ended(2, 'W1.2')],
      [own(2, 'W1.2')],
      false,
    ],
    [
      'its second attempt so',
      [ended(2, 'W1.2', { attempt: 2 })],
      [own(2, 'W1.2', { attempt: 2 })],
      false,
    ],
    ['a fix run so', [fixRun('review-501')], [own(7200, 'W1.1', { role: 'fix' })], false],
    [
      'one run reviewed in the run, another not (reviews turned off since): the dearer way',
      [ended(2, 'W1.2'), ended(3, 'W1.3')],
      [own(2, 'W1.2'), reviewed(2, 'W1.2'), own(3, 'W1.3')],
      false,
    ],
  ])('%s', (_name, runs, usage, reviewInRun) => {
    const snapshot = make.snapshot({ runs: [planRun(), ...runs], usage });
    expect(workerCourse(snapshot).reviewInRun).toBe(reviewInRun);
  });

  it("counts each worker's review once while the build's first review record comes", () => {
    // W1.1 dispatched before any record: its review in its run counted with its session's writes.
    const before = make.snapshot({ runs: [planRun(), make.run({ id: 1, ...UNDER_WAY })] });
    const atDispatch = dispatchedSessionWrites(workerCourse(before), 'work');
    expect(atDispatch).toBe(SESSION_WRITES.work + WRITES_OF_A_REVIEW_IN_RUN);
    // W1.2's run then reviews its head in the run: W1.1 still owes its merge alone (W2.1 not
    // started: no final writes owed yet).
    const after = make.snapshot({
      ...before,
      runs: [...before.runs, ended(2, 'W1.2')],
      pulls: [make.pull({ number: 102, worker: 'W1.2', state: 'merged' })],
      usage: [own(2, 'W1.2'), reviewed(2, 'W1.2')],
    });
    expect(atDispatch + writesOwed(after)).toBe(
      SESSION_WRITES.work + WRITES_OF_A_REVIEW_IN_RUN + WRITES_OF_A_MERGE,
    );
  });

  it("owes a worker's review as a dispatch of its own once a run ended without reviewing in the run", () => {
    const snapshot = make.snapshot({
      plan: planOf('W1.1', 'W1.2', 'W1.3'),
      runs: [planRun(), make.run({ id: 1, ...UNDER_WAY }), ended(2, 'W1.2'), ended(3, 'W1.3')],
      pulls: ['W1.2', 'W1.3'].map((worker, i) =>
        make.pull({ number: 102 + i, worker, state: 'merged' }),
      ),
      usage: [own(2, 'W1.2'), reviewed(2, 'W1.2'), own(3, 'W1.3')],
    });
    expect(dispatchedSessionWrites(workerCourse(snapshot), 'work')).toBe(SESSION_WRITES.work);
    expect(writesOwed(snapshot)).toBe(WRITES_OWED_PER_WORKER + WRITES_PER_BUILD);
  });
});

describe("startedWorkerWrites and dispatchedWorkerWrites: a worker's writes from its first dispatch", () => {
  const MINUTE = 60_000;
  const course = { work: 15 * MINUTE, review: 3 * MINUTE, fix: 10 * MINUTE };
  it.each<[string, WorkerCourse, DueWritesTable, DueWritesTable]>([
    [
      'a review in the run: its pull request and review as the run typically ends, its merge then',
      { ...course, reviewInRun: true },
      [
        [0, 1],
        [15, SESSION_WRITES.work],
        [15, WRITES_OF_A_REVIEW_IN_RUN],
        [15, WRITES_OF_A_MERGE],
      ],
      [[15, WRITES_OF_A_MERGE]],
    ],
    [
      "a review of its own: dispatched as the work's run typically ends, the merge once the review's does",
      { ...course, reviewInRun: false },
      [
        [0, 1],
        [15, SESSION_WRITES.work],
        [15, WRITES_OF_A_REVIEW],
        [18, WRITES_OF_A_MERGE],
      ],
      [
        [15, WRITES_OF_A_REVIEW],
        [18, WRITES_OF_A_MERGE],
      ],
    ],
  ])('%s', (_name, worker, started, dispatched) => {
    const due = (table: DueWritesTable) =>
      table.map(([minutes, count]) => ({ at: minutes * MINUTE, count }));
    expect(startedWorkerWrites(0, worker)).toEqual(due(started));
    expect(dispatchedWorkerWrites(0, worker)).toEqual(due(dispatched));
    // What its dispatch counts beside what it owes: each write once.
    expect(
      totalOf(startedWorkerWrites(0, worker)) - totalOf(dispatchedWorkerWrites(0, worker)),
    ).toBe(1 + dispatchedSessionWrites(worker, 'work'));
  });
});

/** Writes due, as [minutes from the dispatch, count]. */
type DueWritesTable = [number, number][];

describe('forecastWrites: when each write a build owes is due', () => {
  const MINUTE = 60_000;
  const now = Date.parse(NOW);
  /** W1.1's work session, dispatched `minutes` ago and under way. */
  const working = (minutes: number) =>
    make.run({
      id: 1,
      createdAt: ago(minutes),
      updatedAt: ago(minutes),
      status: 'in_progress',
      conclusion: null,
    });
  /**
   * A work session and a review that ended, 12 and 3 minutes long: the build's typical lengths.
   * W1.2's session completed and its run ended with no review in it (`doesNotReviewInRun`): the
   * build's runs do not review in the run, and each review is a dispatch of its own.
   */
  const learned = [
    make.run({ id: 2, worker: 'W1.2', createdAt: ago(40), updatedAt: ago(28) }),
    make.run({
      id: 3,
      role: 'review',
      worker: 'W1.2',
      trigger: 'head-x',
      createdAt: ago(28),
      updatedAt: ago(25),
    }),
  ];
  const doesNotReviewInRun = {
    usage: [make.usageRecord({ run_id: 2, role: 'work', worker: 'W1.2' })],
  };
  /** W1.2's run that ended 25 minutes ago, 15 minutes long: its work session and the review in its run. */
  const inRun = {
    runs: [make.run({ id: 2, worker: 'W1.2', createdAt: ago(40), updatedAt: ago(25) })],
    usage: [
      make.usageRecord({ run_id: 2, role: 'work', worker: 'W1.2' }),
      make.usageRecord({ run_id: 2, role: 'review', after: 'work', worker: 'W1.2' }),
    ],
  };
  const plan = planOf('W1.1', 'W1.2');
  const merged = make.pull({ number: 102, worker: 'W1.2', state: 'merged' });

  it('reviews a worker when its session typically ends, and merges it right after the review', () => {
    const snapshot = make.snapshot({
      plan,
      runs: [planRun(), working(4), ...learned],
      branches: { 'W1.2': sha('b2') },
      pulls: [merged],
      ...doesNotReviewInRun,
    });
    // The work session is 4 minutes into its 12: its review in 8, its merge 3 later; the
    // build's final writes after that merge.
    expect(forecastWrites({ snapshot, nowMs: now })).toEqual([
      { at: now + 8 * MINUTE, count: WRITES_OF_A_REVIEW },
      { at: now + 11 * MINUTE, count: WRITES_OWED_PER_WORKER - WRITES_OF_A_REVIEW },
      { at: now + 11 * MINUTE, count: WRITES_PER_BUILD },
    ]);
  });

  it('expects an overdue write now, never in the past', () => {
    const snapshot = make.snapshot({
      plan,
      runs: [planRun(), working(30), ...learned],
      branches: { 'W1.2': sha('b2') },
      pulls: [merged],
      ...doesNotReviewInRun,
    });
    expect(forecastWrites({ snapshot, nowMs: now })[0]).toEqual({
      at: now,
      count: WRITES_OF_A_REVIEW,
    });
  });

  it('holds room for the next worker of a chain from when its dependency should merge', () => {
    const chain = planOf('W1.1', 'W2.1<W1.1', 'W3.1<W2.1');
    const snapshot = make.snapshot({
      plan: chain,
      runs: [planRun(), working(4), ...learned],
      ...doesNotReviewInRun,
    });
    const held = forecastWrites({ snapshot, nowMs: now }).slice(2);
    // W2.1 starts when W1.1 merges (11 minutes on): its dispatch then, its pull request 12
    // minutes later with its review, its merge 3 after.
    expect(held).toEqual([
      { at: now + 11 * MINUTE, count: WRITES_AT_FIRST_DISPATCH - 1 },
      { at: now + 23 * MINUTE, count: 1 },
      { at: now + 23 * MINUTE, count: WRITES_OF_A_REVIEW },
      { at: now + 26 * MINUTE, count: WRITES_OWED_PER_WORKER - WRITES_OF_A_REVIEW },
    ]);
  });

  it('merges a worker when its run typically ends, where the run reviews its head', () => {
    const snapshot = make.snapshot({
      plan,
      runs: [planRun(), working(4), ...inRun.runs],
      usage: inRun.usage,
      branches: { 'W1.2': sha('b2') },
      pulls: [merged],
    });
    // The run is 4 minutes into its 15, which cover the review: its merge in 11 (its pull
    // request and review counted at its dispatch), the build's final writes then.
    expect(forecastWrites({ snapshot, nowMs: now })).toEqual([
      { at: now + 11 * MINUTE, count: WRITES_OF_A_MERGE },
      { at: now + 11 * MINUTE, count: WRITES_PER_BUILD },
    ]);
  });

  it('merges a pull request its run is reviewing when the run typically ends', () => {
    const snapshot = make.snapshot({
      plan,
      runs: [planRun(), working(12), ...inRun.runs],
      usage: inRun.usage,
      branches: { 'W1.1': sha('a1'), 'W1.2': sha('b2') },
      pulls: [make.pull({ worker: 'W1.1' }), merged],
    });
    expect(forecastWrites({ snapshot, nowMs: now })).toEqual([
      { at: now + 3 * MINUTE, count: WRITES_OF_A_MERGE },
      { at: now + 3 * MINUTE, count: WRITES_PER_BUILD },
    ]);
  });

  it("holds room for a chain's next worker from its dependency's run's typical end, where runs review in the run", () => {
    const chain = planOf('W1.1', 'W2.1<W1.1', 'W3.1<W2.1');
    const snapshot = make.snapshot({
      plan: chain,
      runs: [planRun(), working(4), ...inRun.runs],
      usage: inRun.usage,
    });
    // W1.1 merges in 11 minutes; W2.1 then: its dispatch, its run's writes and its merge 15 later.
    expect(forecastWrites({ snapshot, nowMs: now }).slice(1)).toEqual([
      { at: now + 11 * MINUTE, count: WRITES_AT_FIRST_DISPATCH - SESSION_WRITES.work },
      { at: now + 26 * MINUTE, count: SESSION_WRITES.work },
      { at: now + 26 * MINUTE, count: WRITES_OF_A_REVIEW_IN_RUN },
      { at: now + 26 * MINUTE, count: WRITES_OF_A_MERGE },
    ]);
  });

  it('takes a session of the default length before any run of the build has ended', () => {
    const snapshot = make.snapshot({
      plan: planOf('W1.1'),
      runs: [
        make.run({
          id: 1,
          createdAt: NOW,
          updatedAt: NOW,
          status: 'in_progress',
          conclusion: null,
        }),
      ],
    });
    // No run has shown the build's runs do not review in the run: its merge as the run ends.
    expect(forecastWrites({ snapshot, nowMs: now })[0]).toEqual({
      at: now + DEFAULT_SESSION_MS,
      count: WRITES_OF_A_MERGE,
    });
  });
});
