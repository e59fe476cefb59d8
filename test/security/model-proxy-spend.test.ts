import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CapturedRequest,
  type FakeAnthropic,
  type FakeReply,
  type Respond,
  startFakeAnthropic,
} from '../../sim/fake-anthropic.js';
import { type FakeOpenAi, type RespondResponses, startFakeOpenAi } from '../../sim/fake-openai.js';
import { defaultConfig } from '../../src/core/config/config.js';
import { resolveLimits } from '../../src/session/agent/model/limits.js';
import { createUsageMeter, type UsageMeter } from '../../src/session/agent/model/usage-meter.js';
import {
  MAX_IN_FLIGHT,
  MAX_WAITING,
  type ModelProxy,
  startModelProxy,
} from '../../src/session/agent/model-proxy/model-proxy.js';
import type { WebPolicy } from '../../src/session/agent/model-proxy/model-routes.js';

/**
 * The model's commands hold the session's proxy token and can send the model
 * proxy any request, as often and as many at once as they like. Here they try
 * to make the provider spend what the meter never reads, or past the budget:
 * a background response, a model Baton cannot price, options billed above
 * list price, a stream they leave early, two hundred requests at once, a body
 * that arrives after the budget is spent, and web tools with their own
 * domains and uses. Each test starts the real proxy against the fake
 * providers (sim/fake-anthropic.ts, sim/fake-openai.ts).
 */

const NO_WEB: WebPolicy = { allowedDomains: [], blockedDomains: [], maxUses: 10 };

interface Harness {
  proxy: ModelProxy;
  meter: UsageMeter;
  anthropic: FakeAnthropic;
  openai: FakeOpenAi;
  logs: string[];
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((thing) => thing.close()));
});

async function startHarness({
  anthropic: respondAnthropic = () => ({ message: { content: [{ type: 'text', text: 'ok' }] } }),
  openai: respondOpenAi = () => ({ output: [{ type: 'message', text: 'ok' }] }),
  maxUsd = null,
  research = NO_WEB,
  web = false,
  closeGraceMs,
}: {
  anthropic?: Respond;
  openai?: RespondResponses;
  maxUsd?: number | null;
  research?: WebPolicy;
  web?: boolean;
  closeGraceMs?: number;
} = {}): Promise<Harness> {
  const anthropic = await startFakeAnthropic({ respond: respondAnthropic });
  const openai = await startFakeOpenAi({ respond: respondOpenAi });
  open.push(anthropic, openai);
  const meter = createUsageMeter();
  const logs: string[] = [];
  const limits = resolveLimits({
    config: defaultConfig(),
    startedAt: Date.now(),
    overrides: { maxUsd },
  });
  const proxy = await startModelProxy({
    upstreams: {
      anthropic: {
        provider: 'anthropic',
        baseUrl: anthropic.url,
        auth: async () => ({ headers: { 'x-api-key': 'sk-ant-test' }, betas: [] }),
      },
      openai: {
        provider: 'openai',
        baseUrl: openai.url,
        auth: async () => ({ headers: { authorization: 'Bearer sk-openai-test' }, betas: [] }),
      },
    },
    meter,
    limits,
    now: Date.now,
    log: (line) => logs.push(line),
    research,
    ...(closeGraceMs === undefined ? {} : { closeGraceMs }),
  });
  proxy.allowWeb(web);
  open.unshift(proxy);
  return { proxy, meter, anthropic, openai, logs };
}

/** What a command would send: the session's token, the provider's headers, a JSON body. */
async function send(
  proxy: ModelProxy,
  path: '/v1/messages' | '/v1/responses',
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const answer = await fetch(`${proxy.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      authorization: `Bearer ${proxy.token}`,
      ...headers,
    },
    body: JSON.stringify(body),
  });
  return { status: answer.status, text: await answer.text() };
}

const message = (fields: Record<string, unknown> = {}) => ({
  model: 'claude-sonnet-5-5',
  max_tokens: 100,
  messages: [{ role: 'user', content: 'hi' }],
  ...fields,
});
const response = (fields: Record<string, unknown> = {}) => ({
  model: 'gpt-5.5',
  input: 'hi',
  ...fields,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
    const answer = await fetch(`${proxy.url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${proxy.token}` },
      body: JSON.stringify({ model: 'claude-sonnet-5-5', messages: [] }),
    });
    expect(answer.status).toBe(200);
    expect(anthropic.counted).toEqual(['claude-sonnet-5-5']);
    expect(meter.turns).toBe(0);
    expect(proxy.stopped()).toBeNull();
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
      const req = httpRequest(
        `${proxy.url}/v1/messages`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'anthropic-version': '2023-06-01',
            authorization: `Bearer ${proxy.token}`,
          },
        },
        (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        },
      );
      // Hanging up is the command's own doing: the error it brings is expected.
      req.on('error', () => {});
      req.end(JSON.stringify(message({ stream: true })));
    });
    await expect.poll(() => anthropic.requests[0]?.served?.output_tokens).toBe(1_000_000);
    await expect.poll(() => meter.output_tokens, { timeout: 5_000 }).toBe(1_000_000);
    expect(meter.cost_usd).toBeGreaterThanOrEqual(15);
    expect(meter.turns).toBe(1);
  });

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
    const pending = send(held.proxy, '/v1/messages', message({ stream: true })).catch(() => null);
    await expect.poll(() => held.anthropic.requests.length).toBe(1);
    await held.proxy.close();
    await pending;
    expect(held.meter.output_tokens).toBe(1_000_000);

    const stuck = await startHarness({
      anthropic: () => ({
        message: { content: [{ type: 'text', text: 'ok' }], holdEndMs: 60_000 },
      }),
      closeGraceMs: 100,
    });
    const hanging = send(
      stuck.proxy,
      '/v1/messages',
      message({ stream: true, max_tokens: 100_000 }),
    ).catch(() => null);
    await expect.poll(() => stuck.anthropic.requests.length).toBe(1);
    await stuck.proxy.close();
    await hanging;
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

describe('the model proxy lets through only models Baton can price', () => {
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
    expect(anthropic.requests).toEqual([]);
    expect(openai.requests).toEqual([]);
    expect(meter.unpriced.size).toBe(0);
  });

  it('lets through every model a session runs on: the defaults, the engines’ own small models, and models.prices', async () => {
    const { proxy, meter, anthropic, openai } = await startHarness();
    meter.prices = { 'claude-fable-5-2': { input: 10, output: 50 } };
    const config = defaultConfig();
    const claude = [
      ...Object.values({
        plan: config.models.plan,
        complex: config.models.complex,
        normal: config.models.normal,
        easy: config.models.easy,
      }),
      // What Claude Code calls for its own side work (ANTHROPIC_SMALL_FAST_MODEL unset).
      'claude-haiku-4-5-20251001',
      'claude-haiku-5-5',
      // Priced by the config.
      'claude-fable-5-2',
    ];
    for (const model of claude) {
      expect((await send(proxy, '/v1/messages', message({ model }))).status, model).toBe(200);
    }
    const gpt = [...new Set(Object.values(config.models.openai)), 'gpt-5.5-2026-04-23'];
    for (const model of gpt) {
      expect((await send(proxy, '/v1/responses', response({ model }))).status, model).toBe(200);
    }
    expect(anthropic.requests).toHaveLength(claude.length);
    expect(openai.requests).toHaveLength(gpt.length);
    expect(meter.unpriced.size).toBe(0);
  });
});

describe('the model proxy holds requests sent at once to the budget', () => {
  it('runs a few requests at once, and lets none start past the budget counting those under way', async () => {
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
    // Two start under the budget together ($0 + $0.30 held < $0.50); the third waits, then finds it spent.
    expect(served).toBe(2);
    expect(anthropic.requests).toHaveLength(2);
    expect(most).toBeLessThanOrEqual(MAX_IN_FLIGHT);
    expect(meter.cost_usd).toBeLessThan(0.5 + 0.31);
    expect(proxy.stopped()).toMatch(/budget/);
    expect(answers.filter((answer) => answer.status === 400)).toHaveLength(18);
  });

  it(`forwards at most ${MAX_IN_FLIGHT} at once, queues ${MAX_WAITING}, and refuses more`, async () => {
    let running = 0;
    let most = 0;
    const { proxy, anthropic } = await startHarness({
      anthropic: async (): Promise<FakeReply> => {
        running++;
        most = Math.max(most, running);
        await sleep(100);
        running--;
        return { message: { content: [{ type: 'text', text: 'ok' }] } };
      },
    });
    const total = MAX_IN_FLIGHT + MAX_WAITING + 10;
    const answers = await Promise.all(
      Array.from({ length: total }, () => send(proxy, '/v1/messages', message())),
    );
    expect(most).toBe(MAX_IN_FLIGHT);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(10);
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
      const req = httpRequest(
        `${proxy.url}/v1/messages`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'anthropic-version': '2023-06-01',
            authorization: `Bearer ${proxy.token}`,
          },
        },
        (res) => {
          slowStatus = res.statusCode ?? 0;
          res.resume();
          res.on('end', () => resolve());
        },
      );
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
