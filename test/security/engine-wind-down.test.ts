import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';
import type { CodingEngine } from '../../src/core/sessions/engines.js';
import { ENGINE_KITS } from '../../src/session/agent/engines/engine-registry.js';
import { describeAsRoot, useThrowawayUser } from './confine-fixtures.js';
import { engineSession } from './engine-fixtures.js';

/**
 * The dollar limit is a cap on every engine (docs/costs.md): a work session
 * on each engine of engine-registry.ts (the real binaries, against the fake
 * providers) works turn after turn, each answer writing more output than the
 * last as a real session's turns grow dearer, until it is told to wind down;
 * it then goes on for a turn or two more (keeping what works) and hands in
 * partial work. It ends at or under its dollar limit, with its work kept:
 * with its own note when it hands in within the reserve, with Baton's when
 * the model proxy refuses a request that could pass the limit. Baton's own
 * loop: test/session/agent-messages.test.ts and agent-limits.test.ts.
 */
const BUDGET_USD = 3;
const ENGINES = Object.keys(ENGINE_KITS) as CodingEngine[];
const HAND_IN = {
  status: 'partial',
  summary: 'HALF.md is written; the rest is not.',
  artifacts: ['HALF.md'],
  decisions: [],
  handoff: { done: 'HALF.md.', left: 'The rest.', next: 'Write the rest.' },
};

describeAsRoot('a session told to wind down ends within its dollar limit', () => {
  const user = useThrowawayUser('wd');

  it.each([
    // One turn more after it is told, each answer 1,000 output tokens more than the last
    // ($0.015 on Sonnet, $0.03 on gpt-5.5): it hands in its own note within the reserve.
    ...ENGINES.map((engine) => ({ engine, after: 1, growth: 1_000, own: true })),
    // Two turns more, each 2,000 tokens more: the reserve may not hold them, and the cap stops it.
    ...ENGINES.map((engine) => ({ engine, after: 2, growth: 2_000, own: false })),
  ])(
    '$engine, $after turn(s) more after it is told, answers growing by $growth tokens: at or under the budget, its work kept',
    async ({ engine, after, growth, own }) => {
      const run = await engineSession({
        engine,
        user,
        budgetUsd: BUDGET_USD,
        // Under session: in .github/baton.yml, after the engine.
        config: '  maxTurns: 200\n',
        usage: (turn) => ({ output_tokens: 6_000 + growth * turn }),
        commands: [
          'printf "half done\\n" > HALF.md',
          // Each command's output (4 KB) stays in the context: every request is larger than the last.
          ...Array.from({ length: 120 }, () => 'head -c 4000 /dev/zero | tr "\\\\0" x'),
        ],
        windDown: { handIn: HAND_IN, turns: after },
      });
      expect(run.result.status).toBe('partial');
      expect(run.result.limit).toBe('budget');
      expect(run.result.usage.cost_usd).toBeLessThanOrEqual(BUDGET_USD);
      expect(run.result.usage.cost_usd).toBeGreaterThan(BUDGET_USD / 2);
      expect(
        execFileSync('git', ['-C', run.root, 'show', 'HEAD:HALF.md'], { encoding: 'utf8' }),
      ).toBe('half done\n');
      // Its own note, or Baton's where the cap refused its hand-in: a note either way.
      if (own) expect(run.result.completion?.handoff?.next).toBe('Write the rest.');
      else
        expect(run.result.completion?.handoff?.next).toMatch(/Write the rest\.|could cost up to/);
    },
    180_000,
  );
});
