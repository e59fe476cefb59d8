/**
 * Anthropic's Messages API as the model proxy serves it (Baton's loop, Claude
 * Code, Copilot): its routes, its credential (the stored key or, with
 * workload identity federation, a short-lived token this process mints and
 * caches), the betas and options billed past the meter, its tools, its web
 * tools held to `research.*`, its output cap and cache writes, and its usage.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { TokenCache } from '@anthropic-ai/sdk/lib/credentials/token-cache';
import { PROVIDER_PRICES } from '../../../../core/vocabulary/pricing.js';
import type { SessionEnv } from '../../../env.js';
import { ModelAuthError, modelAuth } from '../../model/model-credentials.js';
import { readAnthropicUsage } from '../../model-proxy/meter-response.js';
import { ANTHROPIC_REQUEST_CONTENT } from '../../model-proxy/request-content.js';
import { capMessagesOutput } from '../../model-proxy/spend-cap.js';
import type { ProviderKit, ToolRules, Upstream } from '../provider-kit.js';

const ANTHROPIC_API = 'https://api.anthropic.com';
/** The beta Anthropic's API asks of a request made with an OAuth access token (the SDK's own). */
const OAUTH_BETA = 'oauth-2025-04-20';

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

/** Tools the client runs itself (its own tools, bash, the editor, computer use, memory). */
const CLIENT_TOOL = /^(?:custom|(?:bash|text_editor|computer|memory)_\d+)$/;
/** The provider's web search and fetch, which run on its side. */
const WEB_TOOL = /^web_(?:search|fetch)_\d+$/;

/**
 * `web_search_*` and `web_fetch_*` held to `research.*`: `allowed_domains`
 * or `blocked_domains` become the config's (the API takes one of the two;
 * with neither set in the config, the tool's own narrowing stands),
 * `max_uses` at most `research.maxUses`.
 */
const holdWeb: ToolRules['holdWeb'] = (body, web, policy) => {
  const allowed = [...policy.allowedDomains];
  const blocked = [...policy.blockedDomains];
  const tools = body.tools as unknown[];
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
};

export const ANTHROPIC: ProviderKit = {
  // `?beta=true` is how Anthropic's SDK marks beta calls.
  routes: {
    '/v1/messages': { kind: 'messages', upstreamPath: '/v1/messages' },
    '/v1/messages/count_tokens': {
      kind: 'count_tokens',
      upstreamPath: '/v1/messages/count_tokens',
    },
  },
  query: 'beta=true',
  headers: ['anthropic-version', 'anthropic-beta'],
  headerProblem,
  errorBody: (type, message) => ({ type: 'error', error: { type, message } }),
  upstream: anthropicUpstream,
  missingCredential:
    'no Anthropic credential: set the repository secret ANTHROPIC_API_KEY and pass it to the agent job, or use workload identity federation (docs/security.md, "The model key")',
  content: ANTHROPIC_REQUEST_CONTENT,
  // Fast mode (`speed`, several times the price) and US-only inference (`inference_geo`, a tenth more).
  pricedOptions: {
    service_tier: ['auto', 'standard_only'],
    speed: ['standard'],
    inference_geo: ['global'],
  },
  tools: {
    // A tool with no type is one of the client's own.
    typeOf: (tool) => (typeof tool.type === 'string' ? tool.type : 'custom'),
    isClient: (type) => CLIENT_TOOL.test(type),
    isWeb: (type) => WEB_TOOL.test(type),
    holdWeb,
  },
  outputCap: 'max_tokens',
  cacheAsked,
  capOutput: capMessagesOutput,
  usage: readAnthropicUsage,
  prices: PROVIDER_PRICES.anthropic,
};

function headerProblem(headers: IncomingHttpHeaders): string | null {
  const value = headers['anthropic-beta'];
  const betas = (Array.isArray(value) ? value.join(',') : (value ?? ''))
    .split(',')
    .map((beta) => beta.trim());
  const priced = betas.find((beta) => PRICED_BETAS.some((pattern) => pattern.test(beta)));
  if (!priced) return null;
  return `anthropic-beta: ${priced.slice(0, 100)} bills input past 200,000 tokens at a premium the model proxy does not meter; it does not let the beta through (a model whose context window is a million tokens without it needs none)`;
}

/** The key, or a federation rule's token; what is missing, in modelAuth's own words where it has them. */
function anthropicUpstream(
  env: SessionEnv,
  fetchImpl: typeof globalThis.fetch,
): Upstream | { missing: string } {
  let auth: ReturnType<typeof modelAuth>;
  try {
    auth = modelAuth(env, fetchImpl);
  } catch (error) {
    if (error instanceof ModelAuthError) return { missing: error.message };
    throw error;
  }
  const baseUrl = env.ANTHROPIC_BASE_URL ?? ANTHROPIC_API;
  const { apiKey, credentials } = auth;
  if (typeof apiKey === 'string') {
    return {
      provider: 'anthropic',
      baseUrl,
      auth: async (headers) => ({ ...headers, 'x-api-key': apiKey }),
    };
  }
  if (!credentials) return { missing: ANTHROPIC.missingCredential };
  const cache = new TokenCache(credentials);
  return {
    provider: 'anthropic',
    baseUrl,
    auth: async (headers) => {
      const asked = headers['anthropic-beta']?.split(',').map((beta) => beta.trim()) ?? [];
      return {
        ...headers,
        authorization: `Bearer ${await cache.getToken()}`,
        'anthropic-beta': [...new Set([...asked.filter(Boolean), OAUTH_BETA])].join(','),
      };
    },
  };
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
