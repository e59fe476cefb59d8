import type { Config } from '../config/config.js';
import type { Plan } from '../plan/plan.js';
import { costOf, type ModelPrices } from '../vocabulary/pricing.js';
import { closeCancels } from './issue-close.js';
import type { BuildSnapshot } from './snapshot.js';

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
  /** GitHub content-creating requests the build will make, Baton's and its sessions'. */
  writes: number;
  /** The least minutes GitHub's limits on those writes allow the build, however fast its sessions. */
  leastMinutes: number;
}

/**
 * Writes per worker, dispatch to merge, of the order `npm run bench` measures
 * (bench/results.md, a build branch without the up-to-date rule): Baton's
 * worker branch and dispatch, review dispatch (a review takes no lock ref),
 * `baton/review` check, merge and a status edit, about 6; its sessions' pull
 * request and review, 2. A fix round adds a fix (its lock ref and dispatch)
 * and a second review: about 5 of Baton's and 2 of its sessions'. The build
 * adds about 5: the final pull request, its notices and reviewers. Pushes are
 * git, not API requests, and do not count.
 */
export const WRITES_PER_WORKER = 8;
export const WRITES_PER_FIX_ROUND = 7;
export const WRITES_PER_BUILD = 5;

/**
 * Of a worker's writes, those made by the time its first dispatch is done:
 * its worker branch, the dispatch, and its work session's pull request (the
 * write budget counts a session's writes when it dispatches the session).
 */
export const WRITES_AT_FIRST_DISPATCH = 3;

/**
 * What one worker under way still owes after its first dispatch: the rest of
 * `WRITES_PER_WORKER` (its review's dispatch and review, the check, the merge,
 * a status edit) and its expected fix rounds. An upper side for a worker just
 * dispatched, and kept until it merges, so it errs towards waiting.
 */
export const WRITES_OWED_PER_WORKER =
  WRITES_PER_WORKER - WRITES_AT_FIRST_DISPATCH + WRITES_PER_FIX_ROUND * EXPECTED_FIX_ROUNDS;

/**
 * Of what a worker owes, the writes its first review sets in motion: the review's
 * dispatch and its session's review. Once the review run is listed, the write
 * budget has counted both among the writes made (at the dispatch), so the worker
 * no longer owes them: held as owed as well, they would be counted twice.
 */
export const WRITES_OF_A_REVIEW = 2;

/** Everything a worker's first dispatch sets in motion, dispatch to merge. */
export const WRITES_PER_STARTED_WORKER = WRITES_AT_FIRST_DISPATCH + WRITES_OWED_PER_WORKER;

/**
 * The writes a build's work under way still owes, as its snapshot shows it:
 * `WRITES_OWED_PER_WORKER` for each worker started (its branch or a work run
 * exists) whose pull request is neither merged nor closed, less
 * `WRITES_OF_A_REVIEW` once its review run is listed (made, so counted), and
 * `WRITES_PER_BUILD` while any worker is started and the final pull request
 * is not open yet. A build whose issue a writer closed (cancelled) owes nothing.
 * The write budget holds this much of the hour back before a new dispatch.
 */
export function writesOwed(snapshot: BuildSnapshot): number {
  if (closeCancels(snapshot) || snapshot.plan.kind !== 'valid') return 0;
  let started = 0;
  let underWay = 0;
  let reviewed = 0;
  for (const { id } of snapshot.plan.plan.workers) {
    const began =
      snapshot.branches[id] !== undefined ||
      snapshot.runs.some((run) => run.role === 'work' && run.worker === id);
    if (!began) continue;
    started += 1;
    const ended = snapshot.pulls.some(
      (pull) => pull.worker === id && (pull.state === 'merged' || pull.state === 'closed'),
    );
    if (ended) continue;
    underWay += 1;
    if (snapshot.runs.some((run) => run.role === 'review' && run.worker === id)) reviewed += 1;
  }
  const build = started > 0 && !snapshot.finalPull ? WRITES_PER_BUILD : 0;
  return underWay * WRITES_OWED_PER_WORKER - reviewed * WRITES_OF_A_REVIEW + build;
}

/** GitHub's secondary limits on content-creating requests, per installation. */
export const WRITE_LIMITS = { perMinute: 80, perHour: 500 } as const;

/**
 * The least minutes `writes` take under GitHub's limits: 80 a minute, and 500
 * in any hour (the 501st waits for the hour to pass since the first).
 */
export function leastMinutesFor(writes: number): number {
  if (writes <= 0) return 0;
  const byMinute = writes / WRITE_LIMITS.perMinute;
  const byHour = 60 * Math.floor((writes - 1) / WRITE_LIMITS.perHour);
  return Math.max(byMinute, byHour);
}

/**
 * What the plan's workers will likely cost, before `/approve`: per worker one
 * work session of its complexity at the model `models.<complexity>` names, one
 * review per round at `models.review` (when reviews are on) and
 * `EXPECTED_FIX_ROUNDS` fix sessions at half a work session, each priced with
 * the price table (src/core/vocabulary/pricing.ts). The plan session has run already: its
 * real cost is in the build's ledger, not here.
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
  const writes = Math.round(
    WRITES_PER_BUILD + plan.workers.length * (WRITES_PER_WORKER + WRITES_PER_FIX_ROUND * fixes),
  );
  return { usd, sessions, writes, leastMinutes: leastMinutesFor(writes) };
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
