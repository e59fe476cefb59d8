import type { Provider } from './provider-names.js';

/**
 * List prices in US dollars per million tokens, by provider and model family:
 * the one price table of Baton (PROVIDER_PRICES, an entry a provider). Sessions
 * price their usage with it (src/session/agent/model/usage-meter.ts, with the
 * price lists of the model proxy's providers) and the app prices a plan's estimate with it (src/core/snapshot/estimate.ts). The family is
 * found in the model id, so new versions of a family are priced without a change
 * here; the older models of a family that cost more than its current price (Opus 4
 * and 4.1, Claude 3 Opus) or less (the Claude 3 Haikus) are priced by their own id
 * first (`OLDER_MODELS`). Any other model id needs its price in `models.prices` of
 * `.github/baton.yml` (`ModelPrices`): the config refuses a model it cannot price, so
 * the budget never counts one as free. Newer models priced below their family
 * (Opus 5.5, Sonnet 5 and 5.5, Haiku 5.5) count at the family's price, more than
 * they cost.
 */
export interface ModelPrice {
  family: 'opus' | 'sonnet' | 'haiku';
  inputPerMillion: number;
  outputPerMillion: number;
}

/** Where the prices below come from, and when they were read there. */
const PRICE_SOURCE = {
  url: 'https://docs.anthropic.com/en/docs/about-claude/pricing',
  checked: '2026-11-25',
} as const;

const PRICES: readonly ModelPrice[] = [
  { family: 'opus', inputPerMillion: 5, outputPerMillion: 25 },
  { family: 'sonnet', inputPerMillion: 3, outputPerMillion: 15 },
  { family: 'haiku', inputPerMillion: 1, outputPerMillion: 5 },
];

/**
 * Older models of a family whose list price is not the family's, by id prefix,
 * looked up before the family: an id matches a prefix when it is the prefix, or
 * goes on with a date or another suffix after a `-` or `@`
 * (`claude-opus-4-1-20250805`, never `claude-opus-4-10`). Opus 4 and 4.1 and
 * Claude 3 Opus cost three times the family's price; the Claude 3 Haikus less.
 */
const OLDER_MODELS: readonly (Pick<ModelPrice, 'inputPerMillion' | 'outputPerMillion'> & {
  prefix: string;
})[] = [
  { prefix: 'claude-opus-4-1', inputPerMillion: 15, outputPerMillion: 75 },
  // Opus 4: its alias, and its one dated id.
  { prefix: 'claude-opus-4-0', inputPerMillion: 15, outputPerMillion: 75 },
  { prefix: 'claude-opus-4-20250514', inputPerMillion: 15, outputPerMillion: 75 },
  { prefix: 'claude-3-opus', inputPerMillion: 15, outputPerMillion: 75 },
  { prefix: 'claude-3-5-haiku', inputPerMillion: 0.8, outputPerMillion: 4 },
  { prefix: 'claude-3-haiku', inputPerMillion: 0.25, outputPerMillion: 1.25 },
];

/** Where the OpenAI prices below come from (the models Codex calls), and when. */
const OPENAI_PRICE_SOURCE = {
  url: 'https://developers.openai.com/api/docs/pricing',
  checked: '2026-11-24',
} as const;

/**
 * A request whose input (cached or not) passes `aboveInputTokens` is billed
 * whole at these multiples of the model's prices, with no option or header
 * that asks for it: the model proxy cannot refuse it, so the meter prices it.
 */
interface LongContextPrice {
  aboveInputTokens: number;
  inputFactor: number;
  outputFactor: number;
}

/** A model's list price, and its long-context price where it has one. */
export type ListPrice = Pick<ModelPrice, 'inputPerMillion' | 'outputPerMillion'> & {
  longContext?: LongContextPrice;
};

/**
 * OpenAI models by exact id (or the id with a release date, `gpt-5.5-2026-04-23`):
 * unlike the Claude families, a suffix there is another model at another price
 * (`gpt-5.5-pro`). Cached input costs a tenth of input, as Anthropic's cache
 * reads; there is no charge for writing the cache. Reasoning tokens are output.
 * GPT-5.5 bills a prompt of more than 272K input tokens at twice input and one
 * and a half times output for the whole request (OpenAI's pricing page, as
 * trackers of it quote it; were it not so, such a request would count at more
 * than it costs, never less).
 */
const OPENAI_PRICES: Readonly<Record<string, ListPrice>> = {
  'gpt-5.5': {
    inputPerMillion: 5,
    outputPerMillion: 30,
    longContext: { aboveInputTokens: 272_000, inputFactor: 2, outputFactor: 1.5 },
  },
};

/**
 * Cache reads cost a tenth of input; cache writes a quarter more for five
 * minutes (the default), twice input for an hour (`cache_control.ttl: "1h"`).
 */
const CACHE_READ_FACTOR = 0.1;
const CACHE_WRITE_FACTOR = 1.25;
const CACHE_WRITE_1H_FACTOR = 2;

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
  /** Every cache write, five-minute and one-hour alike. */
  cache_creation_input_tokens: number;
  /**
   * Of `cache_creation_input_tokens`, those written for an hour
   * (`usage.cache_creation.ephemeral_1h_input_tokens`), billed at twice input.
   */
  cache_creation_1h_input_tokens?: number;
  /** `usage.server_tool_use.web_search_requests`. */
  web_search_requests?: number;
}

/** Prices the config gives, by exact model id: US dollars per million input and output tokens. */
export type ModelPrices = Readonly<Record<string, { input: number; output: number }>>;

/** One provider's price list: where it was read, and the list price of a model id of its own (null for any other). */
export interface ProviderPrices {
  source: { url: string; checked: string };
  price(id: string): ListPrice | null;
}

/** The price lists to look a model up in, by provider (PROVIDER_PRICES, or more in a test). */
export type PriceTable = Readonly<Record<string, ProviderPrices>>;

/** A Claude model: an older one by its prefix, any other by its family. */
function claudePrice(id: string): ListPrice | null {
  const older = OLDER_MODELS.find(
    ({ prefix }) =>
      id === prefix || (id.startsWith(prefix) && /^[-@]/.test(id.slice(prefix.length))),
  );
  return older ?? PRICES.find((price) => id.includes(price.family)) ?? null;
}

/** An OpenAI model by its exact id, or that id with a release date. */
function openAiPrice(id: string): ListPrice | null {
  const undated = id.replace(/-\d{4}-\d{2}-\d{2}$/, '');
  return Object.hasOwn(OPENAI_PRICES, undated) ? (OPENAI_PRICES[undated] ?? null) : null;
}

/**
 * The model ids the price lists name one by one: the older Claude models and
 * OpenAI's; what a "did you mean" for an unpriced id picks from, with the
 * default models (src/core/config/model-settings.ts).
 */
export const LISTED_MODEL_IDS: readonly string[] = [
  ...OLDER_MODELS.map(({ prefix }) => prefix),
  ...Object.keys(OPENAI_PRICES),
];

/**
 * Each provider's price list. No model id of one list is priced by
 * another's (OpenAI's ids name no Claude family), so the order they are
 * looked in does not change a price.
 */
export const PROVIDER_PRICES = {
  anthropic: { source: PRICE_SOURCE, price: claudePrice },
  openai: { source: OPENAI_PRICE_SOURCE, price: openAiPrice },
} as const satisfies Record<Provider, ProviderPrices>;

/**
 * The price of a model id: the config's own for that id first, then the
 * first of `table`'s price lists that prices it (lower-cased); null when none.
 */
export function findModelPrice(
  model: string,
  prices: ModelPrices = {},
  table: PriceTable = PROVIDER_PRICES,
): ListPrice | null {
  const own = Object.hasOwn(prices, model) ? prices[model] : undefined;
  if (own) return { inputPerMillion: own.input, outputPerMillion: own.output };
  const id = model.toLowerCase();
  for (const list of Object.values(table)) {
    const price = list.price(id);
    if (price) return price;
  }
  return null;
}

/** What the tokens cost in US dollars; null when the model has no known price. */
export function costOf(
  model: string,
  tokens: TokenCounts,
  prices: ModelPrices = {},
  table: PriceTable = PROVIDER_PRICES,
): number | null {
  const price = findModelPrice(model, prices, table);
  if (!price) return null;
  const writes = Math.max(0, tokens.cache_creation_input_tokens);
  const hourWrites = Math.min(writes, Math.max(0, tokens.cache_creation_1h_input_tokens ?? 0));
  const input =
    tokens.input_tokens +
    tokens.cache_read_input_tokens * CACHE_READ_FACTOR +
    (writes - hourWrites) * CACHE_WRITE_FACTOR +
    hourWrites * CACHE_WRITE_1H_FACTOR;
  const searches = ((tokens.web_search_requests ?? 0) * WEB_SEARCH_USD_PER_THOUSAND) / 1000;
  const long = price.longContext;
  const prompt = tokens.input_tokens + tokens.cache_read_input_tokens + writes;
  const [inputFactor, outputFactor] =
    long && prompt > long.aboveInputTokens ? [long.inputFactor, long.outputFactor] : [1, 1];
  return (
    (input * price.inputPerMillion * inputFactor +
      tokens.output_tokens * price.outputPerMillion * outputFactor) /
      1e6 +
    searches
  );
}
