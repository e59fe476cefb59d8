// A session's dollar limit: the smaller of what the build's budget (`budget.maxUsd`) and the
// repository's day (`budget.dailyUsd`) had left when it started, named so that its wind-down
// and its result say which.
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/core/config/config.js';
import {
  exceededLimit,
  resolveLimits,
  usdLimitOf,
  windDownLimit,
} from '../../src/session/agent/model/limits.js';
import { createUsageMeter } from '../../src/session/agent/model/usage-meter.js';
import { makeConfig } from '../core/factories.js';

const STARTED = Date.parse('2026-11-25T15:00:00Z');

/** A config with these caps, the rest defaulted. */
function configWith(budget: { maxUsd?: number | null; dailyUsd?: number | null }): Config {
  const parsed = makeConfig({ budget });
  if (!parsed.ok) throw new Error('bad test config');
  return parsed.config;
}

describe('the dollar limit a session starts with', () => {
  it.each([
    // maxUsd, dailyUsd, build spent, day spent → limit, which
    { maxUsd: 50, dailyUsd: null, build: 10, day: null, usd: 40, which: 'budget' },
    { maxUsd: 50, dailyUsd: 20, build: 10, day: 5, usd: 15, which: 'daily' },
    { maxUsd: 50, dailyUsd: 100, build: 10, day: 5, usd: 40, which: 'budget' },
    // The day's spend could not be read: the build's limit, as before.
    { maxUsd: 50, dailyUsd: 20, build: 10, day: null, usd: 40, which: 'budget' },
    // The build's spend could not be read: its whole budget, against the day's rest.
    { maxUsd: 50, dailyUsd: 80, build: null, day: 5, usd: 50, which: 'budget' },
    { maxUsd: 50, dailyUsd: 30, build: null, day: 5, usd: 25, which: 'daily' },
    { maxUsd: null, dailyUsd: 20, build: null, day: 5, usd: 15, which: 'daily' },
    { maxUsd: null, dailyUsd: null, build: null, day: null, usd: null, which: 'budget' },
    // A day already spent leaves nothing (the app would not have started the session).
    { maxUsd: 50, dailyUsd: 20, build: 10, day: 25, usd: 0, which: 'daily' },
    // Both leave the same: the build's budget, which /continue after a raise goes on from.
    { maxUsd: 20, dailyUsd: 30, build: 0, day: 10, usd: 20, which: 'budget' },
  ])(
    'maxUsd $maxUsd, dailyUsd $dailyUsd, build spent $build, day spent $day: $usd ($which)',
    ({ maxUsd, dailyUsd, build, day, usd, which }) => {
      expect(
        usdLimitOf({ budget: { maxUsd, dailyUsd }, buildSpentUsd: build, daySpentUsd: day }),
      ).toEqual({ maxUsd: usd, usdLimit: which, budgetOf: 'build' });
    },
  );

  it("reads the caps from the config: a daily cap of 0 is none, as the app's", () => {
    const limits = (budget: { maxUsd?: number | null; dailyUsd?: number | null }) =>
      resolveLimits({
        config: configWith(budget),
        startedAt: STARTED,
        buildSpentUsd: 1,
        daySpentUsd: 4,
      });
    expect(limits({ maxUsd: 10, dailyUsd: 5 })).toMatchObject({ maxUsd: 1, usdLimit: 'daily' });
    expect(limits({ maxUsd: 10, dailyUsd: 0 })).toMatchObject({ maxUsd: 9, usdLimit: 'budget' });
  });
});

describe("a session near the day's cap", () => {
  const limits = resolveLimits({
    config: configWith({ maxUsd: 50, dailyUsd: 20 }),
    startedAt: STARTED,
    buildSpentUsd: 10,
    daySpentUsd: 17,
  });
  const meter = (usd: number, turns: number, { dearest = 0, handIn = 0 } = {}) => ({
    ...createUsageMeter(),
    cost_usd: usd,
    turns,
    dearest_turn_usd: dearest,
    hand_in_request_usd: handIn,
  });

  it.each([
    // $3 left of the day: $2 after two turns at $0.50 is four turns more; $0.60 after three at $0.80, not one.
    { usd: 1, turns: 2, dearest: 0, handIn: 0, told: null },
    { usd: 2.4, turns: 3, dearest: 0, handIn: 0, told: 'daily' },
    // The same $2 left, but its dearest turn cost $0.70: turns grow dearer, three of those are more.
    { usd: 1, turns: 2, dearest: 0.7, handIn: 0, told: 'daily' },
    // Or its hand-in's request may cost $0.60 at worst, which the model proxy's cap must let
    // through beside three turns' $1.50; $0.40 leaves room for both.
    { usd: 1, turns: 2, dearest: 0, handIn: 0.6, told: 'daily' },
    { usd: 1, turns: 2, dearest: 0, handIn: 0.4, told: null },
  ])(
    'after $turns turns costing $usd USD (the dearest $dearest, a hand-in $handIn at worst), is told to wind down before: $told',
    ({ usd, turns, dearest, handIn, told }) => {
      expect(windDownLimit(meter(usd, turns, { dearest, handIn }), limits, STARTED + 60_000)).toBe(
        told,
      );
    },
  );

  it('stops at it, saying it was the day', () => {
    expect(exceededLimit(meter(3, 5), limits, STARTED + 60_000)).toEqual({
      limit: 'daily',
      reason:
        "spent $3.00, what the repository's day (budget.dailyUsd in .github/baton.yml) had left when the session started ($3.00)",
    });
  });
});
