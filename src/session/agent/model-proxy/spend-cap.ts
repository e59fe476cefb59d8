/**
 * The dollar limit as a cap (docs/costs.md, "The dollar limit is a cap"): the
 * model proxy lets a request through only when the most it may cost
 * (`estimateCost`: its input at its worst from its bytes, and its output cap)
 * fits in what the session has left, with what the requests under way may
 * cost held aside. One that does not fit has its output cap lowered to what
 * fits; one that cannot fit even so, with enough output left to be worth
 * sending, is refused and the session stops there.
 */
import type { ProviderKit } from '../engines/provider-kit.js';
import type { Estimate } from './in-flight.js';

/** Fewer output tokens than this are not worth a request: it is refused instead. */
export const MIN_OUTPUT_TOKENS = 1_024;
/** The least thinking budget the Messages API takes (`thinking.budget_tokens`). */
const MIN_THINKING_TOKENS = 1_024;
/** Bytes a lowered cap may add to the body (the field and its digits), counted before they are known. */
const CAP_BYTES_SLACK = 40;

/** What the cap makes of one request. */
export type CapFit =
  /** It fits as it is. */
  | { kind: 'fits' }
  /** It fits with its output cap lowered to `outputTokens`: `body` is what to send. */
  | { kind: 'lowered'; body: Record<string, unknown>; outputTokens: number }
  /** Nothing worth sending fits: refused; `leastUsd` is the least it could be sent at. */
  | { kind: 'over'; leastUsd: number };

/**
 * Whether a request whose worst case is `estimate` fits in `roomUsd`, and
 * how: as it is, with its output cap lowered by its provider's `capOutput`
 * (`max_tokens`, and a thinking budget with it where the Messages API wants
 * it below the cap; OpenAI's `max_output_tokens`); or not at all. Pure.
 */
export function fitToRoom({
  kit,
  body,
  estimate,
  roomUsd,
}: {
  kit: Pick<ProviderKit, 'capOutput'>;
  body: Record<string, unknown>;
  estimate: Estimate;
  roomUsd: number;
}): CapFit {
  if (estimate.usd <= roomUsd) return { kind: 'fits' };
  const perToken = estimate.outputUsdPerToken;
  const over = {
    kind: 'over' as const,
    leastUsd: Math.min(estimate.usd, estimate.inputUsd + MIN_OUTPUT_TOKENS * perToken),
  };
  // A request whose output costs nothing (a model the config prices at 0) fits or never will.
  if (!(perToken > 0)) return over;
  const inputTokens = Math.max(1, estimate.tokens - estimate.outputTokens);
  const slack = CAP_BYTES_SLACK * (estimate.inputUsd / inputTokens);
  const fits = Math.floor((roomUsd - estimate.inputUsd - slack) / perToken);
  const outputTokens = Math.min(fits, estimate.outputTokens - 1);
  if (outputTokens < MIN_OUTPUT_TOKENS) return over;
  const lowered = kit.capOutput(body, outputTokens);
  return lowered === null ? over : { kind: 'lowered', body: lowered, outputTokens };
}

/** A Messages API request capped at `outputTokens`, its thinking budget below it; null when none fits. */
export function capMessagesOutput(
  body: Record<string, unknown>,
  outputTokens: number,
): Record<string, unknown> | null {
  const thinking = thinkingBelow(body.thinking, outputTokens);
  if (thinking === null) return null;
  return { ...body, max_tokens: outputTokens, ...(thinking ? { thinking } : {}) };
}

/** A Responses API request capped at `outputTokens` (its reasoning counts in the cap). */
export function capResponsesOutput(
  body: Record<string, unknown>,
  outputTokens: number,
): Record<string, unknown> {
  return { ...body, max_output_tokens: outputTokens };
}

/**
 * The body's thinking with its budget below `cap` (the Messages API refuses
 * `budget_tokens` of `max_tokens` or more): undefined when there is none to
 * change, null when no budget it takes fits.
 */
function thinkingBelow(thinking: unknown, cap: number): Record<string, unknown> | null | undefined {
  if (typeof thinking !== 'object' || thinking === null) return undefined;
  const fields = thinking as Record<string, unknown>;
  const budget = fields.budget_tokens;
  if (fields.type !== 'enabled' || typeof budget !== 'number' || budget < cap) return undefined;
  const lowered = Math.min(budget, cap - MIN_OUTPUT_TOKENS);
  return lowered >= MIN_THINKING_TOKENS ? { ...fields, budget_tokens: lowered } : null;
}
