import type { Usage } from '../../../core/records/completion.js';
import {
  costOf,
  type ModelPrices,
  PROVIDER_PRICES,
  type PriceTable,
  type TokenCounts,
} from '../../../core/vocabulary/pricing.js';

/** What a session has spent so far; the loop adds every response to it. */
export interface UsageMeter {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  cost_usd: number;
  turns: number;
  /** Of the output tokens, those spent thinking. */
  thinking_tokens: number;
  web_search_requests: number;
  web_fetch_requests: number;
  /** Input tokens the API's context management cleared, and how many times it did. */
  cleared_input_tokens: number;
  context_edits: number;
  /** Tool calls by name, for the job summary. */
  tools: Map<string, number>;
  /** Models that answered but have no price: their tokens cost 0 here. */
  unpriced: Set<string>;
  /** The config's own prices (`models.prices`), set once the config is read. */
  prices: ModelPrices;
  /**
   * The most a request like the latest would cost with the few output tokens
   * of a hand-in (`HAND_IN_OUTPUT_TOKENS`): its input at its worst, from its
   * bytes (the model proxy sets it as it forwards each request). The
   * wind-down keeps room for three such requests (`windDownLimit`).
   */
  hand_in_request_usd: number;
  /**
   * What the dearest answer so far cost: turns grow dearer as the context
   * grows, so the wind-down reads it beside their average (an engine's small
   * side requests, a title or a quota check, leave it alone).
   */
  dearest_turn_usd: number;
}

/** The usage block of a response; the cache fields may be missing or null. */
export interface ResponseUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number | null;
  /** Every cache write, five-minute and one-hour alike. */
  cache_creation_input_tokens?: number | null;
  /** The cache writes by how long they last; one-hour writes cost more (pricing.ts). */
  cache_creation?: {
    ephemeral_5m_input_tokens?: number | null;
    ephemeral_1h_input_tokens?: number | null;
  } | null;
  /** Beta API: how many of the output tokens were thinking. */
  output_tokens_details?: { thinking_tokens: number } | null;
  /** Beta API: server tools the provider ran for this response. */
  server_tool_use?: { web_search_requests: number; web_fetch_requests: number } | null;
}

/** What the API's context management did for one request (`context_management.applied_edits`). */
export interface AppliedEdits {
  applied_edits: readonly { type: string; cleared_input_tokens?: number }[];
}

/** A meter at zero, for a session about to start. */
export function createUsageMeter(): UsageMeter {
  return {
    input_tokens: 0,
    output_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation_input_tokens: 0,
    cost_usd: 0,
    turns: 0,
    thinking_tokens: 0,
    web_search_requests: 0,
    web_fetch_requests: 0,
    cleared_input_tokens: 0,
    context_edits: 0,
    tools: new Map(),
    unpriced: new Set(),
    prices: {},
    hand_in_request_usd: 0,
    dearest_turn_usd: 0,
  };
}

/** Adds one model response to the meter, priced by the config's prices, then `table`'s. */
export function recordResponse(
  meter: UsageMeter,
  model: string,
  usage: ResponseUsage,
  edits?: AppliedEdits | null,
  table: PriceTable = PROVIDER_PRICES,
): void {
  const fiveMinutes = usage.cache_creation?.ephemeral_5m_input_tokens ?? 0;
  const hour = usage.cache_creation?.ephemeral_1h_input_tokens ?? 0;
  const tokens: TokenCounts = {
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    cache_read_input_tokens: usage.cache_read_input_tokens ?? 0,
    // The total is the sum of the two; never less than it, whatever an answer says.
    cache_creation_input_tokens: Math.max(
      usage.cache_creation_input_tokens ?? 0,
      fiveMinutes + hour,
    ),
    cache_creation_1h_input_tokens: hour,
    web_search_requests: usage.server_tool_use?.web_search_requests ?? 0,
  };
  meter.thinking_tokens += usage.output_tokens_details?.thinking_tokens ?? 0;
  meter.web_search_requests += tokens.web_search_requests ?? 0;
  meter.web_fetch_requests += usage.server_tool_use?.web_fetch_requests ?? 0;
  for (const edit of edits?.applied_edits ?? []) {
    meter.context_edits += 1;
    meter.cleared_input_tokens += edit.cleared_input_tokens ?? 0;
  }
  meter.input_tokens += tokens.input_tokens;
  meter.output_tokens += tokens.output_tokens;
  meter.cache_read_input_tokens += tokens.cache_read_input_tokens;
  meter.cache_creation_input_tokens += tokens.cache_creation_input_tokens;
  meter.turns += 1;
  const cost = costOf(model, tokens, meter.prices, table);
  if (cost === null) meter.unpriced.add(model);
  else meter.cost_usd += cost;
  meter.dearest_turn_usd = Math.max(meter.dearest_turn_usd, cost ?? 0);
}

/** Every token the session has sent or received, cached or not. */
export function totalTokens(meter: UsageMeter): number {
  return (
    meter.input_tokens +
    meter.output_tokens +
    meter.cache_read_input_tokens +
    meter.cache_creation_input_tokens
  );
}

/** The meter as the `usage` of a result or completion. */
export function toUsage(meter: UsageMeter, seconds: number): Usage {
  return {
    input_tokens: meter.input_tokens,
    output_tokens: meter.output_tokens,
    cache_read_input_tokens: meter.cache_read_input_tokens,
    cache_creation_input_tokens: meter.cache_creation_input_tokens,
    // Rounded to a millionth of a dollar so that reports do not show float noise.
    cost_usd: Math.round(meter.cost_usd * 1e6) / 1e6,
    turns: meter.turns,
    seconds: Math.max(0, Math.round(seconds * 10) / 10),
    thinking_tokens: meter.thinking_tokens,
    web_search_requests: meter.web_search_requests,
    web_fetch_requests: meter.web_fetch_requests,
    cleared_input_tokens: meter.cleared_input_tokens,
  };
}

/** Adds two usages: a worker's earlier sessions and this one. */
export function addUsage(a: Usage, b: Usage): Usage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    cache_read_input_tokens: a.cache_read_input_tokens + b.cache_read_input_tokens,
    cache_creation_input_tokens: a.cache_creation_input_tokens + b.cache_creation_input_tokens,
    cost_usd: Math.round((a.cost_usd + b.cost_usd) * 1e6) / 1e6,
    turns: a.turns + b.turns,
    seconds: Math.round((a.seconds + b.seconds) * 10) / 10,
    thinking_tokens: (a.thinking_tokens ?? 0) + (b.thinking_tokens ?? 0),
    web_search_requests: (a.web_search_requests ?? 0) + (b.web_search_requests ?? 0),
    web_fetch_requests: (a.web_fetch_requests ?? 0) + (b.web_fetch_requests ?? 0),
    cleared_input_tokens: (a.cleared_input_tokens ?? 0) + (b.cleared_input_tokens ?? 0),
  };
}

/** A note for the result's reason when some tokens could not be priced. */
export function describeUnpriced(meter: UsageMeter): string | null {
  if (meter.unpriced.size === 0) return null;
  const models = [...meter.unpriced].join(', ');
  return `cost_usd counts 0 for ${models}: no list price is known for it (see src/core/vocabulary/pricing.ts)`;
}
