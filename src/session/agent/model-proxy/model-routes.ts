import type { IncomingHttpHeaders } from 'node:http';
import type { Config } from '../../../core/config/config.js';
import { MODEL_KINDS } from '../../../core/config/model-settings.js';
import type { Provider } from '../../../core/sessions/engines.js';
import { findModelPrice, type ModelPrices } from '../../../core/vocabulary/pricing.js';
import { type RequestContent, readRequestContent } from './request-content.js';

/**
 * What the model proxy lets through: the model endpoints the engines call and
 * nothing else of the providers' APIs (no files, batches, admin, models
 * listing, organisation or key management), the request headers those need,
 * no tool that the provider runs on its side unless the session may use the
 * web (and then only within `research.*`), no model but the config's (and
 * none of those Baton cannot price), no option that bills past what the
 * meter reads, and only the fields and message parts request-content.ts
 * lists (nothing the provider fetches, stores or runs). Everything else is
 * refused before it leaves the machine.
 */

/**
 * The models a session may call: every model `models` of `.github/baton.yml`
 * names (plan, easy, normal, complex, review, the same under `openai` for
 * Codex), every model it prices (`models.prices`) and the others it `names`
 * (`verification.validation.model`, which must have a price), by exact id. Any
 * other model, an older and dearer one of a family included, is refused: the
 * meter prices exactly these.
 */
export function sessionModels(
  models: Config['models'],
  names: readonly (string | undefined)[] = [],
): ReadonlySet<string> {
  return new Set([
    ...MODEL_KINDS.map((kind) => models[kind]),
    ...MODEL_KINDS.map((kind) => models.openai[kind]),
    ...Object.keys(models.prices),
    ...names.filter((name): name is string => name !== undefined),
  ]);
}

/** One allowed endpoint. */
export interface ModelRoute {
  provider: Provider;
  /** `messages` and `responses` are metered and count as turns; `count_tokens` is free. */
  kind: 'messages' | 'count_tokens' | 'responses';
  /** The path appended to the provider's base URL. */
  upstreamPath: string;
}

/** `POST` only, these paths only; `?beta=true` (how Anthropic's SDK marks beta calls) is the one query allowed. */
const ROUTES: Readonly<Record<string, ModelRoute>> = {
  '/v1/messages': { provider: 'anthropic', kind: 'messages', upstreamPath: '/v1/messages' },
  '/v1/messages/count_tokens': {
    provider: 'anthropic',
    kind: 'count_tokens',
    upstreamPath: '/v1/messages/count_tokens',
  },
  // OpenAI's base URL ends in /v1 (https://api.openai.com/v1): the path is appended to it.
  '/v1/responses': { provider: 'openai', kind: 'responses', upstreamPath: '/responses' },
};

/** The route of a request, or null when the proxy refuses it. */
export function findModelRoute(
  method: string | undefined,
  url: string | undefined,
): ModelRoute | null {
  if (method !== 'POST' || !url) return null;
  const [path = '', query, ...rest] = url.split('?');
  if (rest.length > 0 || (query !== undefined && query !== 'beta=true')) return null;
  return Object.hasOwn(ROUTES, path) ? (ROUTES[path] ?? null) : null;
}

/** The path and query the provider gets (`?beta=true` kept for Anthropic). */
export function upstreamUrl(base: string, route: ModelRoute, url: string): string {
  const query = url.includes('?') ? `?${url.split('?')[1]}` : '';
  return `${base.replace(/\/+$/, '')}${route.upstreamPath}${route.provider === 'anthropic' ? query : ''}`;
}

/** Request headers the proxy passes on; credentials, cookies and hop-by-hop headers never. */
const FORWARDED = new Set([
  'content-type',
  'accept',
  'anthropic-version',
  'anthropic-beta',
  'user-agent',
  'openai-beta',
]);

/**
 * Anthropic's betas that bill past what the meter reads: `context-1m-*` gives
 * the models that need it (Sonnet 4 and 4.5) a million tokens of context and
 * bills a request whose input passes 200,000 tokens at premium rates (twice
 * the input price, one and a half times the output price, for the whole
 * request), which the usage of the answer does not show. Without it those
 * models refuse such a request; the models whose window is a million tokens
 * without it bill every request at their list price.
 */
const PRICED_BETAS: readonly RegExp[] = [/^context-1m-/i];

/** Why a request's headers are refused, or null. */
export function headerProblem(provider: Provider, headers: IncomingHttpHeaders): string | null {
  if (provider !== 'anthropic') return null;
  const value = headers['anthropic-beta'];
  const betas = (Array.isArray(value) ? value.join(',') : (value ?? ''))
    .split(',')
    .map((beta) => beta.trim());
  const priced = betas.find((beta) => PRICED_BETAS.some((pattern) => pattern.test(beta)));
  if (!priced) return null;
  return `anthropic-beta: ${priced.slice(0, 100)} bills input past 200,000 tokens at a premium the model proxy does not meter; it does not let the beta through (a model whose context window is a million tokens without it needs none)`;
}

/** The client's headers the provider may see (its key is the proxy's to add). */
export function forwardedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!FORWARDED.has(name) || value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Response headers that do not pass back: hop-by-hop, the encoding the proxy undid, cookies. */
const DROPPED_RESPONSE = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-encoding',
  'content-length',
  'set-cookie',
  'alt-svc',
]);

export function returnedHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (!DROPPED_RESPONSE.has(name)) out[name] = value;
  });
  return out;
}

/** Anthropic tools the client runs itself (its own tools, bash, the editor, computer use, memory). */
const ANTHROPIC_CLIENT_TOOL = /^(?:custom|(?:bash|text_editor|computer|memory)_\d+)$/;
/** The provider's web search and fetch, which run on its side. */
const ANTHROPIC_WEB_TOOL = /^web_(?:search|fetch)_\d+$/;
/** OpenAI tools the client runs itself (Codex's functions, its patch grammar, its tool search). */
const OPENAI_CLIENT_TOOLS = new Set(['function', 'custom', 'namespace', 'local_shell']);

interface Tool {
  type?: unknown;
  execution?: unknown;
}

/** `research.*` of the config: what every web tool the proxy lets through is held to. */
export interface WebPolicy {
  allowedDomains: readonly string[];
  blockedDomains: readonly string[];
  maxUses: number;
}

/**
 * Options that change what an answer costs, or when it is billed, past what
 * the meter reads from its usage: OpenAI's `background` (answered at once,
 * `queued`, with no usage, and generated and billed later) and its service
 * tiers other than the default (priority bills more); Anthropic's fast mode
 * (`speed`, several times the price) and US-only inference (`inference_geo`,
 * a tenth more). Each is allowed only at the value that bills at list price.
 */
const PRICED_OPTIONS: Readonly<Record<Provider, Readonly<Record<string, readonly unknown[]>>>> = {
  openai: { background: [false], service_tier: ['auto', 'default'] },
  anthropic: {
    service_tier: ['auto', 'standard_only'],
    speed: ['standard'],
    inference_geo: ['global'],
  },
};

/**
 * Reads a request body: why it is refused, or what its content holds (for
 * the estimate of what it may cost). Every request, `count_tokens`
 * included, must name one of the session's models (`models`, from
 * `sessionModels`); a metered request (`metered`: not `count_tokens`) one
 * Baton can price (`models.prices` included), or it would count as free. Its
 * fields and every part of its messages must be ones `readRequestContent`
 * lets through (nothing the provider fetches, stores or runs). A tool the
 * provider runs on its side reaches the network from there, past the
 * session's egress rules: web search and fetch only where the session may use
 * the web (research), and never code execution, remote MCP servers, file
 * search or the like.
 */
export function judgeBody(
  provider: Provider,
  body: unknown,
  {
    web,
    prices,
    metered,
    models,
  }: { web: boolean; prices: ModelPrices; metered: boolean; models: ReadonlySet<string> },
): { problem: string } | { problem: null; content: RequestContent } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { problem: 'the request body is not a JSON object' };
  }
  const fields = body as Record<string, unknown>;
  const problem =
    modelProblem(fields.model, { prices, metered, models }) ??
    optionProblem(provider, fields) ??
    toolProblem(provider, fields.tools, web);
  return problem ? { problem } : readRequestContent(provider, fields, { web });
}

function modelProblem(
  model: unknown,
  {
    prices,
    metered,
    models,
  }: { prices: ModelPrices; metered: boolean; models: ReadonlySet<string> },
): string | null {
  if (typeof model !== 'string' || model === '') return 'model: the request names no model';
  if (!models.has(model)) {
    const allowed = [...models].map((id) => id.slice(0, 100));
    const named =
      allowed.length > 20 ? [...allowed.slice(0, 20), '…'].join(', ') : allowed.join(', ');
    return `model: ${model.slice(0, 100)} is not one of this session's models (${named}); the model proxy lets through only the models models.* of .github/baton.yml names (plan, easy, normal, complex, review, openai.*, and those models.prices prices)`;
  }
  if (metered && !findModelPrice(model, prices)) {
    return `model: ${model.slice(0, 100)} has no price Baton knows, so the session's budget could not count it; use a model of the opus, sonnet or haiku family (gpt-5.5 on Codex) or give its price in models.prices of .github/baton.yml`;
  }
  return null;
}

function optionProblem(provider: Provider, fields: Record<string, unknown>): string | null {
  for (const [option, allowed] of Object.entries(PRICED_OPTIONS[provider])) {
    const value = fields[option];
    if (value === undefined || value === null || allowed.includes(value)) continue;
    return `${option}: ${String(JSON.stringify(value)).slice(0, 100)} bills past what the model proxy meters; it lets through only ${allowed.map((v) => JSON.stringify(v)).join(' or ')}, or the option unset`;
  }
  return null;
}

function toolProblem(provider: Provider, listed: unknown, web: boolean): string | null {
  const tools = Array.isArray(listed) ? (listed as Tool[]) : [];
  for (const tool of tools) {
    const type =
      typeof tool?.type === 'string' ? tool.type : provider === 'anthropic' ? 'custom' : '';
    if (
      provider === 'anthropic' ? ANTHROPIC_CLIENT_TOOL.test(type) : isOpenAiClientTool(type, tool)
    ) {
      continue;
    }
    const isWeb = isWebTool(provider, type);
    if (isWeb && web) continue;
    return isWeb
      ? `tools: ${type} runs on the provider's side and reaches the web; only research sessions may use it (research.web in .github/baton.yml)`
      : `tools: ${type || '(no type)'} is a tool the provider runs on its side; the model proxy does not let it through`;
  }
  return null;
}

/**
 * Whether a `cache_control` anywhere in the body (system, tools, messages, the
 * top) asks for a lifetime other than five minutes: an hour's cache writes
 * cost twice input.
 */
export function asksLongCache(body: unknown): boolean {
  return cacheAsked(body) === 'long';
}

/**
 * The longest cache a body asks for anywhere: none, five minutes (writes a
 * quarter dearer than input), or longer (twice input).
 */
export function cacheAsked(body: unknown): 'none' | '5m' | 'long' {
  let asked: 'none' | '5m' = 'none';
  const pending: unknown[] = [body];
  while (pending.length > 0) {
    const next = pending.pop();
    if (Array.isArray(next)) {
      for (const item of next) if (typeof item === 'object' && item !== null) pending.push(item);
      continue;
    }
    if (!isObject(next)) continue;
    for (const [key, value] of Object.entries(next)) {
      if (key === 'cache_control' && isObject(value)) {
        if (value.ttl !== undefined && value.ttl !== '5m') return 'long';
        asked = '5m';
      } else if (typeof value === 'object' && value !== null) pending.push(value);
    }
  }
  return asked;
}

function isWebTool(provider: Provider, type: string): boolean {
  return provider === 'anthropic' ? ANTHROPIC_WEB_TOOL.test(type) : type === 'web_search';
}

function isOpenAiClientTool(type: string, tool: Tool): boolean {
  if (OPENAI_CLIENT_TOOLS.has(type)) return true;
  // Codex searches its own deferred tools; a search the provider would run is not this.
  return type === 'tool_search' && tool.execution === 'client';
}

/**
 * The body with every web tool held to `research.*`, or null when it has
 * none to change. Whatever the client (an engine, or the model's own
 * commands) wrote there is overwritten, so an engine's own web tools keep
 * working within the config's limits:
 *
 * - Anthropic's `web_search_*` and `web_fetch_*`: `allowed_domains` or
 *   `blocked_domains` become the config's (the API takes one of the two; with
 *   neither set in the config, the tool's own narrowing stands), `max_uses`
 *   at most `research.maxUses`.
 * - OpenAI's `web_search`: `filters.allowed_domains` becomes the config's;
 *   the tool has no blocked list, so with `research.blockedDomains` it is
 *   taken out of the request; the response's `max_tool_calls` (its only
 *   built-in tool is the search) at most `research.maxUses`.
 *
 * Call it only for a body `bodyProblem` let through with the web on.
 */
export function enforceWebPolicy(
  provider: Provider,
  body: Record<string, unknown>,
  policy: WebPolicy,
): Record<string, unknown> | null {
  if (!Array.isArray(body.tools)) return null;
  const tools = body.tools as unknown[];
  const web = tools.filter(
    (tool) => isObject(tool) && typeof tool.type === 'string' && isWebTool(provider, tool.type),
  );
  if (web.length === 0) return null;
  const allowed = [...policy.allowedDomains];
  const blocked = [...policy.blockedDomains];
  if (provider === 'anthropic') {
    const held = tools.map((tool) => {
      if (!web.includes(tool) || !isObject(tool)) return tool;
      const { allowed_domains, blocked_domains, max_uses, ...rest } = tool;
      const uses =
        typeof max_uses === 'number' && Number.isInteger(max_uses) && max_uses > 0
          ? Math.min(max_uses, policy.maxUses)
          : policy.maxUses;
      const domains =
        allowed.length > 0
          ? { allowed_domains: allowed }
          : blocked.length > 0
            ? { blocked_domains: blocked }
            : {
                ...(allowed_domains === undefined ? {} : { allowed_domains }),
                ...(blocked_domains === undefined ? {} : { blocked_domains }),
              };
      return { ...rest, ...domains, max_uses: uses };
    });
    return { ...body, tools: held };
  }
  const held =
    blocked.length > 0
      ? tools.filter((tool) => !web.includes(tool))
      : tools.map((tool) => {
          if (!web.includes(tool) || !isObject(tool) || allowed.length === 0) return tool;
          const filters = isObject(tool.filters) ? tool.filters : {};
          return { ...tool, filters: { ...filters, allowed_domains: allowed } };
        });
  const calls = body.max_tool_calls;
  const maxCalls =
    typeof calls === 'number' && Number.isInteger(calls) && calls > 0
      ? Math.min(calls, policy.maxUses)
      : policy.maxUses;
  return { ...body, tools: held, max_tool_calls: maxCalls };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
