import { describe, expect, it } from 'vitest';
import { estimateBuild, leastMinutesFor } from '../../src/core/estimate.js';
import type { PlanWorker } from '../../src/core/plan.js';
import { makeConfig, makePlan, makeWorker } from './factories.js';

function normal(count: number): PlanWorker[] {
  return Array.from({ length: count }, (_, i) => makeWorker({ id: `W1.${i + 1}` }));
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
      [makeWorker({ id: 'W1.1', complexity: 'easy' })],
      { review: { enabled: false } },
      (200_000 * 1 + 8_000 * 5) / 1e6,
    ],
    [
      'a model of no known family, priced at nothing',
      normal(1),
      { models: { normal: 'my-own-model' }, review: { enabled: false } },
      0,
    ],
  ])('%s', (_name, workers, raw, usd) => {
    const parsed = makeConfig(raw);
    if (!parsed.ok) throw new Error('bad config');
    expect(estimateBuild({ plan: makePlan({ workers }), config: parsed.config }).usd).toBeCloseTo(
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
    const parsed = makeConfig(raw);
    if (!parsed.ok) throw new Error('bad config');
    expect(estimateBuild({ plan: makePlan({ workers }), config: parsed.config }).writes).toBe(
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
