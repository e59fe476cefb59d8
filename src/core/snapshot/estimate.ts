import type { Config } from '../config/config.js';
import { isContractWorker } from '../plan/contract.js';
import { milestonesOf, type Plan } from '../plan/plan.js';
import type { SessionRole } from '../sessions/session.js';
import { costOf, type ModelPrices } from '../vocabulary/pricing.js';

/** Tokens one session is assumed to read and write: the basis of every estimate. */
export interface SessionSize {
  /** Input tokens, cached or not, all priced as uncached input (an upper side). */
  input: number;
  output: number;
}

/**
 * Assumed session sizes by kind. A work session rereads its files turn after
 * turn, so input grows with complexity far more than output does. These are
 * round figures of the order of real sessions at `session.maxTurns` 80, not
 * measurements; the README's "What a build costs" says how to read the estimate.
 */
export const SESSION_SIZES = {
  work: {
    easy: { input: 200_000, output: 8_000 },
    normal: { input: 500_000, output: 20_000 },
    complex: { input: 1_200_000, output: 40_000 },
  },
  review: { input: 150_000, output: 5_000 },
} as const satisfies { work: Record<string, SessionSize>; review: SessionSize };

/** Fix sessions expected per worker: one in two PRs needs a round; a fix is half a work session. */
export const EXPECTED_FIX_ROUNDS = 0.5;
const FIX_SHARE = 0.5;

export interface BuildEstimate {
  /** US dollars for the workers' sessions: work, review (one per round) and fix. */
  usd: number;
  /** Sessions counted into it. */
  sessions: number;
  /** Of them, milestone validations (a build with a contract). */
  validations: number;
  /** GitHub content-creating requests the build will make, Baton's and its sessions'. */
  writes: number;
  /** The least minutes GitHub's limits on those writes allow the build, however fast its sessions. */
  leastMinutes: number;
}

/**
 * Writes per worker, dispatch to merge, as the scale bench measures them
 * (`npx tsx bench/scale.ts`, ten 10-worker builds in one installation, a build
 * branch with GitHub's default rules), where a review is a dispatch of its own:
 * Baton's dispatch (a first attempt takes no lock ref and creates no branch: it
 * runs on the build branch, and its publish pushes the worker's branch, `lockFor`),
 * review dispatch (a review takes no lock ref), merge and about one status edit,
 * 4; its sessions' pull request and review, 2. A review in the work's run (the
 * workflow's review jobs) has no dispatch: one fewer (`WRITES_OF_A_REVIEW_DISPATCH`).
 * Where a rule of the build branch holds the pull request, the `baton/review` check
 * adds one (`WRITES_OF_A_REVIEW_CHECK`). A fix round adds a fix (its dispatch,
 * and its lock ref but for a fix of red checks) and a second review: about 5 of Baton's and 2 of its sessions'.
 * The build adds at most 5: the final pull request, the review asked of the
 * people told (and where GitHub refuses it, or there is nobody to ask, a
 * notice on the issue: its ref and comment), the status edit that shows it. Pushes are git, not API requests, and do not
 * count.
 */
export const WRITES_PER_WORKER = 6;
export const WRITES_OF_A_REVIEW_CHECK = 1;
export const WRITES_PER_FIX_ROUND = 7;
export const WRITES_PER_BUILD = 5;

/**
 * A milestone's validation in a build with a contract: its dispatch, which
 * takes no lock ref, as a review's (`lockFor`); its record is a git push, not
 * an API request.
 */
export const WRITES_PER_VALIDATION = 1;

/**
 * Of a worker's writes, those counted by the time its first dispatch is done:
 * the dispatch, the app's one write (a first attempt takes no lock ref and
 * creates no branch, `lockFor`), and its work session's pull request (the
 * write budget counts a session's writes when it dispatches the session, due
 * when the session typically ends).
 */
export const WRITES_AT_FIRST_DISPATCH = 2;

/**
 * Of a worker's writes, its status edit: status edits wait for the write
 * budget themselves (they are the first writes deferred), so none is owed.
 */
export const WRITES_OF_A_STATUS_EDIT = 1;

/**
 * What one worker under way still owes after its first dispatch, once its
 * pull request is on its way: the rest of `WRITES_PER_WORKER` but its status
 * edit (its review's dispatch and review, the merge). A fix round is owed
 * only once one is certain (`WRITES_PER_FIX_ROUND` while a review requests
 * changes or checks fail, `writesOwed`): reserving the expected half round
 * for every worker before any review asked for one held a sixth of the hour
 * back for writes that, in most builds, never come.
 */
export const WRITES_OWED_PER_WORKER =
  WRITES_PER_WORKER - WRITES_AT_FIRST_DISPATCH - WRITES_OF_A_STATUS_EDIT;

/**
 * Of what a worker owes, the writes its review of a head sets in motion: the
 * review's dispatch and its session's review. Once the review run of the pull
 * request's head is listed, the write budget has counted both among the writes
 * made (at the dispatch), so the worker no longer owes them: held as owed as
 * well, they would be counted twice.
 */
export const WRITES_OF_A_REVIEW = 2;

/**
 * A review in the run of the session that pushed the head (the workflow's review jobs): its
 * session's review alone, no dispatch. It is counted with that session's writes, when that
 * session is dispatched.
 */
export const WRITES_OF_A_REVIEW_IN_RUN = 1;

/** What a review in its work's run saves: the dispatch of a review run. */
export const WRITES_OF_A_REVIEW_DISPATCH = WRITES_OF_A_REVIEW - WRITES_OF_A_REVIEW_IN_RUN;

/** A worker's merge, the last of what it owes. */
export const WRITES_OF_A_MERGE = WRITES_OWED_PER_WORKER - WRITES_OF_A_REVIEW;

/**
 * Of a fix round, the writes made by the time its fix is dispatched: the fix's
 * lock ref, its dispatch, and its session's write (counted at the dispatch).
 */
export const WRITES_AT_FIX_DISPATCH = 3;

/**
 * Everything a worker's first dispatch sets in motion, dispatch to merge, without a fix round,
 * its review a dispatch of its own (the dearer way; a review in the work's run is
 * `WRITES_OF_A_REVIEW_DISPATCH` fewer): what the write budget takes a worker to write before
 * any dispatch told it (`startedWorkerWrites`).
 */
export const WRITES_PER_STARTED_WORKER = WRITES_AT_FIRST_DISPATCH + WRITES_OWED_PER_WORKER;

/** GitHub's secondary limits on content-creating requests, per installation. */
export const WRITE_LIMITS: WriteLimits = { perMinute: 80, perHour: 500 };

/**
 * The least minutes `writes` take at a pace GitHub's limits hold for good: 80
 * a minute, and 500 in any hour (a sliding window), made at a steady rate. A
 * build's writes come with its sessions, over its whole length, never all at
 * its start: 500 at once and the 501st an hour later is no pace a build can
 * keep. One figure for all who ask: the plan's estimate, the write budget's
 * pace between first dispatches (src/github/client/pacing/write-budget.ts) and
 * the bench's limit-bound.
 */
export function leastMinutesFor(writes: number, limits: WriteLimits = WRITE_LIMITS): number {
  if (writes <= 0) return 0;
  return Math.max(writes / limits.perMinute, (60 * writes) / limits.perHour);
}

/** Content-creating requests an installation may make in a minute and in an hour. */
export interface WriteLimits {
  perMinute: number;
  perHour: number;
}

/**
 * What the plan's workers will likely cost, before `/approve`: per worker one
 * work session of its complexity at the model `models.<complexity>` names, one
 * review per round at `models.review` (when reviews are on) and
 * `EXPECTED_FIX_ROUNDS` fix sessions at half a work session, each priced with
 * the price table (src/core/vocabulary/pricing.ts). A plan with a contract (its
 * wave 0, priced as the workers they are) adds a validation session per milestone,
 * priced as a review at the model validation runs on: an upper side, as a
 * validation whose checks pass asks the model nothing. The plan session has run
 * already: its real cost is in the build's ledger, not here.
 */
export function estimateBuild({ plan, config }: { plan: Plan; config: Config }): BuildEstimate {
  let usd = 0;
  let sessions = 0;
  // Without reviews there are no fix sessions either.
  const fixes = config.review.enabled ? EXPECTED_FIX_ROUNDS : 0;
  const reviews = config.review.enabled ? 1 + fixes : 0;
  for (const worker of plan.workers) {
    const model = config.models[worker.complexity];
    const work = priceOf(model, SESSION_SIZES.work[worker.complexity], config.models.prices);
    usd += work + work * FIX_SHARE * fixes;
    usd += reviews * priceOf(config.models.review, SESSION_SIZES.review, config.models.prices);
    sessions += 1 + reviews + fixes;
  }
  const validations = plan.workers.some((worker) => isContractWorker(worker.id))
    ? milestonesOf(plan).length
    : 0;
  const validator = config.verification.validation.model ?? config.models.review;
  usd += validations * priceOf(validator, SESSION_SIZES.review, config.models.prices);
  sessions += validations;
  // Each review in the run of the session that pushed its head, with no dispatch of its own;
  // none at all where reviews are off.
  const perReview = config.review.enabled ? WRITES_OF_A_REVIEW_DISPATCH : WRITES_OF_A_REVIEW;
  const writes = Math.round(
    WRITES_PER_BUILD +
      plan.workers.length *
        (WRITES_PER_WORKER - perReview + (WRITES_PER_FIX_ROUND - perReview) * fixes) +
      validations * WRITES_PER_VALIDATION,
  );
  return { usd, sessions, validations, writes, leastMinutes: leastMinutesFor(writes) };
}

function priceOf(model: string, size: SessionSize, prices: ModelPrices): number {
  return (
    costOf(
      model,
      {
        input_tokens: size.input,
        output_tokens: size.output,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
      },
      prices,
    ) ?? 0
  );
}

/**
 * API writes a session of each role makes as the app (src/session/publish):
 * a work, contract or fix session opens or updates its PR, a review posts one review, a
 * synthesis one comment on the issue, a learn session its lessons' pull request. Pushes (a
 * validation's record and fix workers too; plans, findings, summaries, usage and adaptation
 * records) are git, not API requests. Every role is named, so a new role must say what it writes.
 */
export const SESSION_WRITES: Record<SessionRole, number> = {
  plan: 0,
  work: 1,
  contract: 1,
  fix: 1,
  review: 1,
  research: 0,
  summary: 0,
  synthesis: 1,
  validate: 0,
  learn: 1,
};
