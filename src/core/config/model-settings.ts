/**
 * `models` of `.github/baton.yml`: a model id for each kind of session, the
 * OpenAI models Codex runs on, extended thinking, and the prices of models the
 * built-in table does not know.
 */
import { z } from 'zod';

/** A model's list price: US dollars per million input and output tokens (cache reads and writes follow input). */
const ModelPriceSetting = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
});

/** The kinds of session `models` names a model for. */
export const MODEL_KINDS = ['plan', 'easy', 'normal', 'complex', 'review'] as const;

/**
 * A budget of extended-thinking tokens: 0 turns thinking off; otherwise at
 * least 1,024 (the API's minimum) and below a request's output limit (16,000).
 * Thinking tokens are billed as output tokens (docs/sessions.md, "What a session costs").
 */
const ThinkingBudget = z
  .number()
  .int()
  .min(0)
  .max(15_000)
  .refine((n) => n === 0 || n >= 1024, 'must be 0 (off) or at least 1024 tokens');

/** Extended thinking per kind of session, in budget tokens per model request. */
const Thinking = z.strictObject({
  /** Plan, adapt, research, summary and synthesis sessions (they run on `models.plan`). */
  plan: ThinkingBudget.default(8000),
  /** Workers whose brief says `complexity: easy`. */
  easy: ThinkingBudget.default(0),
  /** Workers whose brief says `complexity: normal`. */
  normal: ThinkingBudget.default(0),
  /** Workers whose brief says `complexity: complex`. */
  complex: ThinkingBudget.default(8000),
  /** Review sessions. */
  review: ThinkingBudget.default(0),
});

/** A model id for each kind of session, each with its default. */
function modelIds(defaults: Record<'plan' | 'easy' | 'normal' | 'complex' | 'review', string>) {
  return {
    /** Writes the plan (and adapt, research, summary and synthesis sessions). */
    plan: z.string().min(1).default(defaults.plan),
    /** Workers whose brief says `complexity: easy`. */
    easy: z.string().min(1).default(defaults.easy),
    /** Workers whose brief says `complexity: normal`. */
    normal: z.string().min(1).default(defaults.normal),
    /** Workers whose brief says `complexity: complex`. */
    complex: z.string().min(1).default(defaults.complex),
    /** Reviews worker pull requests. */
    review: z.string().min(1).default(defaults.review),
  };
}

/** The OpenAI model Codex runs on, for each kind of session (`session.engine: codex`). */
const OpenAiModels = z.strictObject(
  modelIds({
    plan: 'gpt-5.5',
    easy: 'gpt-5.5',
    normal: 'gpt-5.5',
    complex: 'gpt-5.5',
    review: 'gpt-5.5',
  }),
);

/**
 * Model ids for each kind of session; any id the Messages API accepts (Baton's
 * own loop and Claude Code), and under `openai` the Responses API's (Codex).
 */
export const Models = z.strictObject({
  ...modelIds({
    plan: 'claude-opus-5-5',
    easy: 'claude-haiku-5-5',
    normal: 'claude-sonnet-5-5',
    complex: 'claude-opus-5-5',
    review: 'claude-sonnet-5-5',
  }),
  /** Extended thinking budgets per kind of session (0 = off): `models.thinking.complex: 12000`. */
  thinking: Thinking.prefault({}),
  /** The OpenAI models of sessions on the `codex` engine: `models.openai.complex: gpt-5.5`. */
  openai: OpenAiModels.prefault({}),
  /**
   * Prices of model ids the built-in table (src/core/vocabulary/pricing.ts: the opus,
   * sonnet and haiku families) does not know. A model named above with no
   * price here or there is refused: it would count as free, and no budget would stop it.
   */
  prices: z.record(z.string().min(1), ModelPriceSetting).default({}),
});
