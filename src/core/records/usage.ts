import { z } from 'zod';
import { CriterionId } from '../plan/contract.js';
import { WorkerId } from '../plan/plan.js';
import { parseRecordMessage, renderRecordMessage } from '../plan/record-message.js';
import { Engine } from '../sessions/engines.js';
import { REVIEWED_IN_RUN, SESSION_ROLES } from '../sessions/session.js';
import { LOOP_SUBJECT, MILESTONE_SUBJECT } from '../vocabulary/ids.js';
import { Usage } from './completion.js';
import { MAX_IMPOSSIBLE_CRITERIA } from './impossible.js';

/**
 * The limits a session winds down before (docs/sessions.md, "Wind-down"):
 * `session.maxTurns`, its tokens, its own dollars, its wall clock, the build's
 * `budget.maxUsd`, or the repository's `budget.dailyUsd`.
 */
export const SessionLimit = z.enum(['turns', 'tokens', 'usd', 'time', 'budget', 'daily']);
export type SessionLimit = z.infer<typeof SessionLimit>;

/** Each limit, as the status and a session's wind-down name it. */
export const LIMIT_NAMES: Record<SessionLimit, string> = {
  turns: 'its turns (`session.maxTurns`)',
  tokens: 'its token limit',
  usd: 'its dollar limit',
  time: 'its time (`session.timeoutMinutes`)',
  budget: "the build's budget (`budget.maxUsd`)",
  daily: "the repository's daily cap (`budget.dailyUsd`)",
};

/**
 * The limits that are money the build may be given more of: a raised
 * `budget.maxUsd` or `budget.dailyUsd`, or a new day, lifts them (docs/costs.md,
 * "A cap stops, a raise resumes").
 */
export const MONEY_LIMITS: ReadonlySet<SessionLimit> = new Set(['budget', 'daily']);

/** Whether a session's limit is money a raise or a new day gives back. */
export function isMoneyLimit(limit: SessionLimit | null | undefined): limit is 'budget' | 'daily' {
  return limit !== null && limit !== undefined && MONEY_LIMITS.has(limit);
}

/** A message a session took in: the comment that carried it, and the turn (model request, from 1) that first read it. */
export const MessageReceipt = z.strictObject({
  comment: z.number().int().positive(),
  turn: z.number().int().positive(),
});
export type MessageReceipt = z.infer<typeof MessageReceipt>;

/** The first line of a usage record's commit message; the JSON follows after a blank line. */
const USAGE_HEADER = 'baton usage';
/** The longest one-line reason a usage record carries. */
export const REASON_MAX_CHARS = 240;

/**
 * What one session spent, written by its publish job (no model) whatever the
 * agent's outcome, as the message of a commit that the hidden ref
 * `refs/baton/<build>/usage/<run>-<attempt>` points at. Sessions report their
 * own usage: see docs/design-notes.md ("What a build costs") for what that trusts.
 */
export const UsageRecord = z.strictObject({
  version: z.literal(1),
  /** The workflow run of the session. */
  run_id: z.number().int().positive(),
  /** The run's attempt: a re-run is a session of its own. */
  attempt: z.number().int().positive().default(1),
  role: z.enum(SESSION_ROLES),
  /**
   * A review in a work, contract or fix session's run (its review jobs, no dispatch of its
   * own): that session's role. Its record is `<run>-<attempt>-review`, beside the session's.
   */
  after: z.enum(REVIEWED_IN_RUN).optional(),
  /** The worker, or an improvement loop (`L2`) for a loop's research, plan and summary. */
  worker: z
    .union([WorkerId, z.string().regex(LOOP_SUBJECT), z.string().regex(MILESTONE_SUBJECT)])
    .nullable(),
  /**
   * How the agent ended: its result's status, or `no-result` when it left none.
   * `partial`: it stopped short of its brief and handed in what works, with a
   * hand-off note (docs/sessions.md, "Wind-down").
   */
  outcome: z.enum(['complete', 'partial', 'blocked', 'failed', 'impossible', 'no-result']),
  /**
   * `impossible`: the criteria the session said cannot be met (its reason in
   * `reason`), as publish checked them against the plan; a hand-in publish
   * refused is recorded `failed`.
   */
  criteria: z.array(CriterionId).max(MAX_IMPOSSIBLE_CRITERIA).optional(),
  /** The limit a session stopped at (or wound down before), when one did. */
  limit: SessionLimit.optional(),
  /**
   * A session that stopped at the build's budget or the day's cap: its dollar
   * limit, what the cap had left when it started. A session of the same ask
   * starts again only once there is more than this to spend.
   */
  limit_usd: z.number().nonnegative().optional(),
  /**
   * A session the model proxy stopped before a request that could not fit: the
   * dollar limit it would have needed to send it (what it had spent, what was
   * held for requests under way, and that request at its least worth sending).
   */
  needed_usd: z.number().nonnegative().optional(),
  /**
   * The messages (`/steer`, `/queue` comments, by id) the session took in, each
   * with the turn it took it in at: the model request that first carried it.
   */
  messages: z.array(MessageReceipt).max(500).optional(),
  usage: Usage,
  /** The coding engine the session ran on; absent in records from before engines (Baton's own loop). */
  engine: Engine.optional(),
  /**
   * Why the session did not deliver, in one line (a model error with its
   * status, a limit, the context window, failing tests, a publish refusal with
   * its rule and path). May quote model text: the app shows it only inside a
   * code span (`failureText`), never as markup.
   */
  reason: z
    .string()
    .max(REASON_MAX_CHARS)
    .refine((text) => ![...text].some(isControl), 'must be one line')
    .nullable()
    .optional(),
});
export type UsageRecord = z.infer<typeof UsageRecord>;

/** The hidden ref a session's usage record goes to; clones do not fetch `refs/baton/*`. */
export function usageRef({
  build,
  runId,
  attempt,
  reviewInRun = false,
}: {
  build: string;
  runId: number;
  attempt: number;
  /** The review in a work, contract or fix session's run (`UsageRecord.after`). */
  reviewInRun?: boolean;
}): string {
  return `${usageRefPrefix(build)}${runId}-${attempt}${reviewInRun ? REVIEW_IN_RUN_SUFFIX : ''}`;
}

/** What ends the name of the record of a review in a work, contract or fix session's run. */
export const REVIEW_IN_RUN_SUFFIX = '-review';

export function usageRefPrefix(build: string): string {
  return `refs/baton/${build}/usage/`;
}

/** The commit message that carries a record. */
export function renderUsageMessage(record: UsageRecord): string {
  return renderRecordMessage(USAGE_HEADER, record);
}

/** A record from a commit message, or null when the message is not a valid one. */
export function parseUsageMessage(message: string): UsageRecord | null {
  return parseRecordMessage(message, { header: USAGE_HEADER, schema: UsageRecord });
}

function isControl(char: string): boolean {
  const point = char.codePointAt(0) ?? 0;
  return point < 0x20 || point === 0x7f;
}

/**
 * A reason as a record carries it: one line, control characters dropped. A long one is cut
 * after a whole word, with "…" and how long it was, so no cut word passes for the reason's own.
 */
export function oneLineReason(text: string | null | undefined): string | null {
  const chars = [...(text ?? '')]
    .map((char) => (isControl(char) ? ' ' : char))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  if (!chars) return null;
  if (chars.length <= REASON_MAX_CHARS) return chars;
  const note = `… (cut from ${[...chars].length} characters)`;
  // Whole characters, in UTF-16 units as the schema counts them, then back to the last space.
  let kept = '';
  for (const char of chars) {
    if (kept.length + char.length > REASON_MAX_CHARS - note.length) break;
    kept += char;
  }
  const space = kept.lastIndexOf(' ');
  return `${space > 0 ? kept.slice(0, space) : kept}${note}`;
}
