import type { IncomingHttpHeaders } from 'node:http';
import type { Provider } from '../../../core/sessions/engines.js';

/**
 * What the model proxy lets through: the model endpoints the engines call and
 * nothing else of the providers' APIs (no files, batches, admin, models
 * listing, organisation or key management), the request headers those need,
 * and no tool that the provider runs on its side unless the session may use
 * the web. Everything else is refused before it leaves the machine.
 */

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

/**
 * Why a request body is refused, or null. A tool the provider runs on its
 * side reaches the network from there, past the session's egress rules: web
 * search and fetch only where the session may use the web (research), and
 * never code execution, remote MCP servers, file search or the like.
 */
export function bodyProblem(
  provider: Provider,
  body: unknown,
  { web }: { web: boolean },
): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return 'the request body is not a JSON object';
  }
  const fields = body as Record<string, unknown>;
  if (provider === 'anthropic' && fields.mcp_servers !== undefined) {
    return 'mcp_servers: the model proxy does not let the provider call MCP servers';
  }
  const tools = Array.isArray(fields.tools) ? (fields.tools as Tool[]) : [];
  for (const tool of tools) {
    const type =
      typeof tool?.type === 'string' ? tool.type : provider === 'anthropic' ? 'custom' : '';
    if (
      provider === 'anthropic' ? ANTHROPIC_CLIENT_TOOL.test(type) : isOpenAiClientTool(type, tool)
    ) {
      continue;
    }
    const isWeb = provider === 'anthropic' ? ANTHROPIC_WEB_TOOL.test(type) : type === 'web_search';
    if (isWeb && web) continue;
    return isWeb
      ? `tools: ${type} runs on the provider's side and reaches the web; only research sessions may use it (research.web in .github/baton.yml)`
      : `tools: ${type || '(no type)'} is a tool the provider runs on its side; the model proxy does not let it through`;
  }
  return null;
}

function isOpenAiClientTool(type: string, tool: Tool): boolean {
  if (OPENAI_CLIENT_TOOLS.has(type)) return true;
  // Codex searches its own deferred tools; a search the provider would run is not this.
  return type === 'tool_search' && tool.execution === 'client';
}
