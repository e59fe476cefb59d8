import { describe, expect, it } from 'vitest';
import type { Provider } from '../../../src/core/sessions/engines.js';
import { PROVIDER_KITS } from '../../../src/session/agent/engines/provider-registry.js';
import { createUsageMeter, type UsageMeter } from '../../../src/session/agent/model/usage-meter.js';
import { meterResponse } from '../../../src/session/agent/model-proxy/meter-response.js';

/**
 * The usage read out of a model's answer as it passes the proxy
 * (meter-response.ts), JSON or streamed, of both providers: what lands on the
 * session's meter and what it costs, however the stream is cut into chunks.
 * The same through a running proxy is in test/security/model-proxy-spend.test.ts.
 */

const SONNET = 'claude-sonnet-5-5'; // $3 and $15 a million tokens
const GPT = 'gpt-5.5'; // $5 and $30
/** The most bytes of a JSON answer read (meter-response.ts). */
const MAX_JSON_BYTES = 32 * 1024 * 1024;

type Event = { type: string } & Record<string, unknown>;

/** Server-sent events as a provider streams them, each line ended by `eol`. */
const sse = (events: Event[], eol = '\n') =>
  events
    .map((event) => `event: ${event.type}${eol}data: ${JSON.stringify(event)}${eol}${eol}`)
    .join('');

/** Feeds `chunks` to a fresh meter's reading and ends it. */
function meterOf(
  provider: Provider,
  { streamed, chunks, model }: { streamed: boolean; chunks: (string | Buffer)[]; model?: string },
) {
  const meter = createUsageMeter();
  const reading = meterResponse({
    kit: PROVIDER_KITS[provider],
    streamed,
    meter,
    model: model ?? (provider === 'anthropic' ? SONNET : GPT),
  });
  for (const chunk of chunks) reading.push(Buffer.from(chunk));
  return { meter, recorded: reading.end(), reading };
}

/** The counts of a meter, without its maps and sets, nor its dearest answer (its cost, when it is the only one). */
const counts = ({
  tools: _,
  unpriced: __,
  prices: ___,
  dearest_turn_usd: ____,
  ...fields
}: UsageMeter) => fields;

const nothing = counts(createUsageMeter());

/** A row of answers read: its title, the answer's usage, and the counts it leaves. */
type AnswerRow = [string, Record<string, unknown>, Partial<ReturnType<typeof counts>>];

/** A meter's counts after one answer: these fields, the rest at zero. */
const oneAnswer = (fields: Partial<ReturnType<typeof counts>>) => ({
  ...nothing,
  turns: 1,
  ...fields,
});

// Anthropic.

const message = (usage: Record<string, unknown>, fields: Record<string, unknown> = {}) => ({
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: SONNET,
  content: [{ type: 'text', text: 'ok' }],
  usage,
  ...fields,
});
const messageStart = (usage: Record<string, unknown>, fields: Record<string, unknown> = {}) => ({
  type: 'message_start',
  message: { ...message(usage, fields), content: [] },
});
const messageDelta = (usage: Record<string, unknown>, fields: Record<string, unknown> = {}) => ({
  type: 'message_delta',
  delta: { stop_reason: 'end_turn' },
  usage,
  ...fields,
});
const textDelta = (text: string) => ({
  type: 'content_block_delta',
  index: 0,
  delta: { type: 'text_delta', text },
});
/** A whole Anthropic stream: its start, some text, its deltas, its stop. */
const anthropicStream = (start: Record<string, unknown>, ...deltas: Event[]) =>
  sse([
    messageStart(start),
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'ping' },
    textDelta('héllo ✓ 世界'),
    { type: 'content_block_stop', index: 0 },
    ...deltas,
    { type: 'message_stop' },
  ]);

// OpenAI.

const response = (
  usage: Record<string, unknown> | null,
  output: unknown[] = [{ type: 'message', content: [{ type: 'output_text', text: 'ok ✓' }] }],
  fields: Record<string, unknown> = {},
) => ({
  id: 'resp_1',
  object: 'response',
  model: GPT,
  status: 'completed',
  output,
  usage,
  ...fields,
});
/** A whole OpenAI stream ending in `last` (`response.completed` and the like). */
const openAiStream = (last: string, finished: Record<string, unknown>) =>
  sse([
    { type: 'response.created', response: response(null, []) },
    { type: 'response.in_progress', response: response(null, []) },
    { type: 'response.output_text.delta', delta: 'ok ✓' },
    { type: last, response: finished },
  ]);

describe('meterResponse: Anthropic', () => {
  const usage = {
    input_tokens: 100,
    cache_read_input_tokens: 1_000,
    cache_creation_input_tokens: 200,
    cache_creation: { ephemeral_5m_input_tokens: 50, ephemeral_1h_input_tokens: 150 },
    output_tokens: 30,
  };
  // 100 input, 1,000 reads at a tenth, 50 five-minute writes at 1.25, 150 one-hour ones at 2; 30 output.
  const cost = ((100 + 100 + 62.5 + 300) * 3 + 30 * 15) / 1e6;
  const counted = oneAnswer({
    input_tokens: 100,
    output_tokens: 30,
    cache_read_input_tokens: 1_000,
    cache_creation_input_tokens: 200,
    cost_usd: cost,
  });

  it.each<[string, boolean, string]>([
    ['a JSON answer', false, JSON.stringify(message(usage))],
    [
      'a stream: its start, then the cumulative output of its last delta',
      true,
      anthropicStream(
        { ...usage, output_tokens: 1 },
        messageDelta({ output_tokens: 12 }),
        messageDelta({ output_tokens: 30 }),
      ),
    ],
    [
      'a stream whose delta repeats every count, newer',
      true,
      anthropicStream({ input_tokens: 100, output_tokens: 1 }, messageDelta(usage)),
    ],
    [
      'a stream whose later delta has nulls: they undo no count',
      true,
      anthropicStream(
        { ...usage, output_tokens: 1 },
        messageDelta({
          input_tokens: null,
          cache_read_input_tokens: null,
          cache_creation_input_tokens: null,
          cache_creation: null,
          output_tokens: 30,
        }),
      ),
    ],
    [
      'a stream with CRLF line ends',
      true,
      anthropicStream(
        { ...usage, output_tokens: 1 },
        messageDelta({ output_tokens: 30 }),
      ).replaceAll('\n', '\r\n'),
    ],
  ])('reads %s', (_, streamed, text) => {
    const { meter, recorded } = meterOf('anthropic', { streamed, chunks: [text] });
    expect(recorded).toBe(true);
    expect(counts(meter)).toEqual({ ...counted, cost_usd: expect.closeTo(cost, 12) });
  });

  /**
   * A row of an answer that only wrote the cache (no input, no output): what
   * its usage says of the writes, and the tokens counted written and the input
   * tokens they cost as (at Sonnet's $3 a million).
   */
  const writesAlone = (
    title: string,
    writes: Record<string, unknown>,
    [written, pricedAs]: [number, number],
  ): AnswerRow => [
    title,
    { input_tokens: 0, output_tokens: 0, ...writes },
    { cache_creation_input_tokens: written, cost_usd: (pricedAs * 3) / 1e6 },
  ];

  it.each<AnswerRow>([
    writesAlone(
      'five-minute writes alone, at 1.25 times input',
      { cache_creation_input_tokens: 100, cache_creation: { ephemeral_5m_input_tokens: 100 } },
      [100, 125],
    ),
    writesAlone(
      'writes with no split, as five-minute ones',
      { cache_creation_input_tokens: 100 },
      [100, 125],
    ),
    writesAlone(
      'one-hour writes, at twice input',
      { cache_creation_input_tokens: 100, cache_creation: { ephemeral_1h_input_tokens: 100 } },
      [100, 200],
    ),
    writesAlone(
      'writes of a lifetime it does not know, as one-hour ones',
      { cache_creation: { ephemeral_24h_input_tokens: 100, ephemeral_5m_input_tokens: 10 } },
      [110, 200 + 12.5],
    ),
    writesAlone(
      'a split larger than the total: the split counts',
      { cache_creation_input_tokens: 10, cache_creation: { ephemeral_1h_input_tokens: 100 } },
      [100, 200],
    ),
    [
      'web searches at $10 a thousand, and fetches',
      {
        input_tokens: 10,
        output_tokens: 0,
        server_tool_use: { web_search_requests: 3, web_fetch_requests: 2 },
      },
      {
        input_tokens: 10,
        web_search_requests: 3,
        web_fetch_requests: 2,
        cost_usd: 30 / 1e6 + 0.03,
      },
    ],
    [
      'thinking, which is output',
      { input_tokens: 0, output_tokens: 100, output_tokens_details: { thinking_tokens: 60 } },
      { output_tokens: 100, thinking_tokens: 60, cost_usd: (100 * 15) / 1e6 },
    ],
    [
      'counts that are not whole, non-negative numbers, as none',
      {
        input_tokens: -5,
        output_tokens: '7',
        cache_read_input_tokens: Number.NaN,
        cache_creation: { ephemeral_1h_input_tokens: 2.9 },
      },
      { cache_creation_input_tokens: 2, cost_usd: (4 * 3) / 1e6 },
    ],
  ])('reads %s', (_, usage, fields) => {
    for (const [streamed, text] of [
      [false, JSON.stringify(message(usage))],
      [true, anthropicStream(usage, messageDelta({ output_tokens: usage.output_tokens }))],
    ] as const) {
      const { meter, recorded } = meterOf('anthropic', { streamed, chunks: [text] });
      expect(recorded).toBe(true);
      expect(counts(meter)).toEqual(
        oneAnswer({ ...fields, cost_usd: expect.closeTo(fields.cost_usd ?? 0, 12) }),
      );
    }
  });

  it('reads server tools counted in a later delta', () => {
    const { meter } = meterOf('anthropic', {
      streamed: true,
      chunks: [
        anthropicStream(
          { input_tokens: 10, output_tokens: 1 },
          messageDelta({ output_tokens: 5, server_tool_use: { web_search_requests: 1 } }),
          messageDelta({
            output_tokens: 9,
            server_tool_use: { web_search_requests: 2, web_fetch_requests: 1 },
          }),
        ),
      ],
    });
    expect(meter).toMatchObject({
      input_tokens: 10,
      output_tokens: 9,
      web_search_requests: 2,
      web_fetch_requests: 1,
    });
  });

  it.each<[string, boolean, string]>([
    [
      'a JSON answer',
      false,
      JSON.stringify(
        message(
          { input_tokens: 10, output_tokens: 1 },
          {
            context_management: {
              applied_edits: [
                {
                  type: 'clear_tool_uses_20250919',
                  cleared_input_tokens: 5_000,
                  cleared_tool_uses: 3,
                },
                { type: 'clear_thinking_20251015', cleared_input_tokens: 700 },
              ],
            },
          },
        ),
      ),
    ],
    [
      'a stream',
      true,
      anthropicStream(
        { input_tokens: 10, output_tokens: 1 },
        messageDelta(
          { output_tokens: 1 },
          {
            context_management: {
              applied_edits: [
                { type: 'clear_tool_uses_20250919', cleared_input_tokens: 5_000 },
                { type: 'clear_thinking_20251015', cleared_input_tokens: 700 },
              ],
            },
          },
        ),
      ),
    ],
  ])('counts the context edits the API applied, in %s', (_, streamed, text) => {
    const { meter } = meterOf('anthropic', { streamed, chunks: [text] });
    expect(meter).toMatchObject({
      context_edits: 2,
      cleared_input_tokens: 5_700,
      input_tokens: 10,
    });
  });

  it('prices the model the answer names, else the one asked for', () => {
    const named = meterOf('anthropic', {
      streamed: false,
      chunks: [
        JSON.stringify(
          message({ input_tokens: 1_000, output_tokens: 0 }, { model: 'claude-opus-4-1' }),
        ),
      ],
    });
    expect(named.meter.cost_usd).toBeCloseTo((1_000 * 15) / 1e6, 12);
    const unnamed = meterOf('anthropic', {
      streamed: true,
      model: 'claude-haiku-5-5',
      chunks: [
        sse([
          { type: 'message_start', message: { usage: { input_tokens: 1_000, output_tokens: 0 } } },
        ]),
      ],
    });
    expect(unnamed.meter.cost_usd).toBeCloseTo((1_000 * 1) / 1e6, 12);
  });

  it('counts an answer of a model of no price at nothing, and names it', () => {
    const { meter } = meterOf('anthropic', {
      streamed: false,
      chunks: [
        JSON.stringify(message({ input_tokens: 1_000, output_tokens: 0 }, { model: 'acme-large' })),
      ],
    });
    expect(meter).toMatchObject({ input_tokens: 1_000, turns: 1, cost_usd: 0 });
    expect([...meter.unpriced]).toEqual(['acme-large']);
  });

  it.each<[string, boolean, string]>([
    ['an error', false, JSON.stringify({ type: 'error', error: { type: 'overloaded_error' } })],
    ['a JSON answer of no usage', false, JSON.stringify(message(undefined as never))],
    [
      'a JSON answer that is not a message',
      false,
      JSON.stringify({ ...message({ input_tokens: 1 }), type: 'other' }),
    ],
    ['JSON cut short', false, JSON.stringify(message({ input_tokens: 1 })).slice(0, 40)],
    ['nothing', false, ''],
    [
      'a stream of no usage',
      true,
      sse([{ type: 'ping' }, textDelta('hi'), { type: 'message_stop' }]),
    ],
    [
      'a stream that broke off before its start',
      true,
      'event: message_start\ndata: {"type":"message_st',
    ],
    ['a stream of errors', true, sse([{ type: 'error', error: { type: 'overloaded_error' } }])],
    [
      'a stream whose usage is not an object',
      true,
      sse([{ type: 'message_start', message: { usage: 5 } }]),
    ],
    ['a JSON answer streamed', true, JSON.stringify(message({ input_tokens: 1 }))],
  ])('records nothing from %s, and says so', (_, streamed, text) => {
    const { meter, recorded, reading } = meterOf('anthropic', { streamed, chunks: [text] });
    expect(recorded).toBe(false);
    expect(reading.end()).toBe(false);
    expect(counts(meter)).toEqual(nothing);
  });
});

describe('meterResponse: OpenAI', () => {
  const usage = {
    input_tokens: 1_000,
    input_tokens_details: { cached_tokens: 400 },
    output_tokens: 200,
    output_tokens_details: { reasoning_tokens: 50 },
    total_tokens: 1_200,
  };
  const searched = [
    { type: 'reasoning', summary: [] },
    { type: 'web_search_call', status: 'completed', action: {} },
    { type: 'web_search_call', status: 'completed', action: {} },
    { type: 'message', content: [{ type: 'output_text', text: 'ok' }] },
  ];
  // 600 input and 400 cached at a tenth, 200 output; two searches at a cent each.
  const counted = oneAnswer({
    input_tokens: 600,
    cache_read_input_tokens: 400,
    output_tokens: 200,
    thinking_tokens: 50,
    web_search_requests: 2,
    cost_usd: expect.closeTo(((600 + 40) * 5 + 200 * 30) / 1e6 + 0.02, 12),
  });

  it.each<[string, boolean, string]>([
    ['a JSON answer', false, JSON.stringify(response(usage, searched))],
    [
      'a stream that completed',
      true,
      openAiStream('response.completed', response(usage, searched)),
    ],
    [
      'a stream cut short by its cap',
      true,
      openAiStream('response.incomplete', response(usage, searched, { status: 'incomplete' })),
    ],
    [
      'a stream that failed, billed all the same',
      true,
      openAiStream('response.failed', response(usage, searched, { status: 'failed' })),
    ],
    [
      'a stream ended by [DONE]',
      true,
      `${openAiStream('response.completed', response(usage, searched))}data: [DONE]\n\n`,
    ],
    [
      'a stream with CRLF line ends',
      true,
      openAiStream('response.completed', response(usage, searched)).replaceAll('\n', '\r\n'),
    ],
    [
      'a stream of bare data lines',
      true,
      `data:${JSON.stringify({ type: 'response.completed', response: response(usage, searched) })}`,
    ],
  ])('reads %s', (_, streamed, text) => {
    const { meter, recorded } = meterOf('openai', { streamed, chunks: [text] });
    expect(recorded).toBe(true);
    expect(counts(meter)).toEqual(counted);
  });

  it.each<[string, Record<string, unknown>, Partial<ReturnType<typeof counts>>]>([
    [
      'no cached tokens',
      { input_tokens: 100, output_tokens: 10 },
      { input_tokens: 100, output_tokens: 10, cost_usd: (100 * 5 + 10 * 30) / 1e6 },
    ],
    [
      'more cached than input: no more cached than input',
      { input_tokens: 100, input_tokens_details: { cached_tokens: 500 }, output_tokens: 0 },
      { cache_read_input_tokens: 100, cost_usd: (10 * 5) / 1e6 },
    ],
    [
      'a prompt past 272K, cached ones included: the long-context price',
      {
        input_tokens: 300_000,
        input_tokens_details: { cached_tokens: 200_000 },
        output_tokens: 1_000,
      },
      {
        input_tokens: 100_000,
        cache_read_input_tokens: 200_000,
        output_tokens: 1_000,
        cost_usd: ((100_000 + 20_000) * 10 + 1_000 * 45) / 1e6,
      },
    ],
  ])('reads %s', (_, usage, fields) => {
    const { meter } = meterOf('openai', {
      streamed: false,
      chunks: [JSON.stringify(response(usage))],
    });
    expect(counts(meter)).toEqual(
      oneAnswer({ ...fields, cost_usd: expect.closeTo(fields.cost_usd ?? 0, 12) }),
    );
  });

  it('prices the model the answer names, else the one asked for', () => {
    const unnamed = { ...response({ input_tokens: 100, output_tokens: 0 }), model: undefined };
    const { meter } = meterOf('openai', {
      streamed: false,
      model: 'acme',
      chunks: [JSON.stringify(unnamed)],
    });
    expect([...meter.unpriced]).toEqual(['acme']);
    expect(meter).toMatchObject({ input_tokens: 100, cost_usd: 0 });
  });

  it.each<[string, boolean, string]>([
    ['a JSON answer of no usage', false, JSON.stringify(response(null))],
    ['an error', false, JSON.stringify({ error: { message: 'overloaded' } })],
    [
      'a stream that never finished',
      true,
      sse([{ type: 'response.created', response: response(null, []) }]),
    ],
    [
      'usage only on an event before the end',
      true,
      sse([
        { type: 'response.in_progress', response: response({ input_tokens: 5, output_tokens: 1 }) },
      ]),
    ],
    ['a stream of errors', true, sse([{ type: 'error', code: 'server_error', message: 'x' }])],
    ['a stream of [DONE] alone', true, 'data: [DONE]\n\n'],
  ])('records nothing from %s, and says so', (_, streamed, text) => {
    const { meter, recorded } = meterOf('openai', { streamed, chunks: [text] });
    expect(recorded).toBe(false);
    expect(counts(meter)).toEqual(nothing);
  });
});

describe('meterResponse: chunks', () => {
  const anthropic = anthropicStream(
    { input_tokens: 100, cache_read_input_tokens: 10, output_tokens: 1 },
    messageDelta({ output_tokens: 30 }),
  );
  const openai = openAiStream(
    'response.completed',
    response({ input_tokens: 100, input_tokens_details: { cached_tokens: 10 }, output_tokens: 30 }),
  );
  const whole = {
    anthropic: counts(meterOf('anthropic', { streamed: true, chunks: [anthropic] }).meter),
    openai: counts(meterOf('openai', { streamed: true, chunks: [openai] }).meter),
  };

  it.each<[Provider, string, string]>([
    ['anthropic', 'LF', anthropic],
    ['anthropic', 'CRLF', anthropic.replaceAll('\n', '\r\n')],
    ['openai', 'LF', openai],
    ['openai', 'CRLF', openai.replaceAll('\n', '\r\n')],
  ])(
    '%s (%s): reads the same wherever the stream is cut, mid-line and mid-character',
    (provider, _, text) => {
      expect(whole[provider].turns).toBe(1);
      const bytes = Buffer.from(text);
      for (let cut = 1; cut < bytes.length; cut++) {
        const { meter, recorded } = meterOf(provider, {
          streamed: true,
          chunks: [bytes.subarray(0, cut), bytes.subarray(cut)],
        });
        expect(recorded, `cut at byte ${cut}`).toBe(true);
        expect(counts(meter), `cut at byte ${cut}`).toEqual(whole[provider]);
      }
    },
  );

  it.each<Provider>(['anthropic', 'openai'])(
    '%s: reads a stream fed a byte at a time',
    (provider) => {
      const bytes = Buffer.from(provider === 'anthropic' ? anthropic : openai);
      const chunks = Array.from(bytes, (byte) => Buffer.from([byte]));
      expect(counts(meterOf(provider, { streamed: true, chunks }).meter)).toEqual(whole[provider]);
    },
  );

  it('reads a JSON answer in pieces', () => {
    const text = JSON.stringify(message({ input_tokens: 7, output_tokens: 3 }));
    const chunks = [text.slice(0, 10), text.slice(10, 11), text.slice(11)];
    expect(meterOf('anthropic', { streamed: false, chunks }).meter).toMatchObject({
      input_tokens: 7,
      output_tokens: 3,
      turns: 1,
    });
  });
});

describe('meterResponse: end', () => {
  it.each<[Provider, boolean, string]>([
    ['anthropic', false, JSON.stringify(message({ input_tokens: 7, output_tokens: 3 }))],
    ['anthropic', true, anthropicStream({ input_tokens: 7, output_tokens: 3 })],
    ['openai', false, JSON.stringify(response({ input_tokens: 7, output_tokens: 3 }))],
    [
      'openai',
      true,
      openAiStream('response.completed', response({ input_tokens: 7, output_tokens: 3 })),
    ],
  ])(
    '%s (streamed: %s) records an answer once, however often it is ended',
    (provider, streamed, text) => {
      const { meter, recorded, reading } = meterOf(provider, { streamed, chunks: [text] });
      expect(recorded).toBe(true);
      expect(reading.end()).toBe(true);
      reading.push(Buffer.from(text));
      expect(reading.end()).toBe(true);
      expect(meter).toMatchObject({ input_tokens: 7, output_tokens: 3, turns: 1 });
    },
  );

  it('reads a JSON answer up to its limit, and none past it (the proxy then stops the session)', () => {
    const text = JSON.stringify(message({ input_tokens: 7, output_tokens: 3 }));
    const padded = (size: number) => text + ' '.repeat(size - Buffer.byteLength(text));
    const at = meterOf('anthropic', { streamed: false, chunks: [padded(MAX_JSON_BYTES)] });
    expect(at.recorded).toBe(true);
    const past = meterOf('anthropic', {
      streamed: false,
      chunks: [text, ' '.repeat(MAX_JSON_BYTES - Buffer.byteLength(text)), ' '],
    });
    expect(past.recorded).toBe(false);
    expect(counts(past.meter)).toEqual(nothing);
  });

  it('adds to what the meter holds already', () => {
    const meter = createUsageMeter();
    for (const model of [SONNET, SONNET]) {
      const reading = meterResponse({
        kit: PROVIDER_KITS.anthropic,
        streamed: false,
        meter,
        model,
      });
      reading.push(
        Buffer.from(JSON.stringify(message({ input_tokens: 1_000, output_tokens: 100 }))),
      );
      reading.end();
    }
    expect(meter).toMatchObject({
      input_tokens: 2_000,
      output_tokens: 200,
      turns: 2,
      cost_usd: expect.closeTo((2 * (1_000 * 3 + 100 * 15)) / 1e6, 12),
    });
  });
});

describe('the dearest answer', () => {
  it('keeps the cost of the dearest answer metered, which the wind-down reads beside the average', () => {
    const meter = createUsageMeter();
    for (const output of [100, 1_000, 10]) {
      const reading = meterResponse({
        kit: PROVIDER_KITS.anthropic,
        streamed: false,
        meter,
        model: SONNET,
      });
      reading.push(
        Buffer.from(JSON.stringify(message({ input_tokens: 0, output_tokens: output }))),
      );
      reading.end();
    }
    expect(meter.dearest_turn_usd).toBeCloseTo(1_000 * 15e-6, 12);
  });
});
