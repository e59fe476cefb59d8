import type { IncomingHttpHeaders } from 'node:http';
import type { Config } from '../../../core/config/config.js';
import { MODEL_KINDS } from '../../../core/config/model-settings.js';
import { providerModel } from '../../../core/sessions/providers.js';
import {
  findModelPrice,
  type ModelPrices,
  PROVIDER_PRICES,
  type PriceTable,
} from '../../../core/vocabulary/pricing.js';
import { PROVIDERS } from '../../../core/vocabulary/provider-names.js';
import type {
  ProviderKit,
  ProviderRegistry,
  RequestContent,
  RouteKind,
  WebPolicy,
} from '../engines/provider-kit.js';
import { PROVIDER_KITS, providerKit } from '../engines/provider-registry.js';
import { readRequestContent } from './request-content.js';

export type { WebPolicy } from '../engines/provider-kit.js';
export { asksLongCache, cacheAsked } from '../engines/providers/anthropic.js';

/**
 * What the model proxy lets through: the model endpoints the engines call and
 * nothing else of the providers' APIs (no files, batches, admin, models
 * listing, organisation or key management), the request headers those need,
 * no tool that the provider runs on its side unless the session may use the
 * web (and then only within `research.*`), no model but the config's (and
 * none of those Baton cannot price), no option that bills past what the
 * meter reads, and only the fields and message parts request-content.ts
 * lists (nothing the provider fetches, stores or runs). Everything else is
 * refused before it leaves the machine. What differs between providers (their
 * paths, headers, priced options, tools, fields) is each one's kit
 * (src/session/agent/engines/provider-registry.ts): nothing here asks which
 * provider a request is for.
 */

/**
 * The models a session may call: every model `models` of `.github/baton.yml`
 * names (plan, easy, normal, complex, review, for each provider: the same
 * under `openai` for Codex), every model it prices (`models.prices`) and the others it `names`
 * (`verification.validation.model`, which must have a price), by exact id. Any
 * other model, an older and dearer one of a family included, is refused: the
 * meter prices exactly these.
 */
export function sessionModels(
  models: Config['models'],
  names: readonly (string | undefined)[] = [],
): ReadonlySet<string> {
  return new Set([
    ...PROVIDERS.flatMap((provider) =>
      MODEL_KINDS.map((kind) => providerModel(models, provider, kind)),
    ),
    ...Object.keys(models.prices),
    ...names.filter((name): name is string => name !== undefined),
  ]);
}

/** One allowed endpoint, of a provider's kit (its `routes`). */
export interface ModelRoute {
  /** The provider's name in the proxy's registry. */
  provider: string;
  kind: RouteKind;
  /** The path appended to the provider's base URL. */
  upstreamPath: string;
}

/**
 * The route of a request, or null when the proxy refuses it: `POST` only, the
 * paths of the registry's kits only, and no query but one a provider's
 * clients add (`?beta=true`, how Anthropic's SDK marks beta calls).
 */
export function findModelRoute(
  method: string | undefined,
  url: string | undefined,
  registry: ProviderRegistry = PROVIDER_KITS,
): ModelRoute | null {
  if (method !== 'POST' || !url) return null;
  const [path = '', query, ...rest] = url.split('?');
  const kits = Object.entries(registry);
  if (rest.length > 0 || (query !== undefined && !kits.some(([, kit]) => kit.query === query)))
    return null;
  for (const [provider, kit] of kits) {
    const route = Object.hasOwn(kit.routes, path) ? kit.routes[path] : undefined;
    if (route) return { provider, ...route };
  }
  return null;
}

/** The kit whose routes a path is under, for a refusal in its API's shape; the registry's first for any other. */
export function kitOfPath(registry: ProviderRegistry, path: string): ProviderKit {
  const kits = Object.values(registry);
  const found = kits.find((kit) => Object.keys(kit.routes).some((route) => path.startsWith(route)));
  return found ?? providerKit(registry, Object.keys(registry)[0] ?? '');
}

/** The path and query the provider gets (the query only where it is the one its kit passes on). */
export function upstreamUrl(
  base: string,
  route: ModelRoute,
  url: string,
  kit: Pick<ProviderKit, 'query'> = providerKit(PROVIDER_KITS, route.provider),
): string {
  const query = url.includes('?') ? url.split('?')[1] : undefined;
  const kept = query !== undefined && query === kit.query ? `?${query}` : '';
  return `${base.replace(/\/+$/, '')}${route.upstreamPath}${kept}`;
}

/** Request headers every provider's requests may carry; each kit adds its API's own. */
const FORWARDED = ['content-type', 'accept', 'user-agent'];

/** The client's headers the provider may see (its key is the proxy's to add). */
export function forwardedHeaders(
  headers: IncomingHttpHeaders,
  registry: ProviderRegistry = PROVIDER_KITS,
): Record<string, string> {
  const passed = new Set([...FORWARDED, ...Object.values(registry).flatMap((kit) => kit.headers)]);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!passed.has(name) || value === undefined) continue;
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
  kit: ProviderKit,
  body: unknown,
  {
    web,
    prices,
    metered,
    models,
    table = PROVIDER_PRICES,
  }: {
    web: boolean;
    prices: ModelPrices;
    metered: boolean;
    models: ReadonlySet<string>;
    /** The price lists of the proxy's providers. */
    table?: PriceTable;
  },
): { problem: string } | { problem: null; content: RequestContent } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { problem: 'the request body is not a JSON object' };
  }
  const fields = body as Record<string, unknown>;
  const problem =
    modelProblem(fields.model, { prices, metered, models, table }) ??
    optionProblem(kit, fields) ??
    toolProblem(kit, fields.tools, web);
  return problem ? { problem } : readRequestContent(kit.content, fields, { web });
}

function modelProblem(
  model: unknown,
  {
    prices,
    metered,
    models,
    table,
  }: { prices: ModelPrices; metered: boolean; models: ReadonlySet<string>; table: PriceTable },
): string | null {
  if (typeof model !== 'string' || model === '') return 'model: the request names no model';
  if (!models.has(model)) {
    const allowed = [...models].map((id) => id.slice(0, 100));
    const named =
      allowed.length > 20 ? [...allowed.slice(0, 20), '…'].join(', ') : allowed.join(', ');
    return `model: ${model.slice(0, 100)} is not one of this session's models (${named}); the model proxy lets through only the models models.* of .github/baton.yml names (plan, easy, normal, complex, review, openai.*, and those models.prices prices)`;
  }
  if (metered && !findModelPrice(model, prices, table)) {
    return `model: ${model.slice(0, 100)} has no price Baton knows, so the session's budget could not count it; use a model of the opus, sonnet or haiku family (gpt-5.5 on Codex) or give its price in models.prices of .github/baton.yml`;
  }
  return null;
}

/**
 * Options that change what an answer costs, or when it is billed, past what
 * the meter reads from its usage (each kit's `pricedOptions`): each is
 * allowed only at the value that bills at list price.
 */
function optionProblem(kit: ProviderKit, fields: Record<string, unknown>): string | null {
  for (const [option, allowed] of Object.entries(kit.pricedOptions)) {
    const value = fields[option];
    if (value === undefined || value === null || allowed.includes(value)) continue;
    return `${option}: ${String(JSON.stringify(value)).slice(0, 100)} bills past what the model proxy meters; it lets through only ${allowed.map((v) => JSON.stringify(v)).join(' or ')}, or the option unset`;
  }
  return null;
}

function toolProblem(kit: ProviderKit, listed: unknown, web: boolean): string | null {
  const tools = Array.isArray(listed) ? (listed as unknown[]) : [];
  for (const tool of tools) {
    const fields = isObject(tool) ? tool : {};
    const type = kit.tools.typeOf(fields);
    if (kit.tools.isClient(type, fields)) continue;
    const isWeb = kit.tools.isWeb(type);
    if (isWeb && web) continue;
    return isWeb
      ? `tools: ${type} runs on the provider's side and reaches the web; only research sessions may use it (research.web in .github/baton.yml)`
      : `tools: ${type || '(no type)'} is a tool the provider runs on its side; the model proxy does not let it through`;
  }
  return null;
}

/**
 * The body with every web tool held to `research.*` (its kit's
 * `tools.holdWeb`), or null when it has none to change. Whatever the client
 * (an engine, or the model's own commands) wrote there is overwritten, so an
 * engine's own web tools keep working within the config's limits. Call it
 * only for a body `judgeBody` let through with the web on.
 */
export function enforceWebPolicy(
  kit: ProviderKit,
  body: Record<string, unknown>,
  policy: WebPolicy,
): Record<string, unknown> | null {
  if (!Array.isArray(body.tools)) return null;
  const web = (body.tools as unknown[]).filter(
    (tool) => isObject(tool) && typeof tool.type === 'string' && kit.tools.isWeb(tool.type),
  );
  return web.length === 0 ? null : kit.tools.holdWeb(body, web, policy);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
