import type { DecideContext } from './decide-context.js';
import type { NeedsHumanReason } from './pull-state.js';
import type { FailReason, WorkerState } from './worker-state.js';

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
      return waitsFor.length > 0 ? `waits for ${waitsFor.join(', ')}` : null;
    case 'ready':
      return state.retry ? `retry asked by ${state.retry.author}` : null;
    case 'failed':
      return refusedText(ctx, state) ?? (state.failure ? failureText(ctx, state.failure) : null);
    case 'needs-human':
      return state.assessment?.need.kind === 'needs-human'
        ? needsHumanText(ctx, state.assessment.need.reason)
        : null;
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

/** What publish refused in the failed attempt's run, as its usage record says. */
function refusedText(ctx: DecideContext, state: WorkerState): string | null {
  const run = state.failure === 'failure' ? state.latestWork : null;
  const record = run
    ? (ctx.snapshot.usage ?? []).filter((usage) => usage.run_id === run.id && usage.refused).at(-1)
    : undefined;
  return record?.refused ? `publish refused ${record.refused}` : null;
}

/** Why an attempt failed, from its run's conclusion or Baton's own limits. */
export function failureText(ctx: DecideContext, reason: FailReason): string {
  const { session } = ctx.config;
  const texts: Record<FailReason, string> = {
    failure: 'the session failed',
    cancelled: 'the session was cancelled',
    timed_out: 'the session timed out',
    startup_failure: 'the workflow could not start',
    'run-timeout': `ran longer than ${session.timeoutMinutes} minutes (session.timeoutMinutes)`,
    'queued-too-long': `queued longer than ${session.queuedMinutes} minutes (session.queuedMinutes)`,
    'no-pull-request': 'the session ended without a pull request',
    'pull-closed': 'its pull request was closed without merging',
  };
  return texts[reason];
}

/** Why a worker PR waits for a person. */
export function needsHumanText(ctx: DecideContext, reason: NeedsHumanReason): string {
  const texts: Record<NeedsHumanReason, string> = {
    'fix-rounds': `changes still requested after ${ctx.config.review.maxFixRounds} fix rounds (review.maxFixRounds)`,
    'fix-failed': 'the fix session did not change the pull request',
    'review-failed': 'the review session ended without a review',
    conflict: 'it conflicts with the build branch and the fix session did not resolve it',
    'checks-failed': 'checks still fail after a fix session',
  };
  return texts[reason];
}

function reviewingText(ctx: DecideContext, state: WorkerState): string | null {
  if (state.assessment?.verdict.kind === 'awaiting-human') {
    return "Baton approved; waiting for a person's approval (review.requireHuman)";
  }
  return ctx.config.review.enabled ? null : 'waiting for a review';
}

function approvedText(state: WorkerState): string | null {
  switch (state.pull?.mergeState) {
    case 'behind':
      return 'behind the build branch; updated when next in line';
    case 'blocked':
      return 'waiting for branch protection';
    case 'unknown':
      return 'waiting for GitHub to check mergeability';
    default:
      return null;
  }
}
