/**
 * Each worker of the plan as GitHub's truth shows it now: its state, why it
 * waits or failed, its pull request and its newest runs.
 */

import type { DecideContext } from '../context/decide-context.js';
import { impossibleWordOf } from '../context/impossible-words.js';
import { moneyWaitOf } from '../context/money-waits.js';
import { findRun, type JudgedRun, SETTLE_MS } from '../context/runs.js';
import { workRoleOf } from '../plan/contract.js';
import type { Plan, PlanWorker } from '../plan/plan.js';
import { isWorkRole } from '../sessions/session.js';
import { timeOf } from '../snapshot/normalize-snapshot.js';
import type { TimedCommand, TimedPull, TimedRun } from '../snapshot/snapshot.js';
import { isRunOwnRecord } from '../snapshot/usage-ties.js';
import type { WorkerDisplayState } from '../status/status-view.js';
import { assessPull, type CodingSession, type PullAssessment } from './pull-state.js';
import { workerNote } from './worker-note.js';
import { type FailReason, isDone, type WorkerState } from './worker-state.js';

/** Every worker's state, in plan order. */
export function deriveWorkers(ctx: DecideContext, plan: Plan): WorkerState[] {
  const states = plan.workers.map((worker) => baseState(ctx, worker));
  // In a change set, what a worker depends on in another repository counts once the set says it is done.
  const done = new Set([
    ...states.filter(isDone).map((state) => state.worker.id),
    ...(ctx.snapshot.changeSet?.outside.done ?? []),
  ]);
  return states.map((state) => {
    const waitsFor = state.worker.depends_on.filter((dep) => !done.has(dep));
    const ready = state.state === 'waiting' && waitsFor.length === 0;
    const settled: WorkerState = ready ? { ...state, state: 'ready' } : state;
    return { ...settled, note: workerNote({ ctx, state: settled, waitsFor }) };
  });
}

function baseState(ctx: DecideContext, worker: PlanWorker): WorkerState {
  const runs = ctx.snapshot.runs.filter((run) => run.worker === worker.id);
  const workRuns = runs.filter((run) => isWorkRole(run.role));
  const read = ctx.snapshot.completions[worker.id];
  const pull = pickPull(ctx.snapshot.pulls.filter((candidate) => candidate.worker === worker.id));
  const base: WorkerState = {
    worker,
    state: 'waiting',
    failure: null,
    note: null,
    attempts: workRuns.length,
    latestWork: workRuns.at(-1) ?? null,
    latestRun: runs.at(-1) ?? null,
    coding: latestCodingSession(ctx, worker.id),
    pull,
    assessment: null,
    retry: null,
    completion: read?.kind === 'valid' ? read.completion : null,
    settlesInMs: null,
  };
  return classify(ctx, base);
}

function classify(ctx: DecideContext, base: WorkerState): WorkerState {
  const { pull, latestWork } = base;
  if (pull?.state === 'merged') return { ...base, state: 'merged' };
  if (ctx.commands.skips.has(base.worker.id)) return { ...base, state: 'skipped' };
  if (pull?.state === 'open') {
    const assessment = assessPull({ ctx, pull, coding: base.coding });
    const settles = assessment.need.kind === 'wait' ? (assessment.need.settlesInMs ?? null) : null;
    const state = stateOfPull(assessment);
    // A partial worker shows why its newest session stopped short.
    const detail = state === 'partial' ? (base.coding?.record?.reason ?? null) : null;
    // A fix session that said a criterion cannot be met: the person is asked with its word.
    const word =
      assessment.need.kind === 'needs-human' && assessment.need.reason === 'impossible'
        ? impossibleWordOf(ctx, base.coding?.run ?? null)
        : null;
    return {
      ...base,
      state,
      assessment,
      settlesInMs: settles,
      ...(detail ? { failureDetail: detail } : {}),
      ...(word ? { impossible: word } : {}),
    };
  }
  if (!latestWork) return { ...base, retry: retryOfLockedFirst(ctx, base.worker.id) };
  const outcome = latestWork.outcome;
  if (outcome === 'active') {
    return { ...base, state: latestWork.status === 'queued' ? 'queued' : 'working' };
  }
  const closedSince = pull !== null && pull.createdMs >= latestWork.createdMs;
  // Its PR may have been opened after this reconcile read the pull requests: it settles first.
  const settles = closedSince ? null : latestWork.settlesInMs;
  if (settles !== null) return { ...base, state: 'working', settlesInMs: settles };
  const failure = closedSince ? 'pull-closed' : failureOf(ctx, latestWork);
  const retry = pendingWorkRetry(ctx, base.worker.id, latestWork);
  // Its usage record, which says why it failed, may have been written after this reconcile read them.
  const unrecorded = closedSince || retry ? null : settlesUnrecorded(ctx, latestWork);
  if (unrecorded !== null) return { ...base, state: 'working', settlesInMs: unrecorded };
  // A session the budget stopped waits for money, and starts again once there is enough.
  const wait = closedSince || retry ? null : moneyWaitOf(ctx, latestWork);
  if (wait) {
    return wait.lifted
      ? { ...base, state: 'ready', resume: latestWork }
      : { ...base, state: 'awaiting-budget' };
  }
  // A session that said a criterion cannot be met is no failure to fix: it waits for a person.
  const word = closedSince || retry ? null : impossibleWordOf(ctx, latestWork);
  if (word) return { ...base, state: 'impossible', impossible: word };
  const detail = closedSince ? null : sessionReason(ctx, latestWork);
  return {
    ...base,
    state: retry ? 'ready' : 'failed',
    failure,
    retry,
    ...(detail ? { failureDetail: detail } : {}),
  };
}

function stateOfPull(assessment: PullAssessment): WorkerDisplayState {
  const { need } = assessment;
  switch (need.kind) {
    case 'wait':
      return need.state;
    case 'dispatch':
      return need.role === 'review' ? 'reviewing' : 'fixing';
    case 'needs-human':
      return 'needs-human';
    case 'merge-ready':
      return 'approved';
    default: {
      const _exhaustive: never = need;
      return _exhaustive;
    }
  }
}

function failureOf(ctx: DecideContext, run: JudgedRun): FailReason {
  const overdue = ctx.overdue.get(run.id);
  if (overdue) return overdue;
  switch (run.conclusion) {
    case 'cancelled':
    case 'timed_out':
    case 'startup_failure':
      return run.conclusion;
    case 'success':
      return 'no-pull-request';
    default:
      return agentCompleted(ctx, run) ? 'not-published' : 'failure';
  }
}

/** The worker's newest session that changes its branch, if any, with its usage record. */
function latestCodingSession(ctx: DecideContext, worker: string): CodingSession | null {
  const run = ctx.snapshot.runs
    .filter((run) => run.worker === worker && (isWorkRole(run.role) || run.role === 'fix'))
    .at(-1);
  return run ? { run, record: ctx.records.get(run.id) ?? null } : null;
}

/**
 * Milliseconds until a run that failed without its usage record in sight counts as having
 * ended without one (`SETTLE_MS`); null when its record is in sight, it ended longer ago, or
 * Baton gave up on it. Publish writes the record, with why it refused, before the run ends; a
 * reconcile reads the records in the build query and the runs after it, so a run that wrote
 * its record and ended between the two reads is seen ended without it. Shown then, its row
 * and its one notice would say it failed and not why (nor that the budget stopped it, or that
 * it said the work cannot be done); on the next look the record is there.
 */
function settlesUnrecorded(ctx: DecideContext, run: JudgedRun): number | null {
  if (run.outcome !== 'failed' || ctx.overdue.has(run.id) || ctx.records.has(run.id)) return null;
  const now = timeOf(ctx.now);
  const left = now === null ? 0 : run.updatedMs + SETTLE_MS - now;
  return Number.isFinite(left) && left > 0 ? left : null;
}

/** The reason the run's newest attempt recorded with its usage, if any. */
function sessionReason(ctx: DecideContext, run: TimedRun): string | null {
  return ctx.records.get(run.id)?.reason ?? null;
}

/** Whether the run's usage record (written by publish before its checks) says the agent finished its work. */
function agentCompleted(ctx: DecideContext, run: JudgedRun): boolean {
  return (ctx.snapshot.usage ?? []).some(
    (record) => record.run_id === run.id && isRunOwnRecord(record) && record.outcome === 'complete',
  );
}

/** The newest `/retry` given after the last attempt began, unless a work session answered it. */
function pendingWorkRetry(
  ctx: DecideContext,
  worker: string,
  latest: JudgedRun,
): TimedCommand | null {
  const retry = (ctx.commands.retries.get(worker) ?? []).at(-1);
  if (!retry || retry.createdMs <= latest.createdMs) return null;
  const answered = findRun(ctx.snapshot.runs, {
    role: workRoleOf(worker),
    worker,
    trigger: `comment-${retry.commentId}`,
  });
  return answered ? null : retry;
}

/**
 * The newest `/retry` of a worker whose branch exists though no work session
 * of it ever ran. Its branch is its first dispatch's lock: taken, and the run
 * never started (the process died between the two, or GitHub's answer to the
 * dispatch was lost), every first dispatch stands down on it for good. The
 * retry's dispatch takes a lock of its own and resets the branch, as for a
 * failed attempt. A worker with no branch yet starts as usual.
 */
function retryOfLockedFirst(ctx: DecideContext, worker: string): TimedCommand | null {
  if (ctx.snapshot.branches[worker] === undefined) return null;
  return (ctx.commands.retries.get(worker) ?? []).at(-1) ?? null;
}

/** The PR that speaks for a worker: merged, else open, else the newest. */
function pickPull(pulls: TimedPull[]): TimedPull | null {
  return (
    pulls.find((pull) => pull.state === 'merged') ??
    pulls.filter((pull) => pull.state === 'open').at(-1) ??
    pulls.at(-1) ??
    null
  );
}
