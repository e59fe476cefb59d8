import type { DecideContext } from '../context/decide-context.js';
import { impossibleWordOf } from '../context/impossible-words.js';
import { moneyLifted, moneyWaitOf, reviewInRunMoneyWait } from '../context/money-waits.js';
import { type JudgedRun, soonest } from '../context/runs.js';
import { isMoneyLimit, type UsageRecord } from '../records/usage.js';
import { isReviewedInRun, type SessionTrigger } from '../sessions/session.js';
import { type PullVerdict, pullVerdict, workHeads } from '../snapshot/pull-verdict.js';
import type { TimedCommand, TimedPull, TimedRun } from '../snapshot/snapshot.js';
import { type MergeHold, mergeHold } from './merge-hold.js';

/**
 * A worker's newest session that changes its branch (work or fix), and the usage
 * record it left: what stopped it short, when it handed in partial work.
 */
export interface CodingSession {
  run: TimedRun;
  record: UsageRecord | null;
}

/** Why a worker PR waits for a person. */
export type NeedsHumanReason =
  /** Its fix session said a criterion cannot be met. */
  | 'impossible'
  | 'fix-rounds'
  | 'fix-failed'
  | 'review-failed'
  | 'conflict'
  | 'checks-failed'
  | 'continue-failed'
  /** Approved, and GitHub holds its merge until a person acts (src/core/workers/merge-hold.ts). */
  | MergeHold;

/** The one next step an open worker PR needs. */
export type PullNeed =
  /** `settlesInMs`: a session that succeeded moments ago, whose result is not in sight yet. */
  | {
      kind: 'wait';
      state: 'reviewing' | 'fixing' | 'checks' | 'partial' | 'awaiting-budget';
      settlesInMs?: number;
    }
  /** `resume`: the same session again, after the budget that stopped that run was raised. */
  | { kind: 'dispatch'; role: 'review' | 'fix'; trigger: SessionTrigger; resume?: number }
  | { kind: 'needs-human'; reason: NeedsHumanReason }
  /** Approved (or `/merge`d) and green: it merges when GitHub takes it (`mergesNow`). */
  | { kind: 'merge-ready' };

/** An open worker PR as `decide` reads it: its next step, its verdict, and what to re-run. */
export interface PullAssessment {
  need: PullNeed;
  verdict: PullVerdict;
  /** A `/merge` for this PR was given after it opened. */
  forced: boolean;
  /** Failed CI runs on the head not re-run yet: each gets one re-run. */
  rerun: number[];
}

interface PullFacts {
  ctx: DecideContext;
  pull: TimedPull;
  /** The worker's newest session that changed its branch. */
  coding: CodingSession | null;
  /** Runs of this PR's worker. */
  runs: JudgedRun[];
  forced: boolean;
  verdict: PullVerdict;
  rerun: number[];
}

/** Works out what an open worker PR needs next: a session, a person, or nothing yet. */
export function assessPull({
  ctx,
  pull,
  coding,
}: {
  ctx: DecideContext;
  pull: TimedPull;
  coding: CodingSession | null;
}): PullAssessment {
  const runs = ctx.snapshot.runs.filter((run) => run.worker === pull.worker);
  // `/merge` takes the pull request as it stands: code a fix session pushes after it (a conflict
  // or red checks fixed) is a head no one has seen, and is reviewed again.
  const forced = (ctx.commands.merges.get(pull.worker) ?? []).some(
    (info) =>
      info.createdMs >= pull.createdMs &&
      !runs.some((run) => run.role === 'fix' && run.createdMs > info.createdMs),
  );
  const verdict = pullVerdict({ pull, requireHuman: ctx.config.review.requireHuman });
  const rerun =
    pull.checks.state === 'failure'
      ? pull.checks.failedRuns.filter((run) => run.attempt <= 1).map((run) => run.id)
      : [];
  const facts: PullFacts = { ctx, pull, coding, runs, forced, verdict, rerun };
  return { need: nextNeed(facts), verdict, forced, rerun };
}

function nextNeed(facts: PullFacts): PullNeed {
  const { pull, runs } = facts;
  const fixes = runs.filter((run) => run.role === 'fix');
  if (fixes.some((run) => run.outcome === 'active')) return { kind: 'wait', state: 'fixing' };
  const retry = pendingRetry(facts);
  if (retry) return { kind: 'dispatch', role: 'fix', trigger: `comment-${retry.commentId}` };
  if (pull.draft) return partialNeed(facts);
  if (pull.mergeState === 'dirty') return conflictNeed(facts);
  if (!facts.forced) {
    const need = verdictNeed(facts);
    if (need) return need;
  }
  const checks = checksNeed(facts);
  if (checks.kind !== 'merge-ready') return checks;
  const held = mergeHold(pull, facts.ctx.config.merge);
  return held ? { kind: 'needs-human', reason: held } : checks;
}

/** The newest `/retry` given since the PR opened, unless a fix session answered it. */
function pendingRetry(facts: PullFacts): TimedCommand | null {
  const { ctx, pull } = facts;
  const retries = ctx.commands.retries.get(pull.worker) ?? [];
  const latest = retries.filter((info) => info.createdMs >= pull.createdMs).at(-1);
  if (!latest) return null;
  return fixRun(facts, `comment-${latest.commentId}`) ? null : latest;
}

/** The newest fix session of this PR's worker that `trigger` started. */
function fixRun({ runs }: PullFacts, trigger: SessionTrigger): JudgedRun | null {
  return runs.filter((run) => run.role === 'fix' && run.trigger === trigger).at(-1) ?? null;
}

/**
 * A draft pull request is partial work (publish opens one for a session that
 * stopped short of its brief): it waits for a person, and goes on from its
 * head, once per head, when a `/continue` asks or `budget.continuePartial`
 * does. A continuation that left the head as it was did not help.
 */
function partialNeed(facts: PullFacts): PullNeed {
  const trigger: SessionTrigger = `continue-${facts.pull.headSha}`;
  const fix = fixRun(facts, trigger);
  if (fix) return fixedOrNot(facts, fix, 'continue-failed');
  if (!continueAsked(facts)) return { kind: 'wait', state: 'partial' };
  return { kind: 'dispatch', role: 'fix', trigger };
}

/**
 * Whether a session should go on from the worker's partial work: a
 * `/continue` given after its newest session began, or, where
 * `budget.continuePartial` is on, a budget or daily cap that stopped it, once
 * there is more to spend than it had (`moneyLifted`).
 */
function continueAsked({ ctx, pull, coding }: PullFacts): boolean {
  const asked = (ctx.commands.continues.get(pull.worker) ?? []).some(
    (info) => !coding || info.createdMs > coding.run.createdMs,
  );
  if (asked) return true;
  const record = coding?.record ?? null;
  return (
    ctx.config.budget.continuePartial &&
    record !== null &&
    isMoneyLimit(record.limit) &&
    moneyLifted(ctx, record)
  );
}

/** A conflict with the build branch gets one fix session per build-branch head. */
function conflictNeed(facts: PullFacts): PullNeed {
  const sha = facts.ctx.snapshot.integration?.sha;
  if (!sha) return { kind: 'needs-human', reason: 'conflict' };
  const trigger: SessionTrigger = `conflict-${sha}`;
  const fix = fixRun(facts, trigger);
  if (fix) return fixedOrNot(facts, fix, 'conflict');
  return { kind: 'dispatch', role: 'fix', trigger };
}

/**
 * A fix that ran and left the problem on the head did not help, unless it
 * succeeded moments ago (its push may not be in sight yet, `SETTLE_MS`), or
 * the budget stopped it: then it waits for money and runs again on a raise.
 */
function fixedOrNot(facts: PullFacts, fix: JudgedRun, failed: NeedsHumanReason): PullNeed {
  const settles = fix.settlesInMs;
  if (settles !== null) return { kind: 'wait', state: 'fixing', settlesInMs: settles };
  // A fix that said a criterion cannot be met is no failure to fix again: a person answers.
  if (impossibleWordOf(facts.ctx, fix)) return { kind: 'needs-human', reason: 'impossible' };
  return stoppedForMoney(facts, fix) ?? { kind: 'needs-human', reason: failed };
}

/**
 * A session of this PR that the budget stopped (`moneyWaitOf`): it waits for
 * money, and once there is enough, the same session is asked for again.
 */
function stoppedForMoney({ ctx }: PullFacts, run: JudgedRun): PullNeed | null {
  const wait = moneyWaitOf(ctx, run);
  if (!wait || (run.role !== 'review' && run.role !== 'fix') || !run.trigger) return null;
  if (!wait.lifted) return { kind: 'wait', state: 'awaiting-budget' };
  return { kind: 'dispatch', role: run.role, trigger: run.trigger, resume: run.id };
}

function verdictNeed(facts: PullFacts): PullNeed | null {
  const { verdict } = facts;
  switch (verdict.kind) {
    case 'approve':
      return null;
    case 'awaiting-human':
      return { kind: 'wait', state: 'reviewing' };
    case 'changes-requested':
      return fixNeed(facts, `review-${verdict.review.id}`, 'fix-failed');
    case 'none':
      return reviewNeed(facts);
    default: {
      const _exhaustive: never = verdict;
      return _exhaustive;
    }
  }
}

/** One review session per head; a head that only merged the build branch in keeps its review. */
function reviewNeed(facts: PullFacts): PullNeed {
  const { ctx, pull, runs } = facts;
  if (!ctx.config.review.enabled) return { kind: 'wait', state: 'reviewing' };
  const heads = new Set([...workHeads(pull)].map((sha) => `head-${sha}`));
  const reviews = runs.filter((run) => run.role === 'review' && heads.has(run.trigger ?? ''));
  if (reviews.length === 0) {
    // The run whose session pushed the head reviews it after that session: no dispatch while it runs.
    const inRun = reviewInRun(facts);
    if (inRun) return inRun;
    // The budget stopped the review in that run: it waits for money, and is dispatched on a raise.
    const coding = runs.filter((run) => isReviewedInRun(run.role)).at(-1) ?? null;
    const stopped = reviewInRunMoneyWait(ctx, coding);
    if (stopped && !stopped.lifted) return { kind: 'wait', state: 'awaiting-budget' };
    return { kind: 'dispatch', role: 'review', trigger: `head-${pull.headSha}` };
  }
  // The review is posted before its run ends; a finished run without one has failed.
  if (reviews.some((run) => run.outcome === 'active')) {
    return { kind: 'wait', state: 'reviewing' };
  }
  const settles = soonest(reviews.map((run) => run.settlesInMs));
  if (settles !== null) return { kind: 'wait', state: 'reviewing', settlesInMs: settles };
  // The newest review the budget stopped waits for money, and runs again on a raise.
  const newest = reviews.at(-1) as JudgedRun;
  return stoppedForMoney(facts, newest) ?? { kind: 'needs-human', reason: 'review-failed' };
}

/**
 * The review in the run of a work, contract or fix session of the worker (the workflow's
 * review jobs, after its publish pushed the head): waited for while such a run is going
 * or has just ended (`SETTLE_MS`: its review may not be in sight yet). Once they have
 * ended without a review of the head (a failure, the budget, a workflow from before such
 * jobs, a head pushed since), the review is dispatched as its own run.
 */
function reviewInRun({ runs }: PullFacts): PullNeed | null {
  // Any such run of the worker: a twin of a first attempt may be newer than the run that pushed.
  const coding = runs.filter((run) => isReviewedInRun(run.role));
  if (coding.some((run) => run.outcome === 'active')) return { kind: 'wait', state: 'reviewing' };
  const settles = soonest(coding.map((run) => run.settlesInMs));
  return settles === null ? null : { kind: 'wait', state: 'reviewing', settlesInMs: settles };
}

function checksNeed(facts: PullFacts): PullNeed {
  const { ctx, pull } = facts;
  if (!ctx.config.merge.requireChecks) return { kind: 'merge-ready' };
  switch (pull.checks.state) {
    case 'success':
    case 'none':
      return { kind: 'merge-ready' };
    case 'pending':
      return { kind: 'wait', state: 'checks' };
    case 'failure':
      if (facts.rerun.length > 0) return { kind: 'wait', state: 'checks' };
      return fixNeed(facts, `checks-${pull.headSha}`, 'checks-failed');
    default: {
      const _exhaustive: never = pull.checks.state;
      return _exhaustive;
    }
  }
}

/**
 * A fix session for a review or red checks, within `review.maxFixRounds` per
 * PR. The same trigger never runs twice: if its fix ran and the problem is
 * still on the head, the fix did not help, and a person is asked.
 */
function fixNeed(facts: PullFacts, trigger: SessionTrigger, failed: NeedsHumanReason): PullNeed {
  const { ctx, pull, runs } = facts;
  const fix = fixRun(facts, trigger);
  if (fix) return fixedOrNot(facts, fix, failed);
  // A round is a trigger: twin runs of one fix (two replicas dispatched it, `lockFor`) are one.
  const rounds = new Set(
    runs
      .filter(
        (run) =>
          run.role === 'fix' &&
          /^(review|checks)-/.test(run.trigger ?? '') &&
          run.createdMs >= pull.createdMs,
      )
      .map((run) => run.trigger),
  ).size;
  if (rounds >= ctx.config.review.maxFixRounds)
    return { kind: 'needs-human', reason: 'fix-rounds' };
  return { kind: 'dispatch', role: 'fix', trigger };
}
