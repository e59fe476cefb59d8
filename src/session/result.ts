import { z } from 'zod';
import { Plan, WorkerId } from '../core/plan/plan.js';
import { CheckRecord, FailedCheck, ReachedCode } from '../core/plan/validation.js';
import { AppliedLessons, Completion, Usage } from '../core/records/completion.js';
import { MAX_TOOL_CALLS, ToolCall } from '../core/records/tool-call.js';
import { MessageReceipt, SessionLimit } from '../core/records/usage.js';
import { Engine } from '../core/sessions/engines.js';
import { SESSION_ROLES } from '../core/sessions/session.js';
import { LESSON_SLUG } from '../core/vocabulary/ids.js';

/**
 * What the `agent` job leaves in `BATON_OUT` for the `publish` job:
 *   result.json    this schema
 *   commits.bundle a git bundle of the session's commits on top of `base`
 *                  (work, fix and plan roles; absent when nothing was committed)
 * The publish job trusts nothing here: it checks all of it before writing.
 */
export const RESULT_FILE = 'result.json';
export const BUNDLE_FILE = 'commits.bundle';
export const RESULT_MAX_BYTES = 256 * 1024;

/** An inline review comment on a line of the PR's diff. */
export const ReviewComment = z.strictObject({
  path: z.string().min(1).max(500),
  /** The line in the file on the side given; must lie in a diff hunk. */
  line: z.number().int().positive(),
  side: z.enum(['RIGHT', 'LEFT']).default('RIGHT'),
  body: z.string().min(1).max(8000),
  /** The slug of a lesson the session was given whose correction this finding asks for again (docs/memory.md). */
  repeats: z
    .string()
    .regex(LESSON_SLUG)
    .optional()
    .describe(
      "Only when this finding asks again for what a lesson of the first message teaches: that lesson's slug.",
    ),
});
export type ReviewComment = z.infer<typeof ReviewComment>;

export const ReviewResult = z.strictObject({
  verdict: z.enum(['approve', 'changes-requested']),
  /** The review body: summary, and findings that are outside the diff. */
  body: z.string().min(1).max(30000),
  comments: z.array(ReviewComment).max(50).default([]),
  /** The PR head the review was given on. */
  commit_sha: z.string().regex(/^[0-9a-f]{40}$/),
  /** The lessons of `.baton/memory/` the review applied, by slug (absent: none). */
  lessons: AppliedLessons.optional(),
});
export type ReviewResult = z.infer<typeof ReviewResult>;

/** A follow-up question a synthesis proposes; a person decides whether it runs. */
export const FollowUpQuestion = z.strictObject({
  title: z.string().trim().min(1).max(120),
  question: z.string().trim().min(1).max(2000),
});
export type FollowUpQuestion = z.infer<typeof FollowUpQuestion>;

/** `synthesis`: what publish posts on the issue (the report itself is committed). */
export const SynthesisResult = z.strictObject({
  /** A few sentences for the issue: the answer, how sure, where the report is. */
  summary: z.string().trim().min(1).max(3000),
  follow_up: z.array(FollowUpQuestion).max(10).default([]),
  /** The follow-up workers the session appended to plan.json, in the order of `follow_up`; none when it could not. */
  proposed: z.array(WorkerId).max(10).default([]),
});
export type SynthesisResult = z.infer<typeof SynthesisResult>;

/** The most failing checks one validation names; each becomes a fix worker. */
export const MAX_VALIDATION_FAILURES = 10;

/**
 * `validate`: the contract's command as the session's code ran it (its exit
 * status is the truth: 0 passed, whatever the model said), and for a failure
 * each failing check the model named, with a short brief for its fix.
 */
export const ValidationResult = z.strictObject({
  milestone: z.number().int().min(1).max(99),
  /** The build branch head the command ran on. */
  head: z.string().regex(/^[0-9a-f]{40}$/),
  command: z.string().min(1).max(500),
  /** Null: killed at its time limit. */
  exit_code: z.number().int().nullable(),
  /** The end of the command's output. */
  tail: z.string().max(4000),
  failures: z
    .array(
      z.strictObject({
        check: FailedCheck,
        brief: z.string().trim().min(1).max(4000),
      }),
    )
    .max(MAX_VALIDATION_FAILURES)
    .default([]),
  /** The commit the checks ran on before any work (docs/verification.md, "Fails before, passes after"). */
  contract_commit: z
    .string()
    .regex(/^[0-9a-f]{40}$/)
    .optional(),
  /** Each check judged by the runner's reports; absent where the exit status alone decided. */
  checks: z.array(CheckRecord).max(500).optional(),
  /** The contract's commits the session found, newest first (the record's `contract_commits`). */
  contract_commits: z
    .array(z.string().regex(/^[0-9a-f]{40}$/))
    .max(20)
    .optional(),
  /** The pushes left out of `contract_commits` because a later one reverted each exactly (the record's `reverted`). */
  reverted: z
    .array(
      z.strictObject({
        commit: z.string().regex(/^[0-9a-f]{40}$/),
        by: z.string().regex(/^[0-9a-f]{40}$/),
      }),
    )
    .max(10)
    .optional(),
  /** The run whose record's outcomes on the contract's commit were reused (the record's `before_from`). */
  before_from: z.number().int().positive().optional(),
  /** Why no report judged the checks, where none did (the runner, or a report that did not parse). */
  report: z.string().max(1000).optional(),
  /** Where no report judged the checks, the work's test-aware code the run reached (the record's `reached`). */
  reached: ReachedCode.optional(),
});
export type ValidationResult = z.infer<typeof ValidationResult>;

export const SessionResult = z.strictObject({
  role: z.enum(SESSION_ROLES),
  build: z.string(),
  worker: z.string().nullable(),
  pr: z.number().int().positive().nullable(),
  /**
   * `complete`; `partial` when a work or fix session stopped short of its brief
   * and hands in what works with a hand-off note; `blocked` or `failed` with the
   * reason; `impossible` when a work, fix or contract session says a criterion
   * cannot be met (its completion's `impossible`). A result is written even then.
   */
  status: z.enum(['complete', 'partial', 'blocked', 'failed', 'impossible']),
  /** The limit the session stopped at or wound down before, if one did. */
  limit: SessionLimit.nullable().default(null),
  /** Stopped at the build's budget or the day's cap: its dollar limit, what the cap had left when it started. */
  limit_usd: z.number().nonnegative().nullable().default(null),
  /** Stopped by the model proxy's cap: the dollar limit it needed to send its next request. */
  needed_usd: z.number().nonnegative().nullable().default(null),
  /** The messages (`/steer`, `/queue` comments) the session took in, and at which turn. */
  messages: z.array(MessageReceipt).max(500).default([]),
  reason: z.string().max(4000).nullable(),
  /** The branch the bundle fast-forwards, and the sha the session started from. */
  branch: z.string().nullable(),
  base: z
    .string()
    .regex(/^[0-9a-f]{40}$/)
    .nullable(),
  /** The new head of `branch` inside the bundle, if anything was committed. */
  head: z
    .string()
    .regex(/^[0-9a-f]{40}$/)
    .nullable(),
  usage: Usage,
  /** Its tool calls as the model proxy saw them: publish exports them as spans where a repository asks (docs/governance.md). */
  tools: z.array(ToolCall).max(MAX_TOOL_CALLS).default([]),
  /** The coding engine the session ran on (docs/sessions.md, "Engines"). */
  engine: Engine.default('baton'),
  /** `work` and `fix`: the worker's report (also committed as completions/<id>.json). */
  completion: Completion.nullable().default(null),
  /** `plan`: the plan (also committed as plan.json). */
  plan: Plan.nullable().default(null),
  /** `review`: the review to post. */
  review: ReviewResult.nullable().default(null),
  /**
   * `review`: Baton's review of the head that a twin run posted already (two
   * replicas dispatched it); the session called no model and there is nothing to post.
   */
  existing_review: z
    .strictObject({
      id: z.number().int().positive(),
      commit_sha: z.string().regex(/^[0-9a-f]{40}$/),
    })
    .nullable()
    .default(null),
  /**
   * `review`: the pull request merged or closed, or its head moved from the
   * head the run was dispatched for (`asked`, from `head-<sha>`) only by the
   * branch's update; the session called no model and there is nothing to post.
   */
  gone_head: z
    .strictObject({
      asked: z
        .string()
        .regex(/^[0-9a-f]{40}$/)
        .nullable(),
      head: z.string().regex(/^[0-9a-f]{40}$/),
      why: z.enum(['merged', 'closed', 'updated']),
    })
    .nullable()
    .default(null),
  /** `synthesis`: the summary publish posts on the issue (the report is committed as REPORT.md). */
  synthesis: SynthesisResult.nullable().default(null),
  /** `validate`: the milestone's contract run and its failing checks (publish records it, and adds fix workers). */
  validation: ValidationResult.nullable().default(null),
  /**
   * `validate`: the milestone's record a twin run left already (two replicas
   * dispatched it); the session ran no command and called no model.
   */
  existing_validation: z
    .strictObject({
      ref: z.string().regex(/^refs\/baton\/[^\s/]+\/validation\/M[1-9]\d*\/[0-9a-f]{40}$/),
    })
    .nullable()
    .default(null),
  /**
   * `fix` of a head's red checks (`checks-<sha>`): the pull request's head
   * had moved past the head asked for (a twin run's fix, or a push); the
   * session called no model and there is nothing to push.
   */
  moved_head: z
    .strictObject({
      asked: z.string().regex(/^[0-9a-f]{40}$/),
      head: z.string().regex(/^[0-9a-f]{40}$/),
    })
    .nullable()
    .default(null),
  /**
   * `work` and `contract`, a worker's first attempt: its branch was there
   * already (a twin run went first); the session called no model and there is
   * nothing to push.
   */
  twin_went_first: z
    .strictObject({ branch: z.string().min(1) })
    .nullable()
    .default(null),
  /** `work` and `fix`: connections of the model's commands the egress proxy refused, by host and port. */
  blocked: z
    .array(
      z.strictObject({
        /** A host name or address as the command asked for it (the proxy counts anything else as `(not a host name)`). */
        host: z
          .string()
          .regex(
            /^(?:[A-Za-z0-9.:_*-]{1,253}|\(not a host name\)|\(other hosts\))$/,
            'is not a host name or address',
          ),
        port: z.number().int().min(0).max(65535),
        count: z.number().int().positive(),
      }),
    )
    .max(500)
    .default([]),
  /**
   * The lessons of `.baton/memory/` the session was given, and the active ones
   * whose citations no longer hold (docs/memory.md); null: it read none.
   */
  lessons: z
    .strictObject({
      read: z.array(z.string().regex(LESSON_SLUG)).max(200),
      stale: z.array(z.string().regex(LESSON_SLUG)).max(200),
    })
    .nullable()
    .default(null),
});
export type SessionResult = z.infer<typeof SessionResult>;
