import {
  costOf,
  type ModelPrices,
  PROVIDER_PRICES,
  type PriceTable,
} from '../../../core/vocabulary/pricing.js';
import type { ProviderKit, RequestContent } from '../engines/provider-kit.js';
import type { UsageMeter } from '../model/usage-meter.js';

/**
 * The model proxy's requests under way (docs/security.md, "Engines"): at most
 * a few at once, the rest waiting their turn (and beyond a queue, refused),
 * each holding a place from before its body is read until its answer has
 * been read to the end and metered. A metered request also holds what it may
 * cost (`estimateCost`) while it runs, so that requests sent together cannot
 * each pass the budget's check on the spend of before any of them: one is let
 * through only while the spend so far plus what those under way may cost is
 * within the limits, else it waits for them to end. A request whose cost its
 * body does not bound (`Estimate.bounded`) starts only when none is under
 * way, holding its worst case.
 */
export interface Reservation {
  usd: number;
  tokens: number;
  turns: number;
}

export class RequestsInFlight {
  private running = 0;
  private readonly queue: (() => void)[] = [];
  private watchers: (() => void)[] = [];
  readonly reserved: Reservation = { usd: 0, tokens: 0, turns: 0 };
  private readonly max: number;
  private readonly maxWaiting: number;

  constructor(max: number, maxWaiting: number) {
    this.max = max;
    this.maxWaiting = maxWaiting;
  }

  /** Takes a place, once one is free; false (at once) when too many wait already. */
  async enter(): Promise<boolean> {
    if (this.running < this.max) {
      this.running++;
      return true;
    }
    if (this.queue.length >= this.maxWaiting) return false;
    // The place is handed over by `leave`: `running` stays as it is.
    await new Promise<void>((resolve) => this.queue.push(resolve));
    return true;
  }

  /** Gives the place back: to the first in the queue, or free. */
  leave(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.running--;
    this.changed();
  }

  /** Holds what a request may cost while it runs; the function gives it back, once. */
  reserve(estimate: Reservation): () => void {
    this.add(estimate, 1);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.add(estimate, -1);
      this.changed();
    };
  }

  /** Whether any request under way holds a reservation. */
  holding(): boolean {
    return this.reserved.turns > 0;
  }

  /** Resolves when a request ends or gives back its reservation. */
  next(): Promise<void> {
    return new Promise((resolve) => this.watchers.push(resolve));
  }

  private add(estimate: Reservation, sign: 1 | -1): void {
    this.reserved.usd += sign * estimate.usd;
    this.reserved.tokens += sign * estimate.tokens;
    this.reserved.turns += sign * estimate.turns;
  }

  private changed(): void {
    const watchers = this.watchers;
    this.watchers = [];
    for (const watcher of watchers) watcher();
  }
}

/** The meter as it would read if every request under way cost what it holds. */
export function withReserved(meter: UsageMeter, reserved: Reservation): UsageMeter {
  return {
    ...meter,
    cost_usd: meter.cost_usd + reserved.usd,
    input_tokens: meter.input_tokens + reserved.tokens,
    turns: meter.turns + reserved.turns,
  };
}

/** Output tokens assumed of a request that sets no cap (OpenAI's `max_output_tokens` is optional). */
const UNCAPPED_OUTPUT_TOKENS = 128_000;
/** No request's output is counted above this (the APIs refuse far less). */
const MAX_COUNTED_OUTPUT_TOKENS = 1_000_000;
/** The most input a request can bill: the largest context window of the models Baton prices (about a million tokens). */
export const MAX_CONTEXT_TOKENS = 1_100_000;

/** What a request may cost, and whether its body bounds that. */
export interface Estimate extends Reservation {
  /**
   * False when the request carries what its bytes do not bound (a document:
   * its pages once uncompressed): it is counted at the whole context a model
   * can take, and runs only when no other request is under way.
   */
  bounded: boolean;
  /** Of `usd`, what its input may cost: all of it bar the output. */
  inputUsd: number;
  /** What each token of output costs at most (the long-context price where the input reaches it). */
  outputUsdPerToken: number;
  /** The output tokens `usd` counts: the request's cap, or `UNCAPPED_OUTPUT_TOKENS`. */
  outputTokens: number;
}

/**
 * What one request may cost, at the model's own price (pricing.ts: an older,
 * dearer model at its own): every byte of its body as an input token at the
 * full input price, or as a one-hour cache write (twice input) when the body
 * asks for an hour's cache anywhere (a token of text is at least a byte, so
 * for text this is more than the provider bills), each inline image at the
 * most tokens its provider bills one (its kit's `content.imageTokens`), and its
 * output cap (its kit's `outputCap`: `max_tokens`, OpenAI's `max_output_tokens`)
 * of output at the output price. A body that asks for a five-minute cache
 * anywhere (on a provider that bills cache writes: its kit's `cacheAsked`)
 * counts its input as cache writes, a quarter dearer. So no answer of a
 * provider that bills no more tokens than the request's bytes (and its
 * images) costs more than this.
 * A request with a document is counted at the largest context any model
 * takes, since its bytes do not bound its pages. Nothing else the provider
 * could bill passes the proxy (request-content.ts: no stored context, nothing
 * fetched by address); the provider's web tools are held to `research.*`.
 */
export function estimateCost(
  kit: Pick<ProviderKit, 'outputCap' | 'cacheAsked' | 'content'>,
  body: Record<string, unknown>,
  bytes: number,
  prices: ModelPrices,
  content: RequestContent = { images: 0, documents: 0 },
  table: PriceTable = PROVIDER_PRICES,
): Estimate {
  const cap = body[kit.outputCap];
  const output =
    typeof cap === 'number' && Number.isFinite(cap) && cap > 0
      ? Math.min(Math.ceil(cap), MAX_COUNTED_OUTPUT_TOKENS)
      : UNCAPPED_OUTPUT_TOKENS;
  const model = typeof body.model === 'string' ? body.model : '';
  const bounded = content.documents === 0;
  const input = bounded
    ? bytes + content.images * kit.content.imageTokens
    : Math.max(bytes, MAX_CONTEXT_TOKENS);
  // Every token as input, or as a cache write (five minutes' or an hour's) where the body asks for one anywhere.
  const cache = kit.cacheAsked(body);
  const written = cache === 'none' ? 0 : input;
  const priced = (outputTokens: number) =>
    costOf(
      model,
      {
        input_tokens: input - written,
        output_tokens: outputTokens,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: written,
        cache_creation_1h_input_tokens: cache === 'long' ? written : 0,
      },
      prices,
      table,
    ) ?? 0;
  const usd = priced(output);
  const inputUsd = priced(0);
  return {
    usd,
    tokens: input + output,
    turns: 1,
    bounded,
    inputUsd,
    outputUsdPerToken: (usd - inputUsd) / output,
    outputTokens: output,
  };
}
