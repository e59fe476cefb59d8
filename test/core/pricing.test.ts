import { describe, expect, it } from 'vitest';
import { costOf } from '../../src/core/vocabulary/pricing.js';
import {
  addUsage,
  createUsageMeter,
  describeUnpriced,
  recordResponse,
  toUsage,
} from '../../src/session/agent/model/usage-meter.js';

const tokens = (input: number, output: number, read = 0, write = 0) => ({
  input_tokens: input,
  output_tokens: output,
  cache_read_input_tokens: read,
  cache_creation_input_tokens: write,
});

describe('costOf', () => {
  it.each([
    ['claude-opus-5-5', tokens(1e6, 0), 5],
    ['claude-opus-5-5', tokens(0, 1e6), 25],
    ['claude-sonnet-5-5', tokens(1e6, 1e6), 18],
    ['claude-haiku-5-5', tokens(1e6, 1e6), 6],
    ['claude-sonnet-5-5', tokens(0, 0, 1e6), 0.3],
    ['claude-sonnet-5-5', tokens(0, 0, 0, 1e6), 3.75],
    ['Claude-Opus-Latest', tokens(2e6, 0), 10],
  ])('%s costs what its family lists: %j → $%d', (model, counts, usd) => {
    expect(costOf(model, counts)).toBeCloseTo(usd, 9);
  });

  it.each([
    ['claude-opus-4-1-20250805', tokens(1e6, 1e6), 90],
    ['claude-opus-4-1', tokens(1e6, 0), 15],
    ['claude-opus-4-0', tokens(0, 1e6), 75],
    ['claude-opus-4-20250514', tokens(1e6, 1e6), 90],
    ['claude-3-opus-20240229', tokens(1e6, 1e6), 90],
    ['claude-3-opus-latest', tokens(0, 0, 1e6, 1e6), 1.5 + 18.75],
    ['Claude-Opus-4-1@20250805', tokens(1e6, 0), 15],
    ['claude-3-5-haiku-20241022', tokens(1e6, 1e6), 4.8],
    ['claude-3-haiku-20240307', tokens(1e6, 1e6), 1.5],
  ])(
    'prices the older model %s at its own price, not its family’s: %j → $%d',
    (model, counts, usd) => {
      expect(costOf(model, counts)).toBeCloseTo(usd, 9);
    },
  );

  it.each([
    'claude-opus-4-5-20251101',
    'claude-opus-4-6',
    'claude-opus-4-10',
    'claude-opus-4-2',
    'claude-opus-5-5',
  ])('prices %s, which only begins like an older model, by its family', (model) => {
    expect(costOf(model, tokens(1e6, 1e6))).toBeCloseTo(30, 9);
  });

  it('prices one-hour cache writes at twice input, the rest of the writes at 1.25', () => {
    const hour = (writes: number, ofThem: number) => ({
      ...tokens(0, 0, 0, writes),
      cache_creation_1h_input_tokens: ofThem,
    });
    expect(costOf('claude-sonnet-5-5', hour(1e6, 1e6))).toBeCloseTo(6, 9);
    expect(costOf('claude-sonnet-5-5', hour(1e6, 4e5))).toBeCloseTo(2.25 + 2.4, 9);
    expect(costOf('claude-opus-4-1', hour(1e6, 1e6))).toBeCloseTo(30, 9);
    expect(costOf('claude-sonnet-5-5', hour(1e6, 0))).toBeCloseTo(3.75, 9);
  });

  it('has no price for a model of no known family', () => {
    expect(costOf('gpt-something', tokens(1e6, 1e6))).toBeNull();
  });

  it.each([
    ['gpt-5.5', tokens(2e5, 1e6), 31],
    ['gpt-5.5', tokens(0, 0, 2e5), 0.1],
    ['gpt-5.5-2026-04-23', tokens(2e5, 0), 1],
  ])('prices the OpenAI model %s by its exact id: %j → $%d', (model, counts, usd) => {
    expect(costOf(model, counts)).toBeCloseTo(usd, 9);
  });

  it('prices a GPT-5.5 prompt of more than 272K input tokens, cached or not, whole at twice input and one and a half times output', () => {
    expect(costOf('gpt-5.5', tokens(272_000, 1e6))).toBeCloseTo(1.36 + 30, 9);
    expect(costOf('gpt-5.5', tokens(272_001, 1e6))).toBeCloseTo(2 * 1.360005 + 45, 9);
    expect(costOf('gpt-5.5', tokens(72_001, 0, 200_000))).toBeCloseTo(2 * (0.360005 + 0.1), 9);
    expect(costOf('claude-sonnet-5-5', tokens(1e6, 0))).toBeCloseTo(3, 9);
  });

  it('leaves another model whose id begins like a priced OpenAI one unpriced', () => {
    expect(costOf('gpt-5.5-pro', tokens(1e6, 1e6))).toBeNull();
    expect(costOf('constructor', tokens(1e6, 1e6))).toBeNull();
  });

  it('prices a model the config prices (models.prices), before the table, by exact id', () => {
    const prices = {
      'gpt-something': { input: 2, output: 8 },
      'claude-opus-5-5': { input: 1, output: 1 },
    };
    expect(costOf('gpt-something', tokens(1e6, 1e6, 1e6), prices)).toBeCloseTo(10.2, 9);
    expect(costOf('claude-opus-5-5', tokens(1e6, 0), prices)).toBeCloseTo(1, 9);
    expect(costOf('GPT-something', tokens(1e6, 1e6), prices)).toBeNull();
    expect(costOf('toString', tokens(1e6, 1e6), prices)).toBeNull();
  });
});

describe('usage meter', () => {
  it('counts a model the config prices at that price', () => {
    const meter = createUsageMeter();
    meter.prices = { 'gpt-something': { input: 2, output: 8 } };
    recordResponse(meter, 'gpt-something', { input_tokens: 1e6, output_tokens: 1e6 });
    expect(meter.cost_usd).toBeCloseTo(10, 9);
    expect([...meter.unpriced]).toEqual([]);
  });

  it('sums responses and notes models without a price', () => {
    const meter = createUsageMeter();
    recordResponse(meter, 'claude-haiku-5-5', {
      input_tokens: 1000,
      output_tokens: 100,
      cache_read_input_tokens: null,
    });
    recordResponse(meter, 'mystery', {
      input_tokens: 10,
      output_tokens: 1,
      cache_creation_input_tokens: 5,
    });
    expect(toUsage(meter, 12.34)).toEqual({
      input_tokens: 1010,
      output_tokens: 101,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 5,
      cost_usd: 0.0015,
      turns: 2,
      seconds: 12.3,
      thinking_tokens: 0,
      web_search_requests: 0,
      web_fetch_requests: 0,
      cleared_input_tokens: 0,
    });
    expect(describeUnpriced(meter)).toContain('cost_usd counts 0 for mystery');
  });

  it('counts the cache writes an answer reports for an hour at the one-hour price', () => {
    const meter = createUsageMeter();
    recordResponse(meter, 'claude-sonnet-5-5', {
      input_tokens: 0,
      output_tokens: 0,
      cache_creation_input_tokens: 1e6,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 1e6 },
    });
    expect(meter.cost_usd).toBeCloseTo(6, 9);
    // The split counts even where the total is missing: never fewer writes than its parts.
    recordResponse(meter, 'claude-sonnet-5-5', {
      input_tokens: 0,
      output_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 4e5, ephemeral_1h_input_tokens: 6e5 },
    });
    expect(meter.cache_creation_input_tokens).toBe(2e6);
    expect(meter.cost_usd).toBeCloseTo(6 + 1.5 + 3.6, 9);
  });

  it('adds usages field by field', () => {
    const a = { ...tokens(1, 2, 3, 4), cost_usd: 0.1, turns: 1, seconds: 1.5 };
    const none = { thinking_tokens: 0, web_search_requests: 0, web_fetch_requests: 0 };
    expect(addUsage(a, a)).toEqual({
      ...tokens(2, 4, 6, 8),
      ...{ cost_usd: 0.2, turns: 2, seconds: 3, ...none, cleared_input_tokens: 0 },
    });
  });

  it('counts thinking, web searches and cleared context, and prices each search', () => {
    const meter = createUsageMeter();
    recordResponse(
      meter,
      'claude-sonnet-5-5',
      {
        input_tokens: 0,
        output_tokens: 1000,
        output_tokens_details: { thinking_tokens: 600 },
        server_tool_use: { web_search_requests: 3, web_fetch_requests: 2 },
      },
      { applied_edits: [{ type: 'clear_tool_uses_20250919', cleared_input_tokens: 40_000 }] },
    );
    const usage = toUsage(meter, 1);
    expect(usage).toMatchObject({
      output_tokens: 1000,
      thinking_tokens: 600,
      web_search_requests: 3,
      web_fetch_requests: 2,
      cleared_input_tokens: 40_000,
    });
    // 1,000 output tokens at $15 per million, thinking included, plus 3 searches at $10 per 1,000.
    expect(usage.cost_usd).toBeCloseTo(0.015 + 0.03, 9);
  });
});
