import type { DecideContext } from '../context/decide-context.js';
import type { ImpossibleWord } from '../context/impossible-words.js';
import { moneyWaitOf, moneyWaitText, reviewInRunMoneyWait } from '../context/money-waits.js';
import { LIMIT_NAMES } from '../records/usage.js';
import { code } from '../vocabulary/markdown.js';
import { MERGE_HOLD_TEXTS, mergeWaitText } from './merge-hold.js';
import type { NeedsHumanReason } from './pull-state.js';
import type { FailReason, WorkerState } from './worker-state.js';

/** A worker as a note names it: in a change set, one of another repository with that repository. */
function named(ctx: DecideContext): (id: string) => string {
  const elsewhere = ctx.snapshot.changeSet?.outside.repositories ?? {};
  return (id) => (elsewhere[id] ? `${id} (${elsewhere[id]})` : id);
}

/** Why a worker waits, failed or needs a person, in a few words for the status table. */
export function workerNote({
  ctx,
  state,
  waitsFor,
}: {
  ctx: DecideContext;
  state: WorkerState;
  waitsFor: string[];
}): string | null {
  switch (state.state) {
    case 'waiting':
      return waitsFor.length > 0 ? `waits for ${waitsFor.map(named(ctx)).join(', ')}` : null;
    case 'ready':
      return state.retry ? `retry asked by ${state.retry.author}` : null;
    case 'failed':
      return state.failure ? failureText(ctx, state.failure, state.failureDetail) : null;
    case 'impossible':
      return state.impossible ? impossibleText(state.impossible) : null;
    case 'needs-human':
      if (state.impossible) return impossibleText(state.impossible);
      return state.assessment?.need.kind === 'needs-human'
        ? needsHumanText(ctx, state.assessment.need.reason)
        : null;
    case 'partial':
      return partialText(state);
    case 'awaiting-budget': {
      const wait = moneyWaitOf(ctx, state.latestRun) ?? reviewInRunMoneyWait(ctx, state.latestRun);
      return wait ? moneyWaitText(ctx, wait) : null;
    }
    case 'reviewing':
      return reviewingText(ctx, state);
    case 'checks':
      return state.assessment?.rerun.length ? 're-running failed checks' : 'waiting for checks';
    case 'approved':
      return approvedText(state);
    case 'queued':
    case 'working':
    case 'fixing':
    case 'merged':
    case 'skipped':
      return null;
    default: {
      const _exhaustive: never = state.state;
      return _exhaustive;
    }
  }
}

/**
 * Why an attempt failed, from its run's conclusion or Baton's own limits, and
 * the session's own one-line reason when its publish job recorded one. That
 * reason may quote a model, so it is shown only as a code span: no markup, no
 * mention, no link of its own.
 */
function failureText(ctx: DecideContext, reason: FailReason, detail?: string): string {
  if (!detail) return conclusionText(ctx, reason);
  // The detail names publish's rule: the base need not send the reader to the job for it.
  const refused = reason === 'not-published';
  const base = refused ? "publish refused the session's changes" : conclusionText(ctx, reason);
  const shown = refused ? detail.replace(/^publish refused:\s*/, '') : detail;
  // Angle brackets would be escaped to entities after this, and read as such inside the span.
  return `${base}: ${code(shown.replace(/[<>]/g, ' '))}`;
}

function conclusionText(ctx: DecideContext, reason: FailReason): string {
  const { session } = ctx.config;
  const texts: Record<FailReason, string> = {
    failure: 'the session failed',
    cancelled: 'the session was cancelled',
    timed_out: 'the session timed out',
    startup_failure: 'the workflow could not start',
    // A worker's run holds its session and the review after it: twice the time (overdue-runs.ts).
    'run-timeout': `ran longer than ${2 * session.timeoutMinutes} minutes (twice session.timeoutMinutes: its session and the review after it)`,
    'queued-too-long': `queued longer than ${session.queuedMinutes} minutes (session.queuedMinutes)`,
    'no-pull-request': 'the session ended without a pull request',
    'not-published':
      "publish refused the session's changes (or could not write them); the run's publish job says which rule",
    'pull-closed': 'its pull request was closed without merging',
  };
  return texts[reason];
}

/**
 * What a session that said a criterion cannot be met said: the criteria, and
 * its reason (model text) as a code span, as a failed session's reason is shown.
 */
function impossibleText(word: ImpossibleWord): string {
  const what = word.criteria.length > 0 ? word.criteria.join(', ') : 'its brief';
  const why = word.reason ? `: ${code(word.reason.replace(/[<>]/g, ' '))}` : '';
  return `says ${what} cannot be met${why}; a person answers`;
}

/** Why a worker PR waits for a person. */
export function needsHumanText(ctx: DecideContext, reason: NeedsHumanReason): string {
  const texts: Record<NeedsHumanReason, string> = {
    impossible: 'its fix session says a criterion cannot be met',
    'fix-rounds': `changes still requested after ${ctx.config.review.maxFixRounds} fix rounds (review.maxFixRounds)`,
    'fix-failed': 'the fix session did not change the pull request',
    'review-failed': 'the review session ended without a review',
    conflict: 'it conflicts with the build branch and the fix session did not resolve it',
    'checks-failed': 'checks still fail after a fix session',
    'continue-failed':
      'the session that went on from its partial work did not change the pull request',
    ...MERGE_HOLD_TEXTS,
  };
  return texts[reason];
}

/** What stopped a partial worker's session, and that its hand-off note is on the draft PR. */
function partialText(state: WorkerState): string {
  const limit = state.coding?.record?.limit ?? null;
  const why = limit ? `stopped at ${LIMIT_NAMES[limit]}` : 'its session stopped short';
  const detail = state.failureDetail ? `: ${code(state.failureDetail.replace(/[<>]/g, ' '))}` : '';
  return `${why}${detail}; its work so far and hand-off note are on the draft pull request`;
}

function reviewingText(ctx: DecideContext, state: WorkerState): string | null {
  if (state.assessment?.verdict.kind === 'awaiting-human') {
    return "Baton approved; waiting for a person's approval (review.requireHuman)";
  }
  return ctx.config.review.enabled ? null : 'waiting for a review';
}

function approvedText(state: WorkerState): string | null {
  return state.pull ? mergeWaitText(state.pull) : null;
}
