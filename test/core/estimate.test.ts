import { describe, expect, it } from 'vitest';
import type { PlanWorker } from '../../src/core/plan/plan.js';
import {
  estimateBuild,
  leastMinutesFor,
  WRITES_AT_FIRST_DISPATCH,
  WRITES_OF_A_REVIEW,
  WRITES_OWED_PER_WORKER,
  WRITES_PER_BUILD,
  WRITES_PER_STARTED_WORKER,
  writesOwed,
} from '../../src/core/snapshot/estimate.js';
import type { BuildSnapshot } from '../../src/core/snapshot/snapshot.js';
import { make, planRun, sha } from './factories.js';

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

describe('estimateBuild: the GitHub writes a build needs and the least time the limits allow', () => {
  it.each<[string, PlanWorker[], object, number]>([
    // 5 for the build, 8 per worker, 7 per fix round, half a round per worker.
    ['a normal worker', normal(1), {}, Math.round(5 + 8 + 3.5)],
    ['20 normal workers', normal(20), {}, 5 + 20 * 11.5],
    ['60 workers without reviews', normal(60), { review: { enabled: false } }, 5 + 60 * 8],
  ])('%s', (_name, workers, raw, writes) => {
    const parsed = make.config(raw);
    if (!parsed.ok) throw new Error('bad config');
    expect(estimateBuild({ plan: make.plan({ workers }), config: parsed.config }).writes).toBe(
      writes,
    );
  });

  it.each([
    [0, 0],
    [80, 1],
    [400, 5],
    [500, 6.25],
    // The 501st write waits until an hour has passed since the first.
    [501, 60],
    [1_240, 120],
  ])('%i writes take at least %d minutes', (writes, minutes) => {
    expect(leastMinutesFor(writes)).toBeCloseTo(minutes, 6);
  });
});

describe('writesOwed: what the work under way will still write, as the snapshot shows it', () => {
  // The plan: W1.1, W1.2, and W2.1 on both.
  const inFlight = (worker: string, id: number) =>
    make.run({ id, worker, status: 'in_progress', conclusion: null });
  it.each<[string, Partial<BuildSnapshot>, number]>([
    ['a plan not started', {}, 0],
    [
      'one worker dispatched (its run listed)',
      { runs: [planRun(), inFlight('W1.1', 1)] },
      WRITES_OWED_PER_WORKER + WRITES_PER_BUILD,
    ],
    [
      'two workers under way, one seen by its branch only (its run not listed yet)',
      { runs: [planRun(), inFlight('W1.1', 1)], branches: { 'W1.2': sha('b2') } },
      2 * WRITES_OWED_PER_WORKER + WRITES_PER_BUILD,
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
      WRITES_OWED_PER_WORKER + WRITES_PER_BUILD,
    ],
    [
      'a worker in review: its review run listed, whose dispatch and review the budget counted as made',
      {
        branches: { 'W1.1': sha('a1'), 'W1.2': sha('b2') },
        runs: [
          planRun(),
          make.run({
            id: 3,
            role: 'review',
            worker: 'W1.1',
            status: 'in_progress',
            conclusion: null,
          }),
        ],
        pulls: [make.pull({ worker: 'W1.1' })],
      },
      2 * WRITES_OWED_PER_WORKER - WRITES_OF_A_REVIEW + WRITES_PER_BUILD,
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

  it('counts a started worker whole: what it makes at its dispatch and what it owes after', () => {
    expect(WRITES_PER_STARTED_WORKER).toBe(WRITES_AT_FIRST_DISPATCH + WRITES_OWED_PER_WORKER);
    // The estimate's per-worker writes, its expected fix rounds included (8 + 0.5 × 7).
    expect(WRITES_PER_STARTED_WORKER).toBe(11.5);
  });
});
