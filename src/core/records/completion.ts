import { z } from 'zod';
import { WorkerId } from '../plan/plan.js';
import { LESSON_SLUG } from '../vocabulary/ids.js';
import { Impossible } from './impossible.js';

/** The largest `completions/<id>.json` the app or a session will read. */
export const COMPLETION_MAX_BYTES = 64 * 1024;

const Line = z.string().max(2000);
const Lines = z.array(Line).max(50).default([]);

/**
 * What a session spent; every field counts from the session's first request.
 * The last four are absent in records written before they were counted.
 */
export const Usage = z.strictObject({
  /** Uncached input tokens. */
  input_tokens: z.number().int().nonnegative(),
  /** Output tokens, thinking included. */
  output_tokens: z.number().int().nonnegative(),
  /** Input tokens read from the prompt cache. */
  cache_read_input_tokens: z.number().int().nonnegative().default(0),
  /** Input tokens written to the prompt cache. */
  cache_creation_input_tokens: z.number().int().nonnegative().default(0),
  /** Estimated cost in US dollars at list prices. */
  cost_usd: z.number().nonnegative(),
  /** Model requests made. */
  turns: z.number().int().nonnegative(),
  /** Wall-clock seconds of the agent loop. */
  seconds: z.number().nonnegative(),
  /** Of `output_tokens`, those the model spent thinking (billed as output). */
  thinking_tokens: z.number().int().nonnegative().optional(),
  /** Web searches the provider ran for the session (billed per search). */
  web_search_requests: z.number().int().nonnegative().optional(),
  /** Web pages the provider fetched for the session (billed as tokens only). */
  web_fetch_requests: z.number().int().nonnegative().optional(),
  /** Input tokens the API's context management cleared from old tool results. */
  cleared_input_tokens: z.number().int().nonnegative().optional(),
});
export type Usage = z.infer<typeof Usage>;

/**
 * The repository's tests as a work or fix session last ran them before handing
 * in: `passed`, `failed` with the output's tail, or `not-run` and why.
 */
export const TestRun = z.strictObject({
  status: z.enum(['passed', 'failed', 'not-run']),
  /** The command, as configured (`session.test`) or found in the repository. */
  command: z.string().max(500).nullable(),
  /** `failed`: the last lines of the output; `not-run`: why. */
  detail: z.string().max(4000).default(''),
});
export type TestRun = z.infer<typeof TestRun>;

export const CompletionStatus = z.enum(['complete', 'partial', 'blocked', 'failed', 'impossible']);
export type CompletionStatus = z.infer<typeof CompletionStatus>;

/**
 * What a session that stopped short of its brief leaves the next one (status
 * `partial`): what is done and works, what is left, and what it was about to try.
 */
export const HandOff = z.strictObject({
  done: Line,
  left: Line,
  next: Line,
});
export type HandOff = z.infer<typeof HandOff>;

/**
 * `completions/<id>.json`: a worker's report, committed with its work and
 * merged with its pull request. The final PR's delivery report is built from these.
 */
/** The most lessons one report may say it applied. */
export const MAX_APPLIED_LESSONS = 20;

/**
 * The lessons of `.baton/memory/` a session says it applied, by slug
 * (docs/memory.md): counted by the learn pull request, never read as prose.
 */
export const AppliedLessons = z
  .array(z.string().regex(LESSON_SLUG, 'name a lesson by its slug (its file name without .md)'))
  .max(MAX_APPLIED_LESSONS);

export const Completion = z.strictObject({
  /** The worker this report is for. */
  worker_id: WorkerId,
  /**
   * `complete`; `partial` when the session stopped short (a limit, an error)
   * and hands over in `handoff`; `blocked`/`failed` with the reason in `summary`;
   * `impossible` when a criterion cannot be met, with `impossible`.
   */
  status: CompletionStatus,
  /** One paragraph: what was done, or why it could not be. */
  summary: z.string().trim().min(1).max(4000),
  /** Files created or changed, relative to the repository root. */
  artifacts: z.array(z.string().max(300)).max(500).default([]),
  /** What the worker found out that later workers should know. */
  learnings: Lines,
  /** Risks and doubts a reviewer should look at. */
  concerns: Lines,
  /** Choices made where the brief left room. */
  decisions: Lines,
  /** Work suggested for later. */
  follow_up: Lines,
  /**
   * Workers of the plan, not started yet, whose briefs the learnings should
   * change: once this worker merges, a plan session in adapt mode revises
   * those briefs before they start. Ids only; Baton never reads the prose.
   */
  affects: z.array(WorkerId).max(60).default([]),
  /** What the session cost. */
  usage: Usage,
  /** The repository's tests as the session last ran them (work and fix sessions). */
  tests: TestRun.optional(),
  /** `partial`: the hand-off note the next session starts from. */
  handoff: HandOff.optional(),
  /** The lessons the worker applied, by slug (absent: none). */
  lessons: AppliedLessons.optional(),
  /** `impossible`: the criteria that cannot be met, why, and the evidence. */
  impossible: Impossible.optional(),
});
export type Completion = z.infer<typeof Completion>;
