import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  costOf,
  findModelPrice,
  PROVIDER_PRICES,
  type ProviderPrices,
} from '../../src/core/vocabulary/pricing.js';
import type {
  ProviderKit,
  ProviderRegistry,
  UsageReading,
} from '../../src/session/agent/engines/provider-kit.js';
import { PROVIDER_KITS } from '../../src/session/agent/engines/provider-registry.js';
import { sessionUpstreams } from '../../src/session/agent/model-proxy/upstreams.js';
import type { SessionEnv } from '../../src/session/env.js';
import { message, open, send, startHarness } from './model-proxy-fixtures.js';

/**
 * A third provider, added the one way a provider is added: its kit in the
 * registry the model proxy is started with. TestAI's API differs from both
 * built-in ones in every part the proxy reads per provider (its path, error
 * shape, key header, fields, output cap, usage and prices), so a part that
 * still asked "Anthropic or OpenAI?" would treat its requests as one of them
 * and these tests would see it: a cap lowered in the wrong field, an answer
 * whose usage is not read, a price not found.
 */

const MODEL = 'testai-1';
const UNPRICED = 'testai-2';
/** TestAI's list price: $2 a million prompt units, $8 a million output units. */
const TESTAI_PRICES: ProviderPrices = {
  source: { url: 'https://testai.example/pricing', checked: '2026-11-27' },
  price: (id) => (id === MODEL ? { inputPerMillion: 2, outputPerMillion: 8 } : null),
};

function testAiUsage(asked: string): UsageReading {
  let found: ReturnType<UsageReading['result']> = null;
  const take = (answer: unknown) => {
    const fields = answer as { model?: unknown; units?: { prompt?: number; output?: number } };
    if (!fields?.units) return;
    found = {
      model: typeof fields.model === 'string' ? fields.model : asked,
      usage: { input_tokens: fields.units.prompt ?? 0, output_tokens: fields.units.output ?? 0 },
      edits: null,
    };
  };
  return {
    event: (data) => {
      if ((data as { kind?: unknown })?.kind === 'finished') take(data);
    },
    json: take,
    result: () => found,
  };
}

const TESTAI: ProviderKit = {
  routes: { '/v1/testai/generate': { kind: 'messages', upstreamPath: '/generate' } },
  query: null,
  headers: ['testai-version'],
  headerProblem: (headers) =>
    headers['testai-turbo'] ? 'testai-turbo bills past what the meter reads' : null,
  errorBody: (kind, text) => ({ fault: { kind, text } }),
  upstream: (env) => {
    const key = (env as unknown as Record<string, string | undefined>).TESTAI_KEY;
    if (!key) return { missing: TESTAI.missingCredential };
    return {
      provider: 'testai',
      baseUrl: 'https://testai.example',
      auth: async (headers) => ({ ...headers, 'x-testai-key': key }),
    };
  },
  missingCredential: 'no TestAI credential: set the repository secret TESTAI_KEY',
  content: {
    api: 'the TestAI API',
    fields: new Set(['model', 'prompt', 'max_units', 'stream', 'priority']),
    problem: (body) => (typeof body.prompt === 'string' ? null : 'prompt: must be text'),
    imageTokens: 0,
  },
  pricedOptions: { priority: [false] },
  tools: {
    typeOf: () => '',
    isClient: () => false,
    isWeb: () => false,
    holdWeb: (body) => body,
  },
  outputCap: 'max_units',
  cacheAsked: () => 'none',
  capOutput: (body, outputTokens) => ({ ...body, max_units: outputTokens }),
  usage: testAiUsage,
  prices: TESTAI_PRICES,
};

/** The built-in providers and TestAI: the registry built from a table the test passes in. */
const REGISTRY: ProviderRegistry = { ...PROVIDER_KITS, testai: TESTAI };

interface TestAiRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** TestAI's API on 127.0.0.1: every request kept; answers with `units`, streamed when asked. */
async function startFakeTestAi(units = { prompt: 1_000, output: 500 }) {
  const requests: TestAiRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      requests.push({ path: req.url ?? '', headers: req.headers, body });
      const answer = { kind: 'finished', model: body.model, text: 'ok', units };
      if (body.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`data: ${JSON.stringify({ kind: 'delta', text: 'ok' })}\n\n`);
        res.end(`data: ${JSON.stringify(answer)}\n\n`);
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const fake = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  open.push(fake);
  return fake;
}

async function startWithTestAi({
  maxUsd = null as number | null,
  units = undefined as { prompt: number; output: number } | undefined,
} = {}) {
  const testai = await startFakeTestAi(units);
  const harness = await startHarness({
    maxUsd,
    providers: REGISTRY,
    models: [MODEL, UNPRICED],
    upstreams: {
      testai: {
        provider: 'testai',
        baseUrl: testai.url,
        auth: async (headers) => ({ ...headers, 'x-testai-key': 'tk-test' }),
      },
    },
  });
  return { ...harness, testai };
}

const generate = (fields: Record<string, unknown> = {}) => ({
  model: MODEL,
  prompt: 'hi',
  max_units: 1_000,
  ...fields,
});

describe('a provider added to the registry', () => {
  it('is served at its route, with its key, and its answers metered at its prices', async () => {
    const { proxy, meter, testai, anthropic } = await startWithTestAi();
    const answer = await send(proxy, '/v1/testai/generate', generate(), {
      'testai-version': '3',
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ text: 'ok' });
    expect(testai.requests).toHaveLength(1);
    const [sent] = testai.requests;
    expect(sent?.path).toBe('/generate');
    expect(sent?.headers['x-testai-key']).toBe('tk-test');
    expect(sent?.headers['testai-version']).toBe('3');
    // The session's own token never reaches the provider.
    expect(sent?.headers.authorization).toBeUndefined();
    // Its usage read by its own reading, priced by its own list: 1,000 × $2 + 500 × $8 a million.
    expect(meter.turns).toBe(1);
    expect(meter.input_tokens).toBe(1_000);
    expect(meter.output_tokens).toBe(500);
    expect(meter.cost_usd).toBeCloseTo(0.006, 12);
    expect(meter.unpriced.size).toBe(0);
    expect(proxy.stopped()).toBeNull();
    // Streamed, the same.
    const streamed = await send(proxy, '/v1/testai/generate', generate({ stream: true }));
    expect(streamed.status).toBe(200);
    expect(meter.turns).toBe(2);
    expect(meter.cost_usd).toBeCloseTo(0.012, 12);
    // The built-in providers are served beside it as before.
    expect((await send(proxy, '/v1/messages', message())).status).toBe(200);
    expect(anthropic.requests).toHaveLength(1);
  });

  it('refuses what its kit refuses, in its own error shape, before it sees the request', async () => {
    const { proxy, testai, meter } = await startWithTestAi();
    const refusals: [Record<string, unknown>, Record<string, string>, string][] = [
      [generate({ files: ['f-1'] }), {}, 'files: not a field of the TestAI API'],
      [generate({ prompt: ['x'] }), {}, 'prompt: must be text'],
      [generate({ priority: true }), {}, 'priority: true bills past what the model proxy meters'],
      [generate({ model: UNPRICED }), {}, `${UNPRICED} has no price Baton knows`],
      [generate(), { 'testai-turbo': 'on' }, 'testai-turbo bills past what the meter reads'],
    ];
    for (const [body, headers, reason] of refusals) {
      const answer = await send(proxy, '/v1/testai/generate', body, headers);
      expect(answer.status, reason).toBe(400);
      const fault = (JSON.parse(answer.text) as { fault: { kind: string; text: string } }).fault;
      expect(fault.kind).toBe('invalid_request_error');
      expect(fault.text).toContain(reason);
    }
    expect(testai.requests).toEqual([]);
    expect(meter.turns).toBe(0);
  });

  it('lowers its own output cap to what the dollar limit leaves', async () => {
    // $0.01 left: a request of a few hundred bytes leaves room for about 1,200 output units at $8 a million.
    const { proxy, testai, meter, logs } = await startWithTestAi({ maxUsd: 0.01 });
    const answer = await send(proxy, '/v1/testai/generate', generate({ max_units: 100_000 }));
    expect(answer.status).toBe(200);
    const cap = testai.requests[0]?.body.max_units;
    expect(typeof cap).toBe('number');
    expect(cap).toBeLessThan(1_250);
    expect(cap).toBeGreaterThan(1_100);
    // Nothing else carries a cap: the kit's field is the one lowered.
    expect(Object.keys(testai.requests[0]?.body ?? {}).sort()).toEqual([
      'max_units',
      'model',
      'prompt',
    ]);
    expect(logs.join('\n')).toContain(`lowered the request's output cap to ${cap} tokens`);
    expect(meter.cost_usd).toBeLessThanOrEqual(0.01);
  });

  it('counts a request at its own output cap, and sends one that fits as it is', async () => {
    // 500 output units at $8 a million and a few hundred bytes of prompt: well within $0.01.
    const { proxy, testai, logs } = await startWithTestAi({ maxUsd: 0.01 });
    expect((await send(proxy, '/v1/testai/generate', generate({ max_units: 500 }))).status).toBe(
      200,
    );
    expect(testai.requests[0]?.body.max_units).toBe(500);
    expect(logs.join('\n')).not.toContain('lowered');
  });

  it('is refused with what to set where the session has no credential for it', async () => {
    const { proxy } = await startHarness({ providers: REGISTRY, models: [MODEL] });
    const answer = await send(proxy, '/v1/testai/generate', generate());
    expect(answer.status).toBe(403);
    expect(answer.text).toContain('no TestAI credential: set the repository secret TESTAI_KEY');
    expect(JSON.parse(answer.text)).toHaveProperty('fault');
  });

  it('has its upstream made from the session’s variables by its kit', () => {
    const env = { TESTAI_KEY: 'tk-1' } as unknown as SessionEnv;
    const found = sessionUpstreams(env, globalThis.fetch, REGISTRY);
    expect(found.upstreams.testai?.baseUrl).toBe('https://testai.example');
    expect(found.missing.testai).toBeUndefined();
    // Neither built-in provider has a credential here, and each says what to set.
    expect(found.missing.openai).toContain('OPENAI_API_KEY');
    expect(found.missing.anthropic).toContain('ANTHROPIC_API_KEY');
    const none = sessionUpstreams({} as SessionEnv, globalThis.fetch, REGISTRY);
    expect(none.missing.testai).toBe(TESTAI.missingCredential);
  });

  it('is priced by the core’s price lookup from the table it is given', () => {
    const table = { ...PROVIDER_PRICES, testai: TESTAI_PRICES };
    expect(findModelPrice(MODEL)).toBeNull();
    expect(findModelPrice(MODEL, {}, table)).toEqual({ inputPerMillion: 2, outputPerMillion: 8 });
    const tokens = {
      input_tokens: 100_000,
      output_tokens: 100_000,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
    };
    expect(costOf(MODEL, tokens, {}, table)).toBeCloseTo(0.2 + 0.8, 12);
    // The built-in lists still price their own.
    expect(costOf('gpt-5.5', tokens, {}, table)).toBeCloseTo(0.5 + 3, 12);
  });
});
