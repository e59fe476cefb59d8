import { describe, expect, it } from 'vitest';
import type { CapturedRequest, FakeReply, FakeUsage } from '../../sim/fake-anthropic.js';
import { PROVIDER_KITS } from '../../src/session/agent/engines/provider-registry.js';
import { estimateCost } from '../../src/session/agent/model-proxy/in-flight.js';
import { MAX_IN_FLIGHT, MAX_WAITING } from '../../src/session/agent/model-proxy/model-proxy.js';
import {
  configOf,
  countTokens,
  message,
  NO_WEB,
  open,
  rawMessages,
  response,
  send,
  sleep,
  startHarness,
} from './model-proxy-fixtures.js';

/**
 * The model's commands hold the session's proxy token and can send the model
 * proxy any request, as often and as many at once as they like. Here they try
 * to make the provider spend what the meter never reads, or past the budget:
 * a background response, a model Baton cannot price, a model the config does
 * not name (an older, dearer one of a family), one-hour cache writes, the
 * long-context beta, options billed above list price, a stream they leave
 * early, two hundred requests at once, a body that arrives after the budget
 * is spent, and web tools with their own domains and uses. Each test starts
 * the real proxy against the fake providers (sim/fake-anthropic.ts,
 * sim/fake-openai.ts), for a session of the default config unless it says.
 */

describe('the model proxy meters every answer it lets through', () => {
  it('refuses a background response, which OpenAI answers queued with no usage and bills later', async () => {
    const { proxy, meter, openai } = await startHarness();
    const answer = await send(proxy, '/v1/responses', response({ background: true }));
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('background');
    const streamed = await send(
      proxy,
      '/v1/responses',
      response({ background: true, stream: true }),
    );
    expect(streamed.status).toBe(400);
    // The provider never got it, so never generated it.
    expect(openai.requests).toEqual([]);
    expect(meter.turns).toBe(0);
    expect(proxy.stopped()).toBeNull();
  });

  it('refuses options billed above list price: service tiers, fast mode, US-only inference', async () => {
    const { proxy, anthropic, openai } = await startHarness();
    for (const tier of ['priority', 'flex', 'scale']) {
      const answer = await send(proxy, '/v1/responses', response({ service_tier: tier }));
      expect(answer.status, tier).toBe(400);
      expect(answer.text).toContain('service_tier');
    }
    for (const fields of [{ speed: 'fast' }, { inference_geo: 'us' }, { service_tier: 'x' }]) {
      const answer = await send(proxy, '/v1/messages', message(fields));
      expect(answer.status, JSON.stringify(fields)).toBe(400);
    }
    expect(anthropic.requests).toEqual([]);
    expect(openai.requests).toEqual([]);
    // At list price they pass.
    expect((await send(proxy, '/v1/responses', response({ service_tier: 'auto' }))).status).toBe(
      200,
    );
    expect((await send(proxy, '/v1/responses', response({ service_tier: 'default' }))).status).toBe(
      200,
    );
    expect(
      (await send(proxy, '/v1/messages', message({ service_tier: 'standard_only' }))).status,
    ).toBe(200);
  });

  it('stops the session on a successful answer it cannot read the usage of, and counts it at its estimate', async () => {
    const { proxy, meter, openai } = await startHarness({
      // The provider answers, and bills, but the answer says nothing of what it used.
      openai: () => ({ output: [{ type: 'message', text: 'ok' }], usage: null }),
    });
    const first = await send(proxy, '/v1/responses', response());
    expect(first.status).toBe(200);
    expect(proxy.stopped()).toMatch(/usage could not be read/);
    expect(meter.cost_usd).toBeGreaterThan(0);
    expect(meter.turns).toBe(1);
    // Nothing more goes out.
    const second = await send(proxy, '/v1/responses', response());
    expect(second.status).toBe(400);
    expect(second.text).toContain('the session stops here');
    expect(openai.requests).toHaveLength(1);
  });

  it('counts count_tokens, which is free, as nothing, without stopping', async () => {
    const { proxy, meter, anthropic } = await startHarness();
    const answer = await countTokens(proxy);
    expect(answer.status).toBe(200);
    expect(anthropic.counted).toEqual(['claude-sonnet-5-5']);
    expect(meter.turns).toBe(0);
    expect(proxy.stopped()).toBeNull();
  });

  it('refuses count_tokens once the session has stopped: free to the meter, it is still a request past the limit', async () => {
    const { proxy, anthropic } = await startHarness({
      maxUsd: 1,
      // $3 of input: past the budget in one answer.
      anthropic: () => ({
        message: { content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: 1_000_000 } },
      }),
    });
    expect((await send(proxy, '/v1/messages', message())).status).toBe(200);
    const counted = await countTokens(proxy);
    expect(counted.status).toBe(400);
    expect(counted.text).toContain('the session stops here');
    expect(anthropic.counted).toEqual([]);
    expect(proxy.stopped()).toMatch(/budget/);
  });

  it('reads a stream the client left early to its end, and meters all of it', async () => {
    const { proxy, meter, anthropic } = await startHarness({
      // A long answer: its output, reported at the end, costs $15 on Sonnet.
      anthropic: () => ({
        message: {
          content: [{ type: 'text', text: 'a long answer' }],
          usage: { input_tokens: 10, output_tokens: 1_000_000 },
          holdEndMs: 400,
        },
      }),
    });
    // The command reads the stream's first bytes, then hangs up.
    await new Promise<void>((resolve) => {
      const req = rawMessages(proxy, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      // Hanging up is the command's own doing: the error it brings is expected.
      req.on('error', () => {});
      req.end(JSON.stringify(message({ stream: true, max_tokens: 1_000_000 })));
    });
    await expect.poll(() => anthropic.requests[0]?.served?.output_tokens).toBe(1_000_000);
    await expect.poll(() => meter.output_tokens, { timeout: 60_000 }).toBe(1_000_000);
    expect(meter.cost_usd).toBeGreaterThanOrEqual(15);
    expect(meter.turns).toBe(1);
  });

  /** Closes the proxy while Anthropic streams its answer to a request of `maxTokens`; resolves once that request ended. */
  async function closeWhileAnswering(
    harness: Awaited<ReturnType<typeof startHarness>>,
    maxTokens: number,
  ): Promise<void> {
    const pending = send(
      harness.proxy,
      '/v1/messages',
      message({ stream: true, max_tokens: maxTokens }),
    ).catch(() => null);
    await expect.poll(() => harness.anthropic.requests.length).toBe(1);
    await harness.proxy.close();
    await pending;
  }

  it('meters an answer still under way when the proxy closes, or counts it at its estimate past the grace', async () => {
    const held = await startHarness({
      anthropic: () => ({
        message: {
          content: [{ type: 'text', text: 'ok' }],
          usage: { output_tokens: 1_000_000 },
          holdEndMs: 300,
        },
      }),
    });
    await closeWhileAnswering(held, 1_000_000);
    expect(held.meter.output_tokens).toBe(1_000_000);

    const stuck = await startHarness({
      anthropic: () => ({
        message: { content: [{ type: 'text', text: 'ok' }], holdEndMs: 60_000 },
      }),
      closeGraceMs: 100,
    });
    await closeWhileAnswering(stuck, 100_000);
    // 100,000 output tokens of Sonnet at most: $1.50 and the body's bytes.
    expect(stuck.meter.cost_usd).toBeGreaterThanOrEqual(1.5);
    expect(stuck.meter.turns).toBe(1);
  });

  it('counts the searches of an OpenAI answer (billed per call)', async () => {
    const { proxy, meter } = await startHarness({
      web: true,
      openai: () => ({
        output: [
          { type: 'web_search_call', query: 'one' },
          { type: 'web_search_call', query: 'two' },
          { type: 'message', text: 'found' },
        ],
        usage: { input_tokens: 0, output_tokens: 0 },
      }),
    });
    const answer = await send(
      proxy,
      '/v1/responses',
      response({ tools: [{ type: 'web_search' }] }),
    );
    expect(answer.status).toBe(200);
    expect(meter.web_search_requests).toBe(2);
    expect(meter.cost_usd).toBeCloseTo(0.02, 6);
  });
});

describe('the model proxy lets through only the config’s models, and only those Baton can price', () => {
  it('refuses a model with no price, on either provider, before the provider sees it', async () => {
    const { proxy, meter, anthropic, openai } = await startHarness();
    for (const model of ['claude-fable-5-2', 'some-unknown-model', '']) {
      const answer = await send(proxy, '/v1/messages', message({ model }));
      expect(answer.status, model).toBe(400);
      expect(answer.text).toContain('model');
    }
    for (const model of ['gpt-5.5-pro', 'o3-deep-research']) {
      const answer = await send(proxy, '/v1/responses', response({ model }));
      expect(answer.status, model).toBe(400);
    }
    expect((await send(proxy, '/v1/messages', { messages: [], max_tokens: 1 })).status).toBe(400);
    // A model the config names but Baton cannot price: Codex's models are priced only where Codex
    // may run, so a config without it may name any.
    const unpriced = await startHarness({
      config: configOf({ models: { openai: { complex: 'gpt-5.5-pro' } } }),
    });
    const answer = await send(unpriced.proxy, '/v1/responses', response({ model: 'gpt-5.5-pro' }));
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('has no price');
    expect(anthropic.requests).toEqual([]);
    expect(openai.requests).toEqual([]);
    expect(unpriced.openai.requests).toEqual([]);
    expect(meter.unpriced.size).toBe(0);
  });

  it('refuses a model the config does not name, an older and dearer one of a family included, count_tokens too', async () => {
    const { proxy, meter, anthropic, openai } = await startHarness({
      // Were it let through, each would cost the session's whole budget in a line.
      anthropic: () => ({
        message: {
          content: [{ type: 'text', text: 'ok' }],
          usage: { input_tokens: 1_000_000, output_tokens: 1_000_000 },
        },
      }),
    });
    const older = [
      // $15 input and $75 output per million: three times the opus family's current price.
      'claude-opus-4-1-20250805',
      'claude-opus-4-20250514',
      'claude-3-opus-20240229',
      // Claude Code's own small model when nothing pins it.
      'claude-haiku-4-5-20251001',
      // Priced by its family, but named by no setting.
      'claude-sonnet-4-5',
    ];
    for (const model of older) {
      const answer = await send(proxy, '/v1/messages', message({ model }));
      expect(answer.status, model).toBe(400);
      expect(answer.text).toContain(`${model} is not one of this session's models`);
      expect(answer.text).toContain('.github/baton.yml');
      const counted = await countTokens(proxy, { model, messages: [] });
      expect(counted.status, model).toBe(400);
    }
    // OpenAI's dated id of a priced model is another name than the config's.
    for (const model of ['gpt-5.5-2026-04-23', 'gpt-5.4']) {
      expect((await send(proxy, '/v1/responses', response({ model }))).status, model).toBe(400);
    }
    expect(anthropic.requests).toEqual([]);
    expect(anthropic.counted).toEqual([]);
    expect(openai.requests).toEqual([]);
    expect(meter.turns).toBe(0);
    expect(meter.cost_usd).toBe(0);
    expect(proxy.refused().map((call) => call.status)).toEqual(
      Array.from({ length: older.length * 2 + 2 }, () => 400),
    );
  });

  it('lets through every model the config names, and those it prices (models.prices)', async () => {
    const config = configOf({
      models: {
        review: 'claude-haiku-5-5',
        prices: { 'claude-fable-5-2': { input: 10, output: 50 } },
      },
    });
    const { proxy, meter, anthropic, openai } = await startHarness({ config });
    const claude = [
      ...new Set([
        config.models.plan,
        config.models.complex,
        config.models.normal,
        config.models.easy,
        config.models.review,
      ]),
      'claude-fable-5-2',
    ];
    for (const model of claude) {
      expect((await send(proxy, '/v1/messages', message({ model }))).status, model).toBe(200);
    }
    const gpt = [...new Set(Object.values(config.models.openai))];
    for (const model of gpt) {
      expect((await send(proxy, '/v1/responses', response({ model }))).status, model).toBe(200);
    }
    expect(anthropic.requests).toHaveLength(claude.length);
    expect(openai.requests).toHaveLength(gpt.length);
    expect(meter.unpriced.size).toBe(0);
  });

  it('meters an older, dearer model a config names at its own price, not its family’s', async () => {
    const { proxy, meter, anthropic } = await startHarness({
      config: configOf({ models: { complex: 'claude-opus-4-1-20250805' } }),
      anthropic: () => ({
        message: {
          content: [{ type: 'text', text: 'ok' }],
          usage: { input_tokens: 1_000_000, output_tokens: 100_000 },
        },
      }),
    });
    const answer = await send(
      proxy,
      '/v1/messages',
      message({ model: 'claude-opus-4-1-20250805', max_tokens: 100_000 }),
    );
    expect(answer.status).toBe(200);
    expect(anthropic.requests[0]?.served?.input_tokens).toBe(1_000_000);
    // $15 per million input and $75 per million output (the family's $5 and $25 would make $7.50).
    expect(meter.cost_usd).toBeCloseTo(15 + 7.5, 6);
  });
});

describe('the model proxy meters a GPT-5.5 prompt past 272K input tokens at its long-context price', () => {
  it('counts the whole request at twice input and one and a half times output, cached input included', async () => {
    const { proxy, meter } = await startHarness({
      openai: () => ({
        output: [{ type: 'message', text: 'ok' }],
        // OpenAI's input_tokens include the cached ones: 300,000 in all, 200,000 of them cached.
        usage: { input_tokens: 300_000, cached_tokens: 200_000, output_tokens: 100_000 },
      }),
    });
    const answer = await send(proxy, '/v1/responses', response());
    expect(answer.status).toBe(200);
    // (100,000 + 200,000 × 0.1) × $5 × 2 + 100,000 × $30 × 1.5 per million: $1.20 + $4.50.
    expect(meter.cost_usd).toBeCloseTo(1.2 + 4.5, 6);
  });
});

describe('the model proxy meters one-hour cache writes at their price', () => {
  const hourCache = message({
    system: [
      {
        type: 'text',
        text: 'a long system prompt',
        cache_control: { type: 'ephemeral', ttl: '1h' },
      },
    ],
  });
  /** Usage with a million cache writes: `hour` of them for an hour, the rest for five minutes. */
  const writes = (hour: number) =>
    ({
      input_tokens: 0,
      output_tokens: 0,
      cache_creation_input_tokens: 1_000_000,
      cache_creation: {
        ephemeral_5m_input_tokens: 1_000_000 - hour,
        ephemeral_1h_input_tokens: hour,
      },
    }) as Partial<FakeUsage>;

  it.each([false, true])(
    'counts an hour’s cache writes at twice input, the five-minute ones at 1.25 (streamed: %s)',
    async (stream) => {
      const { proxy, meter, anthropic } = await startHarness({
        anthropic: (captured) => ({
          message: {
            content: [{ type: 'text', text: 'ok' }],
            usage: writes(captured.index === 0 ? 1_000_000 : 600_000),
          },
        }),
      });
      expect((await send(proxy, '/v1/messages', { ...hourCache, stream })).status).toBe(200);
      await expect.poll(() => meter.turns).toBe(1);
      // A million one-hour writes of Sonnet: $6, where five-minute ones would be $3.75.
      expect(meter.cost_usd).toBeCloseTo(6, 6);
      expect(meter.cache_creation_input_tokens).toBe(1_000_000);
      expect((await send(proxy, '/v1/messages', { ...hourCache, stream })).status).toBe(200);
      await expect.poll(() => meter.turns).toBe(2);
      // 600,000 for an hour ($3.60) and 400,000 for five minutes ($1.50).
      expect(meter.cost_usd).toBeCloseTo(6 + 3.6 + 1.5, 6);
      expect(anthropic.requests).toHaveLength(2);
    },
  );

  it('holds what a request for an hour’s cache may cost at the one-hour price while it runs', () => {
    const body = hourCache as Record<string, unknown>;
    const bytes = 1_000_000;
    const plain = estimateCost(PROVIDER_KITS.anthropic, message({ max_tokens: 1 }), bytes, {});
    const hour = estimateCost(PROVIDER_KITS.anthropic, { ...body, max_tokens: 1 }, bytes, {});
    // Every byte an input token of Sonnet: $3, and $6 when each may be an hour's cache write.
    expect(plain.usd).toBeCloseTo(3 + 15e-6, 6);
    expect(hour.usd).toBeCloseTo(6 + 15e-6, 6);
  });
});

describe('the model proxy refuses the long-context beta, billed past what it meters', () => {
  it('refuses context-1m on a request and on count_tokens, alone or among other betas, before the provider sees it', async () => {
    const { proxy, meter, anthropic } = await startHarness();
    for (const beta of [
      'context-1m-2025-08-07',
      'interleaved-thinking-2025-05-14, context-1m-2025-08-07',
      'CONTEXT-1M-2026-01-01',
    ]) {
      const answer = await send(proxy, '/v1/messages', message(), { 'anthropic-beta': beta });
      expect(answer.status, beta).toBe(400);
      expect(answer.text).toMatch(/context-1m/i);
      expect(answer.text).toContain('200,000 tokens');
      const counted = await countTokens(proxy, undefined, { 'anthropic-beta': beta });
      expect(counted.status, beta).toBe(400);
    }
    expect(anthropic.requests).toEqual([]);
    expect(anthropic.counted).toEqual([]);
    expect(meter.turns).toBe(0);
    // Other betas pass.
    const other = await send(proxy, '/v1/messages', message(), {
      'anthropic-beta': 'interleaved-thinking-2025-05-14',
    });
    expect(other.status).toBe(200);
  });
});

describe('the model proxy reads a stream’s usage whole', () => {
  it('keeps the counts message_start gave when the last delta reports them null', async () => {
    const events = [
      {
        type: 'message_start',
        message: {
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          model: 'claude-sonnet-5-5',
          content: [],
          usage: {
            input_tokens: 1_000_000,
            output_tokens: 1,
            cache_read_input_tokens: 0,
            cache_creation_input_tokens: 1_000_000,
            cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 1_000_000 },
          },
        },
      },
      {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn' },
        usage: {
          input_tokens: null,
          output_tokens: 10,
          cache_creation_input_tokens: null,
          cache_creation: null,
        },
      },
      { type: 'message_stop' },
    ];
    const body = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');
    const { proxy, meter } = await startHarness({
      fetchImpl: async () =>
        new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    });
    expect((await send(proxy, '/v1/messages', message({ stream: true }))).status).toBe(200);
    await expect.poll(() => meter.turns).toBe(1);
    expect(meter.input_tokens).toBe(1_000_000);
    expect(meter.cache_creation_input_tokens).toBe(1_000_000);
    // $3 of input and $6 of one-hour cache writes (and 10 output tokens).
    expect(meter.cost_usd).toBeCloseTo(3 + 6 + 10 * 15e-6, 6);
  });
});

describe('the model proxy holds requests sent at once to the budget', () => {
  it('runs a few requests at once, and lets none start that could pass the budget, counting those under way', async () => {
    let running = 0;
    let most = 0;
    const { proxy, meter, anthropic } = await startHarness({
      // Each answer costs $0.30 (20,000 output tokens of Sonnet); the budget is $0.50.
      maxUsd: 0.5,
      anthropic: async (): Promise<FakeReply> => {
        running++;
        most = Math.max(most, running);
        await sleep(150);
        running--;
        return {
          message: {
            content: [{ type: 'text', text: 'ok' }],
            usage: { input_tokens: 10, output_tokens: 20_000 },
          },
        };
      },
    });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        send(proxy, '/v1/messages', message({ max_tokens: 20_000 })),
      ),
    );
    const served = answers.filter((answer) => answer.status === 200).length;
    // One starts ($0.30 at most, of $0.50); the rest wait for it, as a second would pass the
    // budget with what it holds. Then one more fits only with its output cut to the $0.20 left,
    // and nothing after it: the session ends at its dollar limit, not past it.
    expect(served).toBe(2);
    expect(anthropic.requests.map((request) => request.body.max_tokens)).toEqual([
      20_000,
      expect.any(Number),
    ]);
    expect(anthropic.requests[1]?.body.max_tokens).toBeLessThan(13_334);
    expect(most).toBe(1);
    expect(meter.cost_usd).toBeLessThanOrEqual(0.5);
    expect(meter.cost_usd).toBeGreaterThan(0.49);
    expect(proxy.stopped()).toMatch(/budget/);
    expect(answers.filter((answer) => answer.status === 400)).toHaveLength(18);
  });

  it(`forwards at most ${MAX_IN_FLIGHT} at once, queues ${MAX_WAITING}, and refuses more`, async () => {
    const over = 10;
    let running = 0;
    let most = 0;
    // The provider holds every answer until the proxy has refused the requests
    // past its queue, so all of them have arrived however slowly they are sent;
    // one more at once than the limit lets it go at once too (and fails below).
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { proxy, anthropic } = await startHarness({
      anthropic: async (): Promise<FakeReply> => {
        running++;
        most = Math.max(most, running);
        if (running > MAX_IN_FLIGHT) release();
        await released;
        running--;
        return { message: { content: [{ type: 'text', text: 'ok' }] } };
      },
    });
    let refused = 0;
    const answers = await Promise.all(
      Array.from({ length: MAX_IN_FLIGHT + MAX_WAITING + over }, () =>
        send(proxy, '/v1/messages', message()).then((answer) => {
          if (answer.status === 429 && ++refused === over) release();
          return answer;
        }),
      ),
    );
    expect(most).toBe(MAX_IN_FLIGHT);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(over);
    expect(anthropic.requests).toHaveLength(MAX_IN_FLIGHT + MAX_WAITING);
  });

  it('checks the budget again once a slow body has arrived', async () => {
    const { proxy, anthropic } = await startHarness({
      maxUsd: 1,
      anthropic: (captured: CapturedRequest): FakeReply => ({
        message: {
          content: [{ type: 'text', text: 'ok' }],
          // $3 of input: past the budget in one answer.
          usage: { input_tokens: captured.index === 0 ? 1_000_000 : 10 },
        },
      }),
    });
    // The slow request passes the check at its start, with nothing spent yet …
    const body = JSON.stringify(message());
    let slowStatus = 0;
    const slow = new Promise<void>((resolve, reject) => {
      const req = rawMessages(proxy, (res) => {
        slowStatus = res.statusCode ?? 0;
        res.resume();
        res.on('end', () => resolve());
      });
      req.once('error', reject);
      req.write(body.slice(0, 10));
      open.push({
        close: async () => {
          req.destroy();
        },
      });
      // … then another spends the budget, and only then does its body end.
      void send(proxy, '/v1/messages', message()).then(() => req.end(body.slice(10)));
    });
    await slow;
    expect(slowStatus).toBe(400);
    expect(anthropic.requests).toHaveLength(1);
    expect(proxy.stopped()).toMatch(/budget/);
  });
});

describe('the model proxy holds every web tool to research.*', () => {
  const headers = { 'anthropic-beta': 'web-fetch-2025-09-10' };

  it('overwrites the domains and caps the uses of Anthropic’s web search and fetch', async () => {
    const { proxy, anthropic } = await startHarness({
      web: true,
      research: { allowedDomains: ['docs.python.org'], blockedDomains: [], maxUses: 3 },
    });
    const answer = await send(
      proxy,
      '/v1/messages',
      message({
        tools: [
          {
            type: 'web_search_20250305',
            name: 'web_search',
            allowed_domains: ['attacker.example'],
            max_uses: 100,
          },
          {
            type: 'web_fetch_20250910',
            name: 'web_fetch',
            blocked_domains: ['docs.python.org'],
          },
          { name: 'bash_tool', input_schema: { type: 'object' } },
        ],
      }),
      headers,
    );
    expect(answer.status).toBe(200);
    const tools = anthropic.requests[0]?.body.tools ?? [];
    expect(tools[0]).toEqual({
      type: 'web_search_20250305',
      name: 'web_search',
      allowed_domains: ['docs.python.org'],
      max_uses: 3,
    });
    expect(tools[1]).toEqual({
      type: 'web_fetch_20250910',
      name: 'web_fetch',
      allowed_domains: ['docs.python.org'],
      max_uses: 3,
    });
    expect(tools[2]).toEqual({ name: 'bash_tool', input_schema: { type: 'object' } });
  });

  it('puts the config’s blocked domains on Anthropic’s tools, keeps a lower max_uses, and a tool’s own narrowing when the config names none', async () => {
    const blocked = await startHarness({
      web: true,
      research: { allowedDomains: [], blockedDomains: ['internal.example'], maxUses: 5 },
    });
    await send(
      blocked.proxy,
      '/v1/messages',
      message({
        tools: [
          {
            type: 'web_search_20250305',
            name: 'web_search',
            allowed_domains: ['internal.example'],
            max_uses: 2,
          },
        ],
      }),
    );
    expect(blocked.anthropic.requests[0]?.body.tools?.[0]).toEqual({
      type: 'web_search_20250305',
      name: 'web_search',
      blocked_domains: ['internal.example'],
      max_uses: 2,
    });
    const unlisted = await startHarness({ web: true, research: NO_WEB });
    await send(
      unlisted.proxy,
      '/v1/messages',
      message({
        tools: [
          { type: 'web_search_20250305', name: 'web_search', allowed_domains: ['a.example'] },
        ],
      }),
    );
    expect(unlisted.anthropic.requests[0]?.body.tools?.[0]).toEqual({
      type: 'web_search_20250305',
      name: 'web_search',
      allowed_domains: ['a.example'],
      max_uses: 10,
    });
  });

  it('overwrites OpenAI’s web search filters and caps its calls; with blocked domains it takes the tool out', async () => {
    const allowed = await startHarness({
      web: true,
      research: { allowedDomains: ['docs.python.org'], blockedDomains: [], maxUses: 4 },
    });
    await send(
      allowed.proxy,
      '/v1/responses',
      response({
        tools: [
          { type: 'web_search', filters: { allowed_domains: ['attacker.example'] } },
          { type: 'function', name: 'shell', parameters: {} },
        ],
        max_tool_calls: 50,
      }),
    );
    const sent = allowed.openai.requests[0]?.body;
    expect(sent?.tools).toEqual([
      { type: 'web_search', filters: { allowed_domains: ['docs.python.org'] } },
      { type: 'function', name: 'shell', parameters: {} },
    ]);
    expect(sent?.max_tool_calls).toBe(4);

    const blocked = await startHarness({
      web: true,
      research: { allowedDomains: [], blockedDomains: ['internal.example'], maxUses: 4 },
    });
    const answer = await send(
      blocked.proxy,
      '/v1/responses',
      response({ tools: [{ type: 'web_search' }, { type: 'function', name: 'shell' }] }),
    );
    expect(answer.status).toBe(200);
    expect(blocked.openai.requests[0]?.body.tools).toEqual([{ type: 'function', name: 'shell' }]);
  });
});

describe('the model proxy’s dollar limit is a cap', () => {
  /** A user message of `bytes` characters. */
  const long = (bytes: number) => [{ role: 'user', content: 'x'.repeat(bytes) }];

  it('refuses a request whose worst case would pass what is left, before the provider sees it, and stops the session there', async () => {
    const { proxy, meter, anthropic } = await startHarness({ maxUsd: 0.1 });
    // 40,000 bytes of input at most, $0.12 of Sonnet, whatever its output cap.
    const answer = await send(proxy, '/v1/messages', message({ messages: long(40_000) }));
    expect(answer.status).toBe(400);
    expect(answer.text).toMatch(
      /the session stops here: it spent \$0\.00, and its next model request could cost up to \$0\.12, past .*budget\.maxUsd.*\(\$0\.10\)/,
    );
    expect(anthropic.requests).toEqual([]);
    expect(meter.cost_usd).toBe(0);
    expect(proxy.stoppedAt()).toBe('budget');
    // The session stopped: a request that would fit is refused too.
    expect((await send(proxy, '/v1/messages', message())).status).toBe(400);
  });

  it('lowers the output cap of a request to what is left, and a thinking budget below it', async () => {
    const { proxy, meter, anthropic, logs } = await startHarness({
      maxUsd: 0.1,
      // The model writes everything it may: the answer bills its whole output cap.
      anthropic: () => ({
        message: { content: [{ type: 'text', text: 'ok' }], usage: { output_tokens: 1_000_000 } },
      }),
    });
    // 32,000 output tokens of Sonnet would be $0.48: more than the $0.10 the session has.
    const answer = await send(
      proxy,
      '/v1/messages',
      message({ max_tokens: 32_000, thinking: { type: 'enabled', budget_tokens: 16_000 } }),
    );
    expect(answer.status).toBe(200);
    const sent = anthropic.requests[0]?.body as unknown as {
      max_tokens: number;
      thinking: { budget_tokens: number };
    };
    expect(sent.max_tokens).toBeGreaterThan(6_000);
    expect(sent.max_tokens).toBeLessThan(6_667);
    expect(sent.thinking.budget_tokens).toBe(sent.max_tokens - 1_024);
    expect(logs.join('\n')).toContain(`output cap to ${sent.max_tokens} tokens`);
    expect(meter.cost_usd).toBeLessThanOrEqual(0.1);
    expect(meter.cost_usd).toBeGreaterThan(0.09);
    // Nothing worth a request is left.
    expect((await send(proxy, '/v1/messages', message())).status).toBe(400);
    expect(anthropic.requests).toHaveLength(1);
  });

  it('gives an OpenAI request that sets no output cap one that fits', async () => {
    const { proxy, meter, openai } = await startHarness({
      maxUsd: 0.5,
      openai: () => ({
        output: [{ type: 'message', text: 'ok' }],
        usage: { input_tokens: 10, output_tokens: 1_000_000 },
      }),
    });
    // Uncapped, it is counted at 128,000 output tokens of gpt-5.5: $3.84.
    expect((await send(proxy, '/v1/responses', response())).status).toBe(200);
    const cap = openai.requests[0]?.body.max_output_tokens;
    expect(cap).toBeGreaterThan(16_000);
    expect(cap).toBeLessThan(16_667);
    expect(meter.cost_usd).toBeLessThanOrEqual(0.5);
  });
});

describe('the model proxy says why a provider could not be reached', () => {
  it('answers 502 naming what failed (fetch says only "fetch failed"), and logs it', async () => {
    const cause = Object.assign(new Error('Headers Timeout Error'), {
      code: 'UND_ERR_HEADERS_TIMEOUT',
    });
    const { proxy, logs } = await startHarness({
      fetchImpl: async () => {
        throw new TypeError('fetch failed', { cause });
      },
    });
    const answer = await send(proxy, '/v1/messages', message());
    expect(answer.status).toBe(502);
    expect(answer.text).toContain(
      'the model proxy could not reach the provider (fetch failed: UND_ERR_HEADERS_TIMEOUT Headers Timeout Error)',
    );
    expect(logs).toContain(
      'model proxy: fetch failed: UND_ERR_HEADERS_TIMEOUT Headers Timeout Error',
    );
  });
});
