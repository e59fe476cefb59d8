import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/core/config/config.js';
import { decide } from '../../src/core/decide/decide.js';
import type { Plan, PlanWorker } from '../../src/core/plan/plan.js';
import { makeConfig, makePlan, makeWorker } from './factories.js';
import { advance } from './sim/advance.js';
import { applyActions } from './sim/apply.js';
import { everyWorkerDone } from './sim/judge.js';
import { scramble } from './sim/scramble.js';
import { makeRng, makeWorld, nowOf, type World } from './sim/world.js';

const MAX_STEPS = 800;
const CALM_AFTER = 150;

/** Waves of 1–4 workers, each depending on any workers of earlier waves. */
const randomDag = fc
  .array(fc.array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: 1, maxLength: 4 }), {
    minLength: 1,
    maxLength: 4,
  })
  .map((waves) => {
    const plan: PlanWorker[] = [];
    waves.forEach((wave, w) => {
      const earlier = [...plan];
      wave.forEach((picks, s) => {
        const deps =
          earlier.length === 0
            ? []
            : [...new Set(picks.map((pick) => earlier[pick % earlier.length]?.id ?? ''))];
        plan.push(
          makeWorker({ id: `W${w + 1}.${s + 1}`, depends_on: deps.filter(Boolean).sort() }),
        );
      });
    });
    return plan;
  });

const chain = fc
  .integer({ min: 1, max: 5 })
  .map((length) =>
    Array.from({ length }, (_, i) =>
      makeWorker({ id: `W${i + 1}.1`, depends_on: i === 0 ? [] : [`W${i}.1`] }),
    ),
  );

const diamond = fc
  .integer({ min: 1, max: 5 })
  .map((width) => [
    makeWorker({ id: 'W1.1' }),
    ...Array.from({ length: width }, (_, i) =>
      makeWorker({ id: `W2.${i + 1}`, depends_on: ['W1.1'] }),
    ),
    makeWorker({ id: 'W3.1', depends_on: Array.from({ length: width }, (_, i) => `W2.${i + 1}`) }),
  ]);

const wideWave = fc
  .integer({ min: 1, max: 8 })
  .map((width) => Array.from({ length: width }, (_, i) => makeWorker({ id: `W1.${i + 1}` })));

const plans = fc
  .oneof(randomDag, chain, diamond, wideWave)
  .map((workers): Plan => makePlan({ workers }));

const configs = fc
  .record({
    approval: fc.constantFrom('plan', 'none'),
    maxParallel: fc.integer({ min: 1, max: 4 }),
    review: fc.record({
      enabled: fc.boolean(),
      maxFixRounds: fc.integer({ min: 0, max: 3 }),
      requireHuman: fc.boolean(),
    }),
    merge: fc.record({ requireChecks: fc.boolean() }),
    final: fc.record({ autoMerge: fc.boolean() }),
  })
  .map((raw): Config => {
    const parsed = makeConfig(raw);
    if (!parsed.ok) throw new Error('unreachable');
    return parsed.config;
  });

/** Runs decide against the fake GitHub until the build is delivered, checking each decision. */
function simulate({ plan, config, seed }: { plan: Plan; config: Config; seed: number }): World {
  const world = makeWorld({ plan, config, seed });
  const shuffler = makeRng(seed ^ 0x5eed);
  for (let step = 0; step < MAX_STEPS && world.lastView?.phase !== 'done'; step++) {
    world.calm = step >= CALM_AFTER;
    const input = { config: { ok: true as const, config }, now: nowOf(world) };
    const actions = decide({ ...input, snapshot: world.snap });
    const again = decide({ ...input, snapshot: scramble(world.snap, shuffler) });
    if (JSON.stringify(again) !== JSON.stringify(actions)) {
      world.violations.push(`step ${step}: the same truth, listed otherwise, gave other actions`);
    }
    applyActions(world, actions);
    if (world.violations.length > 0) break;
    advance(world);
  }
  return world;
}

describe('decide converges', () => {
  it('delivers every plan, safely, whatever order the truth arrives in', () => {
    fc.assert(
      fc.property(plans, configs, fc.integer(), (plan, config, seed) => {
        const world = simulate({ plan, config, seed });
        expect(world.violations).toEqual([]);
        expect(world.lastView?.phase).toBe('done');
        expect(everyWorkerDone(world)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
