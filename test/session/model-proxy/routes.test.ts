import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/core/config/config.js';
import type { Provider } from '../../../src/core/sessions/engines.js';
import { PROVIDER_KITS } from '../../../src/session/agent/engines/provider-registry.js';
import {
  asksLongCache,
  enforceWebPolicy,
  findModelRoute,
  forwardedHeaders,
  judgeBody,
  type ModelRoute,
  returnedHeaders,
  sessionModels,
  upstreamUrl,
  type WebPolicy,
} from '../../../src/session/agent/model-proxy/model-routes.js';

/**
 * The model proxy's routes, one function at a time (model-routes.ts): which
 * requests reach a provider, at which address, with which headers, and which
 * bodies it refuses or rewrites. The attacks through a running proxy are in
 * test/security/model-proxy-*.test.ts.
 */

const MESSAGES: ModelRoute = {
  provider: 'anthropic',
  kind: 'messages',
  upstreamPath: '/v1/messages',
};
const COUNT_TOKENS: ModelRoute = {
  provider: 'anthropic',
  kind: 'count_tokens',
  upstreamPath: '/v1/messages/count_tokens',
};
const RESPONSES: ModelRoute = { provider: 'openai', kind: 'responses', upstreamPath: '/responses' };

const CLAUDE = 'claude-sonnet-5-5';
const GPT = 'gpt-5.5';
/** A model of the session that no price covers (its config names it, nothing prices it). */
const UNPRICED = 'acme-large';
const MODELS = new Set([CLAUDE, GPT, UNPRICED]);

/** A body `judgeBody` reads, for `provider`, with its one model and `fields`. */
const body = (provider: Provider, fields: Record<string, unknown> = {}) =>
  provider === 'anthropic'
    ? { model: CLAUDE, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], ...fields }
    : { model: GPT, input: 'hi', ...fields };

const judge = (
  provider: Provider,
  value: unknown,
  { web = false, metered = true }: { web?: boolean; metered?: boolean } = {},
) => judgeBody(PROVIDER_KITS[provider], value, { web, metered, prices: {}, models: MODELS });

/** The refusal of a body, or null when it passes. */
const problemOf = (...args: Parameters<typeof judge>) => judge(...args).problem;

const policy = (fields: Partial<WebPolicy> = {}): WebPolicy => ({
  allowedDomains: [],
  blockedDomains: [],
  maxUses: 5,
  ...fields,
});

describe('findModelRoute', () => {
  it.each<[string, string | undefined, ModelRoute | null]>([
    ['/v1/messages', 'POST', MESSAGES],
    ['/v1/messages?beta=true', 'POST', MESSAGES],
    ['/v1/messages/count_tokens', 'POST', COUNT_TOKENS],
    ['/v1/messages/count_tokens?beta=true', 'POST', COUNT_TOKENS],
    ['/v1/responses', 'POST', RESPONSES],
    ['/v1/responses?beta=true', 'POST', RESPONSES],
  ])('routes %s', (url, method, route) => {
    expect(findModelRoute(method, url)).toEqual(route);
  });

  it.each(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'post', undefined])(
    'refuses %s on a model path',
    (method) => {
      expect(findModelRoute(method, '/v1/messages')).toBeNull();
    },
  );

  it.each([
    // The rest of the providers' APIs.
    '/v1/models',
    '/v1/files',
    '/v1/messages/batches',
    '/v1/organizations/api_keys',
    '/v1/responses/resp_1',
    '/v1/responses/resp_1/input_items',
    '/v1/chat/completions',
    '/responses',
    '/',
    '',
    // Tricks on an allowed path.
    '//v1/messages',
    '/v1//messages',
    '/v1/messages/',
    '/v1/messages/../models',
    '/v1/messages/./count_tokens',
    '/v1/./messages',
    '/V1/MESSAGES',
    '/v1%2Fmessages',
    '/v1/messages%2Fcount_tokens',
    '/v1/messages%2F..%2Fmodels',
    'https://api.anthropic.com/v1/messages',
    '/v1/messages#fragment',
    // Any query but `beta=true` alone.
    '/v1/messages?',
    '/v1/messages?beta=false',
    '/v1/messages?beta=true&x=1',
    '/v1/messages?x=1&beta=true',
    '/v1/messages?beta=true?x=1',
    '/v1/messages?beta=TRUE',
    '/v1/responses?stream=true',
    // Names an object has of its own.
    '/constructor',
    '/__proto__',
    '/hasOwnProperty',
  ])('refuses %j', (url) => {
    expect(findModelRoute('POST', url)).toBeNull();
  });

  it('refuses a request with no address', () => {
    expect(findModelRoute('POST', undefined)).toBeNull();
  });
});

describe('upstreamUrl', () => {
  it.each<[string, string, ModelRoute, string, string]>([
    [
      'Anthropic, no trailing slash',
      'https://api.anthropic.com',
      MESSAGES,
      '/v1/messages',
      'https://api.anthropic.com/v1/messages',
    ],
    [
      'Anthropic, trailing slashes',
      'https://api.anthropic.com//',
      MESSAGES,
      '/v1/messages',
      'https://api.anthropic.com/v1/messages',
    ],
    [
      'Anthropic keeps ?beta=true',
      'https://api.anthropic.com',
      MESSAGES,
      '/v1/messages?beta=true',
      'https://api.anthropic.com/v1/messages?beta=true',
    ],
    [
      'count_tokens keeps ?beta=true',
      'https://proxy.corp.example/anthropic/',
      COUNT_TOKENS,
      '/v1/messages/count_tokens?beta=true',
      'https://proxy.corp.example/anthropic/v1/messages/count_tokens?beta=true',
    ],
    [
      "OpenAI's base ends in /v1",
      'https://api.openai.com/v1',
      RESPONSES,
      '/v1/responses',
      'https://api.openai.com/v1/responses',
    ],
    [
      "OpenAI's base with a trailing slash",
      'https://api.openai.com/v1/',
      RESPONSES,
      '/v1/responses',
      'https://api.openai.com/v1/responses',
    ],
    [
      'OpenAI drops ?beta=true',
      'https://api.openai.com/v1',
      RESPONSES,
      '/v1/responses?beta=true',
      'https://api.openai.com/v1/responses',
    ],
  ])('%s', (_, base, route, url, expected) => {
    expect(upstreamUrl(base, route, url)).toBe(expected);
  });
});

describe('headerProblem', () => {
  it.each<[string, IncomingHttpHeaders]>([
    ['no beta', {}],
    ['an empty beta', { 'anthropic-beta': '' }],
    ['betas that bill at list price', { 'anthropic-beta': 'interleaved-thinking-2025-05-14' }],
    ['several of them', { 'anthropic-beta': 'oauth-2025-04-20, fine-grained-tool-streaming' }],
    ['a beta that only names the window', { 'anthropic-beta': 'x-context-1m-2025-08-07' }],
    ['the window in another header', { 'x-context': 'context-1m-2025-08-07' }],
  ])('lets through %s', (_, headers) => {
    expect(PROVIDER_KITS.anthropic.headerProblem(headers)).toBeNull();
  });

  it.each<[string, IncomingHttpHeaders, string]>([
    ['alone', { 'anthropic-beta': 'context-1m-2025-08-07' }, 'context-1m-2025-08-07'],
    [
      'among others',
      { 'anthropic-beta': 'oauth-2025-04-20,context-1m-2025-08-07,files-api' },
      'context-1m-2025-08-07',
    ],
    [
      'among others, spaced',
      { 'anthropic-beta': 'oauth-2025-04-20 ,  context-1m-2026-01-01 ' },
      'context-1m-2026-01-01',
    ],
    ['in capitals', { 'anthropic-beta': 'CONTEXT-1M-2025-08-07' }, 'CONTEXT-1M-2025-08-07'],
    [
      'in a second header of the name',
      { 'anthropic-beta': ['oauth-2025-04-20', 'Context-1m-2025-08-07'] },
      'Context-1m-2025-08-07',
    ],
  ])('refuses the million-token context beta %s', (_, headers, beta) => {
    const problem = PROVIDER_KITS.anthropic.headerProblem(headers);
    expect(problem).toContain(`anthropic-beta: ${beta} bills input past 200,000 tokens`);
    expect(problem).toContain('does not let the beta through');
  });

  it('cuts a long beta short in its refusal', () => {
    const beta = `context-1m-${'x'.repeat(500)}`;
    expect(PROVIDER_KITS.anthropic.headerProblem({ 'anthropic-beta': beta })).toContain(
      `${beta.slice(0, 100)} bills`,
    );
  });

  it('reads no Anthropic beta on the OpenAI route', () => {
    expect(
      PROVIDER_KITS.openai.headerProblem({ 'anthropic-beta': 'context-1m-2025-08-07' }),
    ).toBeNull();
  });
});

describe('forwardedHeaders', () => {
  const passed = {
    'content-type': 'application/json',
    accept: 'text/event-stream',
    'anthropic-version': '2023-06-01',
    'anthropic-beta': 'oauth-2025-04-20',
    'user-agent': 'claude-cli/2.1',
    'openai-beta': 'responses=v1',
  };

  it('passes the headers the engines need, as they came', () => {
    expect(forwardedHeaders(passed)).toEqual(passed);
  });

  it.each([
    // Credentials: the proxy adds the provider's own.
    ['authorization', 'Bearer proxy-token'],
    ['x-api-key', 'sk-ant-client'],
    ['proxy-authorization', 'Basic eDp5'],
    ['openai-organization', 'org-1'],
    ['openai-project', 'proj-1'],
    ['cookie', 'session=1'],
    // Hop-by-hop and the body's framing.
    ['connection', 'keep-alive, x-api-key'],
    ['keep-alive', 'timeout=5'],
    ['transfer-encoding', 'chunked'],
    ['te', 'trailers'],
    ['upgrade', 'h2c'],
    ['content-length', '12'],
    ['host', '127.0.0.1:8080'],
    ['accept-encoding', 'gzip'],
    // Anything else.
    ['x-forwarded-for', '10.0.0.1'],
    ['x-stainless-helper', 'yes'],
  ])('never passes %s', (name, value) => {
    expect(forwardedHeaders({ ...passed, [name]: value })).toEqual(passed);
  });

  it('joins a header given more than once', () => {
    const headers = { 'anthropic-beta': ['oauth-2025-04-20', 'files-api-2025-04-14'] };
    expect(forwardedHeaders(headers)).toEqual({
      'anthropic-beta': 'oauth-2025-04-20, files-api-2025-04-14',
    });
  });

  it('leaves out a header with no value', () => {
    expect(forwardedHeaders({ accept: undefined })).toEqual({});
  });
});

describe('returnedHeaders', () => {
  it('passes back what the provider said, less hop-by-hop, encoding and cookies', () => {
    const headers = new Headers({
      'content-type': 'text/event-stream',
      'request-id': 'req_1',
      'anthropic-ratelimit-tokens-remaining': '1000',
      'x-request-id': 'abc',
      connection: 'keep-alive',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      'content-encoding': 'gzip',
      'content-length': '42',
      'set-cookie': '__cf_bm=1',
      'alt-svc': 'h3=":443"',
    });
    expect(returnedHeaders(headers)).toEqual({
      'content-type': 'text/event-stream',
      'request-id': 'req_1',
      'anthropic-ratelimit-tokens-remaining': '1000',
      'x-request-id': 'abc',
    });
  });
});

describe('judgeBody: the model', () => {
  it.each<[string, Provider, unknown, string]>([
    ['a list', 'anthropic', [], 'the request body is not a JSON object'],
    ['null', 'openai', null, 'the request body is not a JSON object'],
    ['text', 'anthropic', 'hi', 'the request body is not a JSON object'],
    ['no model', 'anthropic', { messages: [] }, 'model: the request names no model'],
    ['an empty model', 'openai', { model: '', input: 'hi' }, 'model: the request names no model'],
    ['a model not a string', 'openai', { model: 5 }, 'model: the request names no model'],
  ])('refuses %s', (_, provider, value, problem) => {
    expect(problemOf(provider, value)).toBe(problem);
  });

  it.each<[string, Provider, string]>([
    ['an older, dearer model of a family', 'anthropic', 'claude-opus-4-1'],
    ['another OpenAI model', 'openai', 'gpt-5.5-pro'],
    ['the session model with a date', 'openai', 'gpt-5.5-2026-04-23'],
    ['a model named only in another case', 'anthropic', 'Claude-Sonnet-5-5'],
  ])("refuses %s: not one of the session's models", (_, provider, model) => {
    const problem = problemOf(provider, body(provider, { model }));
    expect(problem).toContain(`model: ${model} is not one of this session's models`);
    expect(problem).toContain(`${CLAUDE}, ${GPT}, ${UNPRICED}`);
    for (const metered of [true, false]) {
      expect(problemOf(provider, body(provider, { model }), { metered })).toBe(problem);
    }
  });

  it('names at most twenty of the models it allows', () => {
    const models = new Set(Array.from({ length: 30 }, (_, n) => `model-${n}`));
    const judged = judgeBody(PROVIDER_KITS.anthropic, body('anthropic'), {
      web: false,
      metered: true,
      prices: {},
      models,
    });
    expect(judged.problem).toContain('model-18, model-19, …)');
    expect(judged.problem).not.toContain('model-20');
  });

  it('refuses a metered request for a model Baton cannot price, and lets count_tokens through', () => {
    expect(problemOf('anthropic', body('anthropic', { model: UNPRICED }))).toContain(
      `model: ${UNPRICED} has no price Baton knows`,
    );
    expect(
      problemOf('anthropic', body('anthropic', { model: UNPRICED }), { metered: false }),
    ).toBeNull();
  });

  it('prices a model by the config’s own price', () => {
    const judged = judgeBody(PROVIDER_KITS.anthropic, body('anthropic', { model: UNPRICED }), {
      web: false,
      metered: true,
      prices: { [UNPRICED]: { input: 1, output: 2 } },
      models: MODELS,
    });
    expect(judged.problem).toBeNull();
  });

  it('hands back what the content holds', () => {
    const image = {
      type: 'image',
      source: { type: 'base64', media_type: 'image/png', data: 'AA' },
    };
    expect(
      judge('anthropic', body('anthropic', { messages: [{ role: 'user', content: [image] }] })),
    ).toEqual({ problem: null, content: { images: 1, documents: 0 } });
  });

  it('refuses a field request-content.ts does not list', () => {
    expect(problemOf('openai', body('openai', { previous_response_id: 'resp_1' }))).toContain(
      'previous_response_id: stored context',
    );
  });
});

describe('judgeBody: priced options', () => {
  it.each<[Provider, string, unknown]>([
    ['openai', 'background', false],
    ['openai', 'service_tier', 'auto'],
    ['openai', 'service_tier', 'default'],
    ['openai', 'service_tier', null],
    ['anthropic', 'service_tier', 'auto'],
    ['anthropic', 'service_tier', 'standard_only'],
    ['anthropic', 'speed', 'standard'],
    ['anthropic', 'inference_geo', 'global'],
    ['anthropic', 'speed', null],
  ])('%s lets through %s: %j', (provider, option, value) => {
    expect(problemOf(provider, body(provider, { [option]: value }))).toBeNull();
  });

  it.each<[Provider, string, unknown, string]>([
    ['openai', 'background', true, 'false'],
    ['openai', 'service_tier', 'priority', '"auto" or "default"'],
    ['openai', 'service_tier', 'flex', '"auto" or "default"'],
    ['openai', 'service_tier', 'scale', '"auto" or "default"'],
    ['anthropic', 'service_tier', 'priority', '"auto" or "standard_only"'],
    ['anthropic', 'speed', 'fast', '"standard"'],
    ['anthropic', 'inference_geo', 'us', '"global"'],
    ['anthropic', 'speed', ['standard'], '"standard"'],
    ['anthropic', 'inference_geo', 'GLOBAL', '"global"'],
  ])('%s refuses %s: %j', (provider, option, value, allowed) => {
    expect(problemOf(provider, body(provider, { [option]: value }))).toBe(
      `${option}: ${JSON.stringify(value)} bills past what the model proxy meters; it lets through only ${allowed}, or the option unset`,
    );
  });

  it('holds count_tokens to the same options', () => {
    expect(
      problemOf('anthropic', body('anthropic', { speed: 'fast' }), { metered: false }),
    ).toContain('speed: "fast"');
  });
});

describe('judgeBody: tools', () => {
  const anthropicTool = (type?: string) => ({
    ...(type === undefined ? {} : { type }),
    name: 'tool',
    input_schema: { type: 'object' },
  });
  const openAiTool = (type: string, fields: Record<string, unknown> = {}) => ({
    type,
    name: 'tool',
    ...fields,
  });

  it.each<[string, Provider, unknown]>([
    ['an Anthropic tool of no type', 'anthropic', anthropicTool()],
    ['an Anthropic custom tool', 'anthropic', anthropicTool('custom')],
    ['bash', 'anthropic', { type: 'bash_20250124', name: 'bash' }],
    ['the text editor', 'anthropic', { type: 'text_editor_20250728', name: 'str_replace' }],
    ['computer use', 'anthropic', { type: 'computer_20250124', name: 'computer' }],
    ['memory', 'anthropic', { type: 'memory_20250818', name: 'memory' }],
    ['a function', 'openai', openAiTool('function')],
    ['a custom tool (the patch grammar)', 'openai', openAiTool('custom')],
    ['a namespace of functions', 'openai', openAiTool('namespace')],
    ['the local shell', 'openai', { type: 'local_shell' }],
    ["Codex's own tool search", 'openai', { type: 'tool_search', execution: 'client' }],
  ])('lets through %s, run by the client', (_, provider, tool) => {
    for (const web of [false, true]) {
      expect(problemOf(provider, body(provider, { tools: [tool] }), { web })).toBeNull();
    }
  });

  it.each<[string, Provider, unknown, string]>([
    ['code execution', 'anthropic', { type: 'code_execution_20250825' }, 'code_execution_20250825'],
    ['an MCP tool set', 'anthropic', { type: 'mcp_toolset' }, 'mcp_toolset'],
    [
      'the tool search the provider runs',
      'anthropic',
      { type: 'tool_search_tool_regex_20251119' },
      'tool_search_tool_regex_20251119',
    ],
    ['a web search of no date', 'anthropic', { type: 'web_search' }, 'web_search'],
    ['a client tool of no date', 'anthropic', { type: 'bash' }, 'bash'],
    ['a type of another case', 'anthropic', { type: 'Custom' }, 'Custom'],
    ['code interpreter', 'openai', { type: 'code_interpreter' }, 'code_interpreter'],
    ['a remote MCP server', 'openai', { type: 'mcp', server_url: 'https://x' }, 'mcp'],
    ['file search', 'openai', { type: 'file_search' }, 'file_search'],
    ['image generation', 'openai', { type: 'image_generation' }, 'image_generation'],
    ['computer use', 'openai', { type: 'computer_use_preview' }, 'computer_use_preview'],
    ['the old web search', 'openai', { type: 'web_search_preview' }, 'web_search_preview'],
    ['the tool search the provider runs', 'openai', { type: 'tool_search' }, 'tool_search'],
    ['a tool of no type', 'openai', { name: 'f' }, '(no type)'],
    ['a tool that is not an object', 'openai', 'function', '(no type)'],
  ])('refuses %s, run by the provider', (_, provider, tool, type) => {
    for (const web of [false, true]) {
      expect(
        problemOf(provider, body(provider, { tools: [anthropicTool('custom'), tool] }), { web }),
      ).toBe(
        `tools: ${type} is a tool the provider runs on its side; the model proxy does not let it through`,
      );
    }
  });

  it.each<[Provider, string]>([
    ['anthropic', 'web_search_20250305'],
    ['anthropic', 'web_search_20260209'],
    ['anthropic', 'web_fetch_20250910'],
    ['openai', 'web_search'],
  ])('%s lets %s through only where the session may use the web', (provider, type) => {
    const withWeb = body(provider, { tools: [{ type, name: type }] });
    expect(problemOf(provider, withWeb, { web: true })).toBeNull();
    expect(problemOf(provider, withWeb, { web: false })).toBe(
      `tools: ${type} runs on the provider's side and reaches the web; only research sessions may use it (research.web in .github/baton.yml)`,
    );
  });

  it('reads no tools from a tools field that is not a list', () => {
    expect(problemOf('openai', body('openai', { tools: null }))).toBeNull();
  });
});

describe('asksLongCache', () => {
  const hour = { type: 'ephemeral', ttl: '1h' };
  const fiveMinutes = { type: 'ephemeral', ttl: '5m' };
  const plain = { type: 'ephemeral' };

  it.each<[string, unknown, boolean]>([
    ['no body', null, false],
    ['no cache_control', { messages: [{ role: 'user', content: 'hi' }] }, false],
    ['the default lifetime', { cache_control: plain }, false],
    [
      'five minutes said',
      { system: [{ type: 'text', text: 's', cache_control: fiveMinutes }] },
      false,
    ],
    ['an hour at the top', { cache_control: hour }, true],
    ['an hour on the system', { system: [{ type: 'text', text: 's', cache_control: hour }] }, true],
    ['an hour on a tool', { tools: [{ name: 't', cache_control: hour }] }, true],
    [
      'an hour deep in a tool result',
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'tool_result', content: [{ type: 'text', text: 'x', cache_control: hour }] },
            ],
          },
        ],
      },
      true,
    ],
    ['an hour in a list of lists', { a: [[{ cache_control: hour }]] }, true],
    ['any other lifetime', { cache_control: { type: 'ephemeral', ttl: '24h' } }, true],
    ['a lifetime not a string', { cache_control: { ttl: 3600 } }, true],
    ['a cache_control that is not an object', { cache_control: '1h' }, false],
    ['a ttl outside a cache_control', { ttl: '1h', other: { ttl: '1h' } }, false],
    [
      'an hour after a five-minute one',
      { system: [{ cache_control: fiveMinutes }], tools: [{ cache_control: hour }] },
      true,
    ],
  ])('%s: %s', (_, value, expected) => {
    expect(asksLongCache(value)).toBe(expected);
  });
});

/** A web tool's limit as the model asks it, and what research.maxUses (5, `policy()`) holds it to, on either provider. */
const WEB_USES: [string, unknown, number][] = [
  ['unset', undefined, 5],
  ['below the limit', 3, 3],
  ['at the limit', 5, 5],
  ['above it', 50, 5],
  ['zero', 0, 5],
  ['negative', -1, 5],
  ['a fraction', 2.5, 5],
  ['text', '2', 5],
  ['null', null, 5],
  ['infinite', Number.POSITIVE_INFINITY, 5],
];

describe('enforceWebPolicy: Anthropic', () => {
  const search = (fields: Record<string, unknown> = {}) => ({
    type: 'web_search_20250305',
    name: 'web_search',
    ...fields,
  });
  const fetchTool = (fields: Record<string, unknown> = {}) => ({
    type: 'web_fetch_20250910',
    name: 'web_fetch',
    ...fields,
  });
  const bash = { type: 'bash_20250124', name: 'bash' };
  const held = (tools: unknown, rules: WebPolicy) =>
    enforceWebPolicy(PROVIDER_KITS.anthropic, { model: CLAUDE, tools }, rules)?.tools;

  it.each<[string, unknown]>([
    ['no tools', undefined],
    ['tools not a list', { type: 'web_search_20250305' }],
    ['no web tool', [bash]],
    ['a web tool of no type', [{ name: 'web_search' }]],
    ["OpenAI's web search", [{ type: 'web_search' }]],
  ])('changes nothing with %s', (_, tools) => {
    expect(
      enforceWebPolicy(PROVIDER_KITS.anthropic, { model: CLAUDE, tools }, policy()),
    ).toBeNull();
  });

  it('puts the allowed domains in place of the tool’s, which also drops its blocked ones', () => {
    const tools = [
      bash,
      search({ allowed_domains: ['evil.example'], max_uses: 2 }),
      fetchTool({ blocked_domains: ['docs.example'] }),
    ];
    expect(
      held(tools, policy({ allowedDomains: ['docs.example'], blockedDomains: ['x.example'] })),
    ).toEqual([
      bash,
      search({ allowed_domains: ['docs.example'], max_uses: 2 }),
      fetchTool({ allowed_domains: ['docs.example'], max_uses: 5 }),
    ]);
  });

  it('puts the blocked domains in place of the tool’s when none are allowed', () => {
    expect(
      held(
        [search({ allowed_domains: ['evil.example'] })],
        policy({ blockedDomains: ['x.example'] }),
      ),
    ).toEqual([search({ blocked_domains: ['x.example'], max_uses: 5 })]);
  });

  it('keeps the tool’s own narrowing when the config has none', () => {
    expect(
      held(
        [search({ allowed_domains: ['a.example'] }), fetchTool({ blocked_domains: ['b.example'] })],
        policy(),
      ),
    ).toEqual([
      search({ allowed_domains: ['a.example'], max_uses: 5 }),
      fetchTool({ blocked_domains: ['b.example'], max_uses: 5 }),
    ]);
  });

  it.each(WEB_USES)('holds max_uses %s to research.maxUses', (_, uses, expected) => {
    expect(held([search({ max_uses: uses })], policy())).toEqual([search({ max_uses: expected })]);
  });

  it('keeps the rest of the body', () => {
    const changed = enforceWebPolicy(
      PROVIDER_KITS.anthropic,
      { model: CLAUDE, max_tokens: 9, tools: [search()] },
      policy(),
    );
    expect(changed).toEqual({ model: CLAUDE, max_tokens: 9, tools: [search({ max_uses: 5 })] });
  });
});

describe('enforceWebPolicy: OpenAI', () => {
  const search = (fields: Record<string, unknown> = {}) => ({ type: 'web_search', ...fields });
  const fn = { type: 'function', name: 'shell' };

  it.each<[string, unknown]>([
    ['no tools', undefined],
    ['no web tool', [fn]],
    ["Anthropic's web search", [{ type: 'web_search_20250305' }]],
  ])('changes nothing with %s', (_, tools) => {
    expect(enforceWebPolicy(PROVIDER_KITS.openai, { model: GPT, tools }, policy())).toBeNull();
  });

  it('puts the allowed domains in the search’s filters, keeping its other filters', () => {
    const changed = enforceWebPolicy(
      PROVIDER_KITS.openai,
      {
        model: GPT,
        tools: [fn, search({ filters: { allowed_domains: ['evil.example'], other: 1 } })],
      },
      policy({ allowedDomains: ['docs.example'] }),
    );
    expect(changed).toEqual({
      model: GPT,
      tools: [fn, search({ filters: { allowed_domains: ['docs.example'], other: 1 } })],
      max_tool_calls: 5,
    });
  });

  it('takes the search out when the config blocks domains (the tool has no blocked list)', () => {
    for (const allowedDomains of [[], ['docs.example']]) {
      expect(
        enforceWebPolicy(
          PROVIDER_KITS.openai,
          { model: GPT, tools: [fn, search(), search()] },
          policy({ allowedDomains, blockedDomains: ['x.example'] }),
        ),
      ).toEqual({ model: GPT, tools: [fn], max_tool_calls: 5 });
    }
  });

  it('leaves the search as it is with neither list', () => {
    const tool = search({ filters: { allowed_domains: ['a.example'] } });
    expect(enforceWebPolicy(PROVIDER_KITS.openai, { model: GPT, tools: [tool] }, policy())).toEqual(
      {
        model: GPT,
        tools: [tool],
        max_tool_calls: 5,
      },
    );
  });

  it.each(WEB_USES)('holds max_tool_calls %s to research.maxUses', (_, calls, expected) => {
    expect(
      enforceWebPolicy(
        PROVIDER_KITS.openai,
        { model: GPT, tools: [search()], max_tool_calls: calls },
        policy(),
      )?.max_tool_calls,
    ).toBe(expected);
  });
});

describe('sessionModels', () => {
  it('holds every model the config names, for both engines, and those it prices', () => {
    const models = defaultConfig().models;
    expect(
      [
        ...sessionModels({
          ...models,
          plan: 'claude-opus-a',
          easy: 'claude-haiku-b',
          openai: { ...models.openai, review: 'gpt-review' },
          prices: { 'acme-large': { input: 1, output: 2 } },
        }),
      ].sort(),
    ).toEqual([
      'acme-large',
      'claude-haiku-b',
      'claude-opus-5-5',
      'claude-opus-a',
      'claude-sonnet-5-5',
      'gpt-5.5',
      'gpt-review',
    ]);
  });

  it('holds the model validation sessions run on, when the config names one', () => {
    const config = defaultConfig();
    expect(
      sessionModels(config.models, [config.verification.validation.model, 'claude-haiku-4-5']).has(
        'claude-haiku-4-5',
      ),
    ).toBe(true);
    expect(sessionModels(config.models, [undefined]).size).toBe(sessionModels(config.models).size);
  });

  it('holds only those of the default config by default', () => {
    expect([...sessionModels(defaultConfig().models)].sort()).toEqual([
      'claude-haiku-5-5',
      'claude-opus-5-5',
      'claude-sonnet-5-5',
      'gpt-5.5',
    ]);
  });
});
