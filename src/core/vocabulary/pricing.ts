/**
 * List prices in US dollars per million tokens, by model family: the one price
 * table of Baton. Sessions price their usage with it (src/session/agent/model/usage-meter.ts)
 * and the app prices a plan's estimate with it (src/core/snapshot/estimate.ts). The family is
 * found in the model id, so new versions of a family are priced without a change
 * here. Any other model id needs its price in `models.prices` of `.github/baton.yml`
 * (`ModelPrices`): the config refuses a model it cannot price, so the budget never counts one as free.
 */
export interface ModelPrice {
  family: 'opus' | 'sonnet' | 'haiku';
  inputPerMillion: number;
  outputPerMillion: number;
}

/** Where the prices below come from, and when they were read there. */
export const PRICE_SOURCE = {
  url: 'https://docs.anthropic.com/en/docs/about-claude/pricing',
  checked: '2026-11-22',
} as const;

const PRICES: readonly ModelPrice[] = [
  { family: 'opus', inputPerMillion: 5, outputPerMillion: 25 },
  { family: 'sonnet', inputPerMillion: 3, outputPerMillion: 15 },
  { family: 'haiku', inputPerMillion: 1, outputPerMillion: 5 },
];

/** Where the OpenAI prices below come from (the models Codex calls), and when. */
export const OPENAI_PRICE_SOURCE = {
  url: 'https://developers.openai.com/api/docs/pricing',
  checked: '2026-11-24',
} as const;

/**
 * OpenAI models by exact id (or the id with a release date, `gpt-5.5-2026-04-23`):
 * unlike the Claude families, a suffix there is another model at another price
 * (`gpt-5.5-pro`). Cached input costs a tenth of input, as Anthropic's cache
 * reads; there is no charge for writing the cache. Reasoning tokens are output.
 */
const OPENAI_PRICES: Readonly<
  Record<string, { inputPerMillion: number; outputPerMillion: number }>
> = {
  'gpt-5.5': { inputPerMillion: 5, outputPerMillion: 30 },
};

/** Cache reads cost a tenth of input; cache writes (5-minute) a quarter more. */
const CACHE_READ_FACTOR = 0.1;
const CACHE_WRITE_FACTOR = 1.25;

/**
 * Web search, a server tool, is billed per search on top of tokens: $10 per
 * 1,000 searches (same source). Web fetch costs only the tokens it adds.
 * Thinking tokens are output tokens and priced as such.
 */
export const WEB_SEARCH_USD_PER_THOUSAND = 10;

/** The tokens of one response, as the Messages API reports them. */
export interface TokenCounts {
  input_tokens: number;
  /** Thinking included: the API bills thinking as output. */
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  /** `usage.server_tool_use.web_search_requests`. */
  web_search_requests?: number;
}

/** Prices the config gives, by exact model id: US dollars per million input and output tokens. */
export type ModelPrices = Readonly<Record<string, { input: number; output: number }>>;

/** The price of a model id: the config's own for that id first, then the table's family; null when neither. */
export function findModelPrice(
  model: string,
  prices: ModelPrices = {},
): Pick<ModelPrice, 'inputPerMillion' | 'outputPerMillion'> | null {
  const own = Object.hasOwn(prices, model) ? prices[model] : undefined;
  if (own) return { inputPerMillion: own.input, outputPerMillion: own.output };
  const id = model.toLowerCase();
  const undated = id.replace(/-\d{4}-\d{2}-\d{2}$/, '');
  if (Object.hasOwn(OPENAI_PRICES, undated)) return OPENAI_PRICES[undated] ?? null;
  return PRICES.find((price) => id.includes(price.family)) ?? null;
}

/** What the tokens cost in US dollars; null when the model has no known price. */
export function costOf(
  model: string,
  tokens: TokenCounts,
  prices: ModelPrices = {},
): number | null {
  const price = findModelPrice(model, prices);
  if (!price) return null;
  const input =
    tokens.input_tokens +
    tokens.cache_read_input_tokens * CACHE_READ_FACTOR +
    tokens.cache_creation_input_tokens * CACHE_WRITE_FACTOR;
  const searches = ((tokens.web_search_requests ?? 0) * WEB_SEARCH_USD_PER_THOUSAND) / 1000;
  return (
    (input * price.inputPerMillion + tokens.output_tokens * price.outputPerMillion) / 1e6 + searches
  );
}
