import { describe, expect, it } from 'vitest';
import type { Provider } from '../../../src/core/sessions/engines.js';
import { PROVIDER_KITS } from '../../../src/session/agent/engines/provider-registry.js';
import { createUsageMeter } from '../../../src/session/agent/model/usage-meter.js';
import {
  estimateCost,
  MAX_CONTEXT_TOKENS,
  RequestsInFlight,
  type Reservation,
  withReserved,
} from '../../../src/session/agent/model-proxy/in-flight.js';
import { IMAGE_TOKENS } from '../../../src/session/agent/model-proxy/request-content.js';

/**
 * The model proxy's requests under way (in-flight.ts): what each may cost
 * before it runs, the places they take and hand over, and the reservations
 * that keep requests sent together from each passing the budget on the spend
 * of before any of them. The same through a running proxy is in
 * test/security/model-proxy-spend.test.ts.
 */

const SONNET = 'claude-sonnet-5-5'; // $3 and $15 a million tokens
const GPT = 'gpt-5.5'; // $5 and $30, long context past 272K at 2× and 1.5×
const HOUR = { type: 'ephemeral', ttl: '1h' };

/** What `tokens` of input and `output` of output cost at `input` and `out` dollars a million. */
const usd = (tokens: number, output: number, input: number, out: number) =>
  (tokens * input + output * out) / 1e6;

const estimate = (
  provider: Provider,
  body: Record<string, unknown>,
  bytes: number,
  content?: { images: number; documents: number },
  prices = {},
) => estimateCost(PROVIDER_KITS[provider], body, bytes, prices, content);

/** A row of what a request may cost: its title, provider, body and bytes, and the dollars and tokens held. */
type CostRow = [string, Provider, Record<string, unknown>, number, number, number];

/**
 * A row on Sonnet whose `max_tokens` is `cap`, beside `body`'s fields: every
 * byte of it counted at `writes` times input (a cache write's price), and the
 * cap as output; it holds the bytes and the cap.
 */
const onSonnet = (
  title: string,
  bytes: number,
  cap: number,
  body: Record<string, unknown> = {},
  writes = 1,
): CostRow => [
  title,
  'anthropic',
  { model: SONNET, max_tokens: cap, ...body },
  bytes,
  usd(writes * bytes, cap, 3, 15),
  bytes + cap,
];

/** A row on GPT-5.5 whose `max_output_tokens` is `cap`, at `[input, output]` dollars a million (its list price unless told). */
const onGpt = (
  title: string,
  bytes: number,
  cap: number,
  body: Record<string, unknown> = {},
  [input, output] = [5, 30],
): CostRow => [
  title,
  'openai',
  { model: GPT, max_output_tokens: cap, ...body },
  bytes,
  usd(bytes, cap, input, output),
  bytes + cap,
];

/** What a promise has settled to once everything already due has run, or 'pending'. */
async function settled<T>(promise: Promise<T>): Promise<T | 'pending'> {
  let result: T | 'pending' = 'pending';
  void promise.then((value) => {
    result = value;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return result;
}

/** One place, taken, with room for `waiting` more to wait. */
async function taken(waiting: number): Promise<RequestsInFlight> {
  const flight = new RequestsInFlight(1, waiting);
  await flight.enter();
  return flight;
}

/** `entering` waits, and is let in once the request in the place leaves. */
async function letInOnLeave(flight: RequestsInFlight, entering: Promise<boolean>) {
  expect(await settled(entering)).toBe('pending');
  flight.leave();
  expect(await settled(entering)).toBe(true);
}

describe('estimateCost', () => {
  it.each<CostRow>([
    onSonnet('every byte as input, the cap as output', 10_000, 1_000),
    onGpt('OpenAI’s cap is max_output_tokens', 10_000, 2_000, { max_tokens: 5 }),
    onSonnet('Anthropic’s cap is max_tokens', 100, 10, { max_output_tokens: 5_000 }),
    onSonnet(
      'an hour’s cache asked anywhere: every byte as a one-hour write, at twice input',
      10_000,
      1_000,
      { messages: [{ role: 'user', content: [{ type: 'text', text: 'x', cache_control: HOUR }] }] },
      2,
    ),
    onSonnet(
      'five minutes’ cache asked anywhere: every byte as a five-minute write, a quarter dearer',
      10_000,
      1_000,
      { cache_control: { type: 'ephemeral', ttl: '5m' } },
      1.25,
    ),
    onGpt('no hour’s cache on OpenAI, whatever the body says', 10_000, 1_000, {
      cache_control: HOUR,
    }),
    [
      'an older, dearer model at its own price',
      'anthropic',
      { model: 'claude-opus-4-1-20250805', max_tokens: 1_000 },
      10_000,
      usd(10_000, 1_000, 15, 75),
      11_000,
    ],
    [
      'a model of no known price at nothing, its tokens still held',
      'anthropic',
      { model: 'acme-large', max_tokens: 1_000 },
      10_000,
      0,
      11_000,
    ],
    ['a body that names no model at nothing', 'openai', { max_output_tokens: 1 }, 10, 0, 11],
    onGpt('GPT-5.5 at 272K tokens: its list price', 272_000, 1_000),
    onGpt(
      'GPT-5.5 past 272K tokens: all of it at twice input and one and a half times output',
      272_001,
      1_000,
      {},
      [10, 45],
    ),
  ])('%s', (_, provider, body, bytes, cost, tokens) => {
    const found = estimate(provider, body, bytes);
    expect(found.usd).toBeCloseTo(cost, 9);
    expect(found).toMatchObject({ tokens, turns: 1, bounded: true });
  });

  it('prices a model by the config’s own price', () => {
    const found = estimate(
      'anthropic',
      { model: 'acme-large', max_tokens: 1_000 },
      10_000,
      undefined,
      {
        'acme-large': { input: 1, output: 2 },
      },
    );
    expect(found.usd).toBeCloseTo(usd(10_000, 1_000, 1, 2), 9);
  });

  it.each<[string, unknown, number]>([
    ['no cap', undefined, 128_000],
    ['a cap of 0', 0, 128_000],
    ['a negative cap', -5, 128_000],
    ['a cap of text', '100', 128_000],
    ['an infinite cap', Number.POSITIVE_INFINITY, 128_000],
    ['a cap that is not a number', Number.NaN, 128_000],
    ['a fraction, rounded up', 10.2, 11],
    ['one token', 1, 1],
    ['a cap past a million', 5_000_000, 1_000_000],
  ])('counts %s as %i output tokens', (_, cap, output) => {
    for (const [provider, field] of [
      ['anthropic', 'max_tokens'],
      ['openai', 'max_output_tokens'],
    ] as const) {
      const found = estimate(
        provider,
        { model: provider === 'anthropic' ? SONNET : GPT, [field]: cap },
        0,
      );
      expect(found.tokens).toBe(output);
      expect(found.usd).toBeCloseTo(usd(0, output, 0, provider === 'anthropic' ? 15 : 30), 9);
    }
  });

  it.each<[Provider, string, number]>([
    ['anthropic', SONNET, 3],
    ['openai', GPT, 5],
  ])('%s counts each inline image at the most it bills', (provider, model, input) => {
    const body = { model, max_tokens: 1, max_output_tokens: 1 };
    const found = estimate(provider, body, 1_000, { images: 3, documents: 0 });
    const tokens = 1_000 + 3 * IMAGE_TOKENS[provider];
    expect(found).toMatchObject({ tokens: tokens + 1, bounded: true });
    expect(found.usd).toBeCloseTo(usd(tokens, 1, input, provider === 'anthropic' ? 15 : 30), 9);
  });

  it('prices images as one-hour cache writes where the body asks for an hour', () => {
    const found = estimate('anthropic', { model: SONNET, max_tokens: 1, cache_control: HOUR }, 0, {
      images: 1,
      documents: 0,
    });
    expect(found.usd).toBeCloseTo(usd(2 * IMAGE_TOKENS.anthropic, 1, 3, 15), 9);
  });

  it.each<[string, number, number]>([
    ['a small body', 1_000, MAX_CONTEXT_TOKENS],
    ['a body larger than any context', 2_000_000, 2_000_000],
  ])('counts a request with a document at the whole context, unbounded: %s', (_, bytes, input) => {
    const found = estimate('anthropic', { model: SONNET, max_tokens: 1_000 }, bytes, {
      images: 5,
      documents: 1,
    });
    expect(found).toEqual({
      usd: expect.closeTo(usd(input, 1_000, 3, 15), 9),
      tokens: input + 1_000,
      turns: 1,
      bounded: false,
      inputUsd: expect.closeTo(usd(input, 0, 3, 15), 9),
      outputUsdPerToken: expect.closeTo(15e-6, 12),
      outputTokens: 1_000,
    });
  });

  it('prices an OpenAI document at GPT-5.5’s long-context price', () => {
    const found = estimate('openai', { model: GPT, max_output_tokens: 1_000 }, 10, {
      images: 0,
      documents: 2,
    });
    expect(found.bounded).toBe(false);
    expect(found.usd).toBeCloseTo(usd(MAX_CONTEXT_TOKENS, 1_000, 10, 45), 9);
  });

  it('reads no content as none', () => {
    expect(estimateCost(PROVIDER_KITS.anthropic, { model: SONNET, max_tokens: 1 }, 5, {})).toEqual(
      estimate('anthropic', { model: SONNET, max_tokens: 1 }, 5, { images: 0, documents: 0 }),
    );
  });
});

describe('RequestsInFlight: places', () => {
  it('lets in up to its most at once', async () => {
    const flight = new RequestsInFlight(3, 0);
    expect(await Promise.all([flight.enter(), flight.enter(), flight.enter()])).toEqual([
      true,
      true,
      true,
    ]);
    expect(await flight.enter()).toBe(false);
  });

  it('queues the next ones and hands each place over in turn', async () => {
    const flight = await taken(5);
    const second = flight.enter();
    const third = flight.enter();
    await letInOnLeave(flight, second);
    await letInOnLeave(flight, third);
  });

  it('keeps a handed-over place taken: a newcomer still waits', async () => {
    const flight = await taken(5);
    const second = flight.enter();
    flight.leave();
    await second;
    await letInOnLeave(flight, flight.enter());
  });

  it('frees the place when no one waits', async () => {
    const flight = await taken(5);
    flight.leave();
    expect(await settled(flight.enter())).toBe(true);
  });

  it('refuses at once past the most that may wait, and takes them again once the queue moves', async () => {
    const flight = await taken(2);
    const waiting = [flight.enter(), flight.enter()];
    expect(await flight.enter()).toBe(false);
    flight.leave();
    expect(await waiting[0]).toBe(true);
    const again = flight.enter();
    expect(await settled(again)).toBe('pending');
    expect(await flight.enter()).toBe(false);
  });
});

describe('RequestsInFlight: reservations', () => {
  const one: Reservation = { usd: 0.5, tokens: 1_000, turns: 1 };
  const two: Reservation = { usd: 0.25, tokens: 500, turns: 1 };

  it('holds what each request may cost until it gives it back, once', () => {
    const flight = new RequestsInFlight(4, 4);
    expect(flight.holding()).toBe(false);
    const releaseOne = flight.reserve(one);
    const releaseTwo = flight.reserve(two);
    expect(flight.reserved).toEqual({ usd: 0.75, tokens: 1_500, turns: 2 });
    expect(flight.holding()).toBe(true);
    releaseOne();
    releaseOne();
    expect(flight.reserved).toEqual({ usd: 0.25, tokens: 500, turns: 1 });
    expect(flight.holding()).toBe(true);
    releaseTwo();
    expect(flight.reserved).toEqual({ usd: 0, tokens: 0, turns: 0 });
    expect(flight.holding()).toBe(false);
  });

  it('wakes every watcher when a reservation is given back, not when one is taken', async () => {
    const flight = new RequestsInFlight(4, 4);
    const first = flight.next();
    const second = flight.next();
    const release = flight.reserve(one);
    expect(await settled(first)).toBe('pending');
    release();
    expect(await settled(first)).toBeUndefined();
    expect(await settled(second)).toBeUndefined();
    const later = flight.next();
    release();
    expect(await settled(later)).toBe('pending');
  });

  it('wakes watchers when a request ends', async () => {
    const flight = await taken(4);
    const watcher = flight.next();
    const entering = flight.enter();
    expect(await settled(watcher)).toBe('pending');
    flight.leave();
    expect(await settled(watcher)).toBeUndefined();
    expect(await entering).toBe(true);
  });
});

describe('withReserved', () => {
  it('reads the meter as if every request under way cost what it holds', () => {
    const meter = {
      ...createUsageMeter(),
      cost_usd: 1,
      input_tokens: 100,
      output_tokens: 7,
      cache_read_input_tokens: 3,
      turns: 2,
    };
    const seen = withReserved(meter, { usd: 0.5, tokens: 1_000, turns: 3 });
    expect(seen).toEqual({
      ...meter,
      cost_usd: 1.5,
      input_tokens: 1_100,
      turns: 5,
    });
    expect(meter).toMatchObject({ cost_usd: 1, input_tokens: 100, turns: 2 });
  });

  it('is the meter itself with nothing held', () => {
    const meter = { ...createUsageMeter(), cost_usd: 2, input_tokens: 9, turns: 1 };
    expect(withReserved(meter, { usd: 0, tokens: 0, turns: 0 })).toEqual(meter);
  });
});
