/**
 * OpenAI's Responses API as the model proxy serves it (Codex): its route, its
 * stored key, the options billed past the meter, its tools, its web search
 * held to `research.*`, its output cap, and its usage. It bills no cache
 * writes.
 */
import { PROVIDER_PRICES } from '../../../../core/vocabulary/pricing.js';
import { readOpenAiUsage } from '../../model-proxy/meter-response.js';
import { OPENAI_REQUEST_CONTENT } from '../../model-proxy/request-content.js';
import { capResponsesOutput } from '../../model-proxy/spend-cap.js';
import type { ProviderKit, ToolRules } from '../provider-kit.js';

const OPENAI_API = 'https://api.openai.com/v1';

/** Tools the client runs itself (Codex's functions, its patch grammar, its tool search). */
const CLIENT_TOOLS = new Set(['function', 'custom', 'namespace', 'local_shell']);

/**
 * `web_search` held to `research.*`: `filters.allowed_domains` becomes the
 * config's; the tool has no blocked list, so with `research.blockedDomains`
 * it is taken out of the request; the response's `max_tool_calls` (its only
 * built-in tool is the search) at most `research.maxUses`.
 */
const holdWeb: ToolRules['holdWeb'] = (body, web, policy) => {
  const allowed = [...policy.allowedDomains];
  const tools = body.tools as unknown[];
  const held =
    policy.blockedDomains.length > 0
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
};

export const OPENAI: ProviderKit = {
  // OpenAI's base URL ends in /v1 (https://api.openai.com/v1): the path is appended to it.
  routes: { '/v1/responses': { kind: 'responses', upstreamPath: '/responses' } },
  query: null,
  headers: ['openai-beta'],
  headerProblem: () => null,
  errorBody: (type, message) => ({ error: { message, type, code: 'baton_refused' } }),
  upstream: (env) => {
    const key = env.OPENAI_API_KEY;
    if (!key) return { missing: OPENAI.missingCredential };
    return {
      provider: 'openai',
      baseUrl: env.OPENAI_BASE_URL ?? OPENAI_API,
      auth: async (headers) => ({ ...headers, authorization: `Bearer ${key}` }),
    };
  },
  missingCredential:
    'no OpenAI credential: set the repository secret OPENAI_API_KEY, which the Baton workflow passes to the session step, for sessions on an engine that calls OpenAI (Codex)',
  content: OPENAI_REQUEST_CONTENT,
  // `background` is answered at once, `queued`, with no usage, and generated and billed later;
  // service tiers other than the default bill more (priority).
  pricedOptions: { background: [false], service_tier: ['auto', 'default'] },
  tools: {
    typeOf: (tool) => (typeof tool.type === 'string' ? tool.type : ''),
    isClient: (type, tool) =>
      CLIENT_TOOLS.has(type) ||
      // Codex searches its own deferred tools; a search the provider would run is not this.
      (type === 'tool_search' && tool.execution === 'client'),
    isWeb: (type) => type === 'web_search',
    holdWeb,
  },
  outputCap: 'max_output_tokens',
  cacheAsked: () => 'none',
  capOutput: capResponsesOutput,
  usage: readOpenAiUsage,
  prices: PROVIDER_PRICES.openai,
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
