/**
 * What a provider is to a session (AGENTS.md, "How to add an engine"): the
 * model proxy's routes to its API, the credential it adds, what it checks,
 * strips and caps in each request, how it reads the tokens of each answer and
 * at what prices. One kit a provider, listed in provider-registry.ts by the
 * provider's name; the proxy reads every difference between providers from
 * here and asks none which one it is.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ProviderPrices } from '../../../core/vocabulary/pricing.js';
import type { SessionEnv } from '../../env.js';
import type { AppliedEdits, ResponseUsage } from '../model/usage-meter.js';

/** Where the model proxy sends a provider's requests, and the credential it adds. */
export interface Upstream {
  /** The provider's name (a key of the registry). */
  provider: string;
  /** `https://api.anthropic.com`, `https://api.openai.com/v1`, or the repository's own endpoint. */
  baseUrl: string;
  /** One request's headers (those the proxy passes on) with the credential added, and what it needs with it. */
  auth(headers: Readonly<Record<string, string>>): Promise<Record<string, string>>;
}

/** `messages` and `responses` are metered and count as turns; `count_tokens` is free. */
export type RouteKind = 'messages' | 'count_tokens' | 'responses';

/** What a request's content holds, once it passed. */
export interface RequestContent {
  /** Inline images, each billed at most its provider's `imageTokens`. */
  images: number;
  /** Inline documents, whose cost their bytes do not bound. */
  documents: number;
}

/** `research.*` of the config: what every web tool the proxy lets through is held to. */
export interface WebPolicy {
  allowedDomains: readonly string[];
  blockedDomains: readonly string[];
  maxUses: number;
}

/** What one answer carried, once read to its end. */
export interface ReadUsage {
  model: string;
  usage: ResponseUsage;
  edits: AppliedEdits | null;
}

/** The reading of one answer: its events as they stream, or its whole JSON. */
export interface UsageReading {
  /** One event's data, parsed. */
  event(data: unknown): void;
  /** A whole JSON answer. */
  json(body: unknown): void;
  result(): ReadUsage | null;
}

/** What the model proxy lets into a request of a provider, and what it holds (request-content.ts). */
export interface ContentRules {
  /** The provider's API, as a refusal names it. */
  api: string;
  /** The request's fields that pass. */
  fields: ReadonlySet<string>;
  /** Why its parts are refused, or null, counting the images and documents it holds. */
  problem(body: Record<string, unknown>, web: boolean, count: RequestContent): string | null;
  /** The most input tokens one image bills, whatever its size. */
  imageTokens: number;
}

/** How a provider's tools are told apart: those the client runs, and its web tools. */
export interface ToolRules {
  /** A tool's type; a tool that names none is the client's own on some APIs. */
  typeOf(tool: Record<string, unknown>): string;
  /** Whether the client runs it itself (its own functions, bash, the editor …). */
  isClient(type: string, tool: Record<string, unknown>): boolean;
  /** Whether it is the provider's web search or fetch, which run on its side. */
  isWeb(type: string): boolean;
  /**
   * The body with its web tools (`web`, of `body.tools`) held to `policy`:
   * domains and uses overwritten, or the tool taken out where it cannot be held.
   */
  holdWeb(
    body: Record<string, unknown>,
    web: readonly unknown[],
    policy: WebPolicy,
  ): Record<string, unknown>;
}

export interface ProviderKit {
  /** The paths the proxy serves for it (POST only), and where each goes under its base URL. */
  routes: Readonly<Record<string, { kind: RouteKind; upstreamPath: string }>>;
  /** The one query its clients add that is passed on (`beta=true`), or null for none. */
  query: string | null;
  /** Request headers of its API the proxy passes on, beside `content-type`, `accept`, `user-agent`. */
  headers: readonly string[];
  /** Why a request's headers are refused (a beta billed past the meter), or null. */
  headerProblem(headers: IncomingHttpHeaders): string | null;
  /** A refusal in its API's error shape, so an engine reports it as it would the provider's. */
  errorBody(type: string, message: string): unknown;
  /** Its upstream for a session, or what to set where the session has no credential for it. */
  upstream(env: SessionEnv, fetchImpl: typeof globalThis.fetch): Upstream | { missing: string };
  /** What a session on it needs set, for a refusal of a request the session has no credential for. */
  missingCredential: string;
  /** The request's fields and message parts that pass. */
  content: ContentRules;
  /** Options allowed only at the values that bill at list price (`service_tier`, `speed` …). */
  pricedOptions: Readonly<Record<string, readonly unknown[]>>;
  tools: ToolRules;
  /** The field of a request that caps its output tokens. */
  outputCap: string;
  /** The longest cache a body asks for anywhere (an hour's writes cost more); `none` where it bills none. */
  cacheAsked(body: unknown): 'none' | '5m' | 'long';
  /**
   * The body with its output cap lowered to `outputTokens`, and whatever
   * must stay below the cap with it; null when nothing it takes fits.
   */
  capOutput(body: Record<string, unknown>, outputTokens: number): Record<string, unknown> | null;
  /** A reading of one successful answer's usage; `model` is the one the request named. */
  usage(model: string): UsageReading;
  /** Its price list (PROVIDER_PRICES of src/core/vocabulary/pricing.ts, for the built-in ones). */
  prices: ProviderPrices;
}

/** The providers a session knows, by name: PROVIDER_KITS, or more in a test. */
export type ProviderRegistry = Readonly<Record<string, ProviderKit>>;
