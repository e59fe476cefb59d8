import { describe, expect, it } from 'vitest';
import type { Provider } from '../../../src/core/sessions/engines.js';
import { PROVIDER_KITS } from '../../../src/session/agent/engines/provider-registry.js';
import { estimateCost } from '../../../src/session/agent/model-proxy/in-flight.js';
import { fitToRoom } from '../../../src/session/agent/model-proxy/spend-cap.js';

/**
 * The dollar limit as a cap (spend-cap.ts): a request's worst case fits what
 * is left as it is, with its output cap lowered, or not at all. Through a
 * running proxy: test/security/model-proxy-spend.test.ts.
 */

const SONNET = 'claude-sonnet-5-5'; // $3 and $15 a million tokens
const GPT = 'gpt-5.5'; // $5 and $30

function capped(provider: Provider, body: Record<string, unknown>, bytes: number, roomUsd: number) {
  const kit = PROVIDER_KITS[provider];
  return fitToRoom({ kit, body, estimate: estimateCost(kit, body, bytes, {}), roomUsd });
}

describe('fitToRoom', () => {
  it('lets a request through as it is when its worst case fits', () => {
    // 10,000 bytes and 1,000 output tokens of Sonnet: $0.045.
    expect(capped('anthropic', { model: SONNET, max_tokens: 1_000 }, 10_000, 0.045)).toEqual({
      kind: 'fits',
    });
  });

  it.each<[string, Provider, Record<string, unknown>, string, number]>([
    // $0.03 of input leaves $0.07: 4,666 output tokens of Sonnet, less the new cap's bytes.
    ['max_tokens', 'anthropic', { model: SONNET, max_tokens: 32_000 }, 'max_tokens', 4_666],
    // Uncapped, OpenAI's request gets a cap: $0.05 of input leaves $0.05, 1,666 of gpt-5.5.
    ['an OpenAI request with no cap', 'openai', { model: GPT }, 'max_output_tokens', 1_666],
  ])('lowers %s to what fits', (_, provider, body, field, most) => {
    const found = capped(provider, body, 10_000, 0.1);
    if (found.kind !== 'lowered') throw new Error(`not lowered: ${found.kind}`);
    expect(found.body[field]).toBe(found.outputTokens);
    expect(found.outputTokens).toBeLessThanOrEqual(most);
    expect(found.outputTokens).toBeGreaterThan(most - 10);
    // What is sent fits, the bytes the new cap adds counted.
    const added = JSON.stringify(found.body).length - JSON.stringify(body).length;
    expect(
      estimateCost(PROVIDER_KITS[provider], found.body, 10_000 + added, {}).usd,
    ).toBeLessThanOrEqual(0.1);
  });

  it.each<[string, unknown, unknown]>([
    [
      'keeps a thinking budget already below the cap',
      { type: 'enabled', budget_tokens: 2_000 },
      2_000,
    ],
    [
      'lowers one at or above the cap to leave room for an answer',
      { type: 'enabled', budget_tokens: 16_000 },
      'below',
    ],
    ['leaves adaptive thinking alone', { type: 'adaptive' }, undefined],
  ])('%s', (_, thinking, budget) => {
    const found = capped('anthropic', { model: SONNET, max_tokens: 32_000, thinking }, 10_000, 0.1);
    if (found.kind !== 'lowered') throw new Error(`not lowered: ${found.kind}`);
    const lowered = found.body.thinking as { budget_tokens?: number };
    if (budget === 'below') expect(lowered.budget_tokens).toBe(found.outputTokens - 1_024);
    else expect(lowered.budget_tokens).toBe(budget);
  });

  it.each<[string, Record<string, unknown>, number, number]>([
    ['its input alone is past what is left', { model: SONNET, max_tokens: 100 }, 40_000, 0.1],
    [
      'fewer than 1,024 output tokens would be left',
      { model: SONNET, max_tokens: 32_000 },
      10_000,
      0.045,
    ],
    ['nothing is left', { model: SONNET, max_tokens: 100 }, 10, 0],
    [
      'a thinking budget cannot stay at 1,024 under the cap',
      { model: SONNET, max_tokens: 32_000, thinking: { type: 'enabled', budget_tokens: 8_000 } },
      10_000,
      0.06,
    ],
  ])('refuses a request when %s', (_, body, bytes, roomUsd) => {
    expect(capped('anthropic', body, bytes, roomUsd)).toMatchObject({ kind: 'over' });
  });
});
