import { dependentChainLengths } from '../plan/schedule.js';
import type { UsageRecord } from '../records/usage.js';
import { isReviewedInRun, isWorkRole, type SessionRole } from '../sessions/session.js';
import { typicalRunMs } from '../snapshot/awaited-work.js';
import { foldCommands } from '../snapshot/command-state.js';
import {
  SESSION_WRITES,
  WRITES_AT_FIRST_DISPATCH,
  WRITES_AT_FIX_DISPATCH,
  WRITES_OF_A_MERGE,
  WRITES_OF_A_REVIEW,
  WRITES_OF_A_REVIEW_CHECK,
  WRITES_OF_A_REVIEW_IN_RUN,
  WRITES_PER_BUILD,
  WRITES_PER_FIX_ROUND,
} from '../snapshot/estimate.js';
import { closeCancels } from '../snapshot/issue-close.js';
import { normalizeSnapshot } from '../snapshot/normalize-snapshot.js';
import { pullVerdict, workHeads } from '../snapshot/pull-verdict.js';
import type { BuildSnapshot, TimedPull, TimedRun } from '../snapshot/snapshot.js';

/** `count` content-creating requests expected at `at` (ms since the epoch). */
export interface DueWrites {
  at: number;
  count: number;
}

/** How long a session of each role a worker runs is expected to take, in ms. */
export interface SessionLengths {
  work: number;
  review: number;
  fix: number;
}

/** A session's expected length before any run of the build has ended to learn it from. */
export const DEFAULT_SESSION_MS = 10 * 60_000;

/**
 * The sessions' typical lengths, as the build's looks learn them (`typicalRunMs`:
 * the median of the role's successful runs, before any the quickest role's);
 * `DEFAULT_SESSION_MS` before any run has ended.
 */
export function sessionLengths(runs: TimedRun[]): SessionLengths {
  const of = (role: SessionRole) => typicalRunMs(runs, role) ?? DEFAULT_SESSION_MS;
  return { work: of('work'), review: of('review'), fix: of('fix') };
}

/**
 * How a build's workers go, for the writes they owe: its sessions' typical lengths, and
 * whether its runs review the heads their sessions push (`reviewInRun`, as the shipped
 * workflow's review jobs do). Where they do, a work, contract or fix session's typical
 * length (`typicalRunMs` of its runs) covers the review after it, and the review is counted
 * with that session's writes when it is dispatched (`dispatchedSessionWrites`); where they do
 * not, a review is a dispatch of its own, the dearer.
 */
export interface WorkerCourse extends SessionLengths {
  reviewInRun: boolean;
}

/**
 * How `snapshot`'s build's workers go: the one place that decides whether its runs review in
 * the run. They are taken to (the shipped workflow does), from the build's first dispatch on,
 * unless a run shows it could have and did not (`skippedReviewInRun`): a workflow from before
 * the review jobs, or reviews off; such a build is counted the dearer way. Until its first
 * run ends, such a build counts at each work dispatch a review in the run that never comes,
 * beside the review's dispatch owed once the run ends without one: more than GitHub sees, so
 * the budget only waits longer. Taken the other way until a review's record came
 * (`UsageRecord.after`), a build that does review in the run counted no review at all for
 * the workers dispatched before it: fewer than GitHub sees.
 */
export function workerCourse(snapshot: BuildSnapshot): WorkerCourse {
  const { runs } = normalizeSnapshot(snapshot);
  return {
    ...sessionLengths(runs),
    reviewInRun: !skippedReviewInRun(runs, snapshot.usage ?? []),
  };
}

/**
 * Whether a run of the build could have reviewed its session's head and did not: a run of a
 * role reviewed in the run (`isReviewedInRun`) that completed and succeeded, whose session's
 * own usage record (same run and attempt, no `after`) says it completed, with no record of a
 * review in that run and attempt (`after`). A run under way, or one that failed or stopped
 * short (no head to review), tells nothing.
 */
function skippedReviewInRun(runs: TimedRun[], usage: readonly UsageRecord[]): boolean {
  const of = (run: TimedRun, record: UsageRecord) =>
    record.run_id === run.id && record.attempt === (run.attempt ?? 1);
  return runs.some(
    (run) =>
      isReviewedInRun(run.role) &&
      run.status === 'completed' &&
      run.conclusion === 'success' &&
      usage.some(
        (record) => of(run, record) && record.after === undefined && record.outcome === 'complete',
      ) &&
      !usage.some((record) => of(run, record) && record.after !== undefined),
  );
}

/**
 * The writes a session of `role` makes as the app once dispatched (`SESSION_WRITES`), and,
 * where the build's runs review in the run, the review after a work, contract or fix session.
 */
export function dispatchedSessionWrites(course: WorkerCourse, role: SessionRole): number {
  const after = course.reviewInRun && isReviewedInRun(role) ? WRITES_OF_A_REVIEW_IN_RUN : 0;
  return SESSION_WRITES[role] + after;
}

/** A session of `role` that starts now: how long until its writes land. */
export function sessionLengthOf(lengths: SessionLengths, role: SessionRole): number {
  if (role === 'review' || role === 'validate') return lengths.review;
  if (role === 'fix') return lengths.fix;
  return lengths.work;
}

/**
 * Everything a worker's first dispatch at `at` sets in motion, when each lands
 * (`WRITES_PER_STARTED_WORKER` in all, the dearer way): its dispatch at once, its
 * work session's pull request when the session typically ends, its review then
 * (the review's dispatch and review), and its merge right after the review. Where
 * the build's runs review in the run, the run's typical length covers the review:
 * its pull request and its review land when the run typically ends, its merge
 * right after.
 */
export function startedWorkerWrites(at: number, course: WorkerCourse): DueWrites[] {
  const pull = at + course.work;
  return [
    { at, count: WRITES_AT_FIRST_DISPATCH - SESSION_WRITES.work },
    { at: pull, count: SESSION_WRITES.work },
    { at: pull, count: reviewWrites(course) },
    { at: mergeAfter(pull, course), count: WRITES_OF_A_MERGE },
  ];
}

/**
 * What a worker just dispatched still owes (`WRITES_OWED_PER_WORKER`): its
 * review and merge, after its work session's typical length. Its dispatch's
 * writes are made, and its session's pull request (and its review, where the run
 * reviews it: `dispatchedSessionWrites`) is counted when it is due; its merge is
 * then right after the run's typical end.
 */
export function dispatchedWorkerWrites(at: number, course: WorkerCourse): DueWrites[] {
  const pull = at + course.work;
  return [
    ...(course.reviewInRun ? [] : [{ at: pull, count: WRITES_OF_A_REVIEW }]),
    { at: mergeAfter(pull, course), count: WRITES_OF_A_MERGE },
  ];
}

/**
 * When a worker whose session's writes land at `end` merges: then, where its run reviews
 * the head (the run's typical length covers the review); a review's typical length later
 * where the review is a run of its own.
 */
function mergeAfter(end: number, course: WorkerCourse): number {
  return course.reviewInRun ? end : end + course.review;
}

/** A worker's review: a dispatch and its session's review, or the session's review alone in its run. */
function reviewWrites(course: WorkerCourse): number {
  return course.reviewInRun ? WRITES_OF_A_REVIEW_IN_RUN : WRITES_OF_A_REVIEW;
}

/** The writes of `forecast`, whenever they are due. */
export function totalOf(forecast: readonly DueWrites[]): number {
  return forecast.reduce((sum, due) => sum + due.count, 0);
}

/**
 * What the write budget forecasts of a build before a new first dispatch, as
 * its snapshot shows it: each write its work under way still owes, with when
 * it is expected to land (the sessions' typical lengths, `sessionLengths`; a
 * merge right after its review, in its run or of its own), and room for the
 * next worker of each of its chains, from when its dependencies are expected
 * to merge.
 *
 * Owed, for each worker started (its branch or a work run exists) whose pull
 * request is neither merged nor closed: `WRITES_OWED_PER_WORKER`, less
 * `WRITES_OF_A_REVIEW` once the review run of its pull request's head is
 * listed (made, so counted) or while the run that pushed the head reviews it
 * (its merge alone, where the build's runs review in the run: `workerCourse`);
 * plus a fix round (`WRITES_PER_FIX_ROUND`) while a
 * review requests changes on its head or its checks fail, less
 * `WRITES_AT_FIX_DISPATCH` once that fix runs, and the `baton/review` check
 * while a rule of the build branch holds it. A worker whose session is under
 * way is reviewed when the session typically ends; a pull request not yet
 * reviewed is reviewed now. And `WRITES_PER_BUILD` once every worker has
 * started or been skipped, and the final pull request is not open yet: after
 * the last worker's merge.
 *
 * Held for the next worker of a chain (`startedWorkerWrites`): a worker not
 * started that others wait on (its `dependentChainLengths` is 2 or more) and
 * whose dependencies have all started, not all ended, from when the last of
 * them is expected to merge. Without the room held, what they free would go to
 * work with slack (a chain's last worker, another build's), and the chain,
 * which is what the build's length is made of, would wait for the hour to turn.
 *
 * A build whose issue a writer closed (cancelled) holds nothing. No write is
 * due before `nowMs`: one overdue is expected now.
 */
export function forecastWrites({
  snapshot,
  nowMs,
}: {
  snapshot: BuildSnapshot;
  nowMs: number;
}): DueWrites[] {
  if (closeCancels(snapshot) || snapshot.plan.kind !== 'valid') return [];
  const { workers } = snapshot.plan.plan;
  const { runs, pulls } = normalizeSnapshot(snapshot);
  const course = workerCourse(snapshot);
  const { skips } = foldCommands(snapshot.commands);
  const started = (id: string) =>
    snapshot.branches[id] !== undefined ||
    runs.some((run) => isWorkRole(run.role) && run.worker === id);
  const ended = (id: string) =>
    pulls.some(
      (pull) => pull.worker === id && (pull.state === 'merged' || pull.state === 'closed'),
    );
  const due: DueWrites[] = [];
  const owe = (at: number, count: number) => {
    if (count !== 0) due.push({ at: Math.max(at, nowMs), count });
  };
  // When each started worker is expected to merge: its dependents start then.
  const merges = new Map<string, number>();
  for (const { id } of workers) {
    if (!started(id) || ended(id)) continue;
    const own = runs.filter((run) => run.worker === id);
    const pull = pulls.find((candidate) => candidate.worker === id && candidate.state === 'open');
    merges.set(id, oweWorker({ runs: own, pull, course, nowMs, owe }));
  }
  const chains = dependentChainLengths(workers);
  let waiting = false;
  for (const { id, depends_on } of workers) {
    if (started(id)) continue;
    // A worker skipped before it started is done without starting.
    if (!skips.has(id)) waiting = true;
    const next =
      (chains.get(id) ?? 1) >= 2 &&
      depends_on.length > 0 &&
      depends_on.every(started) &&
      !depends_on.every(ended);
    if (!next) continue;
    const from = Math.max(nowMs, ...depends_on.map((dep) => merges.get(dep) ?? nowMs));
    for (const write of startedWorkerWrites(from, course)) owe(write.at, write.count);
  }
  if (!waiting && !snapshot.finalPull) owe(Math.max(nowMs, ...merges.values()), WRITES_PER_BUILD);
  return due;
}

/** The total of `forecastWrites`: what a build's work under way still writes, whenever. */
export function writesOwed(snapshot: BuildSnapshot): number {
  return totalOf(forecastWrites({ snapshot, nowMs: 0 }));
}

/**
 * What one started worker still owes, placed when due (`forecastWrites`); answers when it is
 * expected to merge. Where the build's runs review in the run, a review of the head its
 * session pushed is counted with that session's writes, and the merge is due when the run
 * typically ends (its typical length covers the review); only a review the run did not post
 * (it ended without one) is owed, as a dispatch of its own.
 */
function oweWorker({
  runs,
  pull,
  course,
  nowMs,
  owe,
}: {
  runs: TimedRun[];
  pull: TimedPull | undefined;
  course: WorkerCourse;
  nowMs: number;
  owe: (at: number, count: number) => void;
}): number {
  const endOf = (run: TimedRun | undefined, length: number) =>
    run && run.status !== 'completed' ? Math.max(nowMs, run.createdMs + length) : nowMs;
  if (!pull) {
    // Its session is under way: reviewed once its pull request lands (in its run: as the run ends).
    const work = runs.filter((run) => isWorkRole(run.role)).at(-1);
    const ends = endOf(work, course.work);
    if (!course.reviewInRun) owe(ends, WRITES_OF_A_REVIEW);
    const merge = mergeAfter(ends, course);
    owe(merge, WRITES_OF_A_MERGE);
    return merge;
  }
  const heads = new Set([...workHeads(pull)].map((sha) => `head-${sha}`));
  const reviewed = runs
    .filter((run) => run.role === 'review' && heads.has(run.trigger ?? ''))
    .at(-1);
  const verdict = pullVerdict({ pull, requireHuman: false });
  const inRun = course.reviewInRun
    ? runs.filter((run) => isReviewedInRun(run.role) && run.status !== 'completed').at(-1)
    : undefined;
  // Reviewed, or its review under way (its writes counted): else its review goes now.
  let merge: number;
  if (reviewed) merge = endOf(reviewed, course.review);
  else if (verdict.kind !== 'none') merge = nowMs;
  else if (inRun) merge = endOf(inRun, sessionLengthOf(course, inRun.role));
  else {
    owe(nowMs, WRITES_OF_A_REVIEW);
    merge = nowMs + course.review;
  }
  const fixFor =
    verdict.kind === 'changes-requested'
      ? `review-${verdict.review.id}`
      : pull.checks.state === 'failure'
        ? `checks-${pull.headSha}`
        : null;
  if (fixFor !== null) {
    const fix = runs.find((run) => run.role === 'fix' && run.trigger === fixFor);
    // A round: its fix's dispatch now, its second review and the rest once the fix typically ends.
    const again = endOf(fix, course.fix) + course.review;
    if (!fix) owe(nowMs, WRITES_AT_FIX_DISPATCH);
    if (fix?.status !== 'completed') {
      owe(again, WRITES_PER_FIX_ROUND - WRITES_AT_FIX_DISPATCH);
      merge = Math.max(merge, again);
    }
  }
  // GitHub holds it (`blocked`) without Baton's approving check on its head: the check is owed.
  if (
    pull.mergeState === 'blocked' &&
    !(pull.reviewCheck?.sha === pull.headSha && pull.reviewCheck.verdict === 'approve')
  )
    owe(nowMs, WRITES_OF_A_REVIEW_CHECK);
  owe(merge, WRITES_OF_A_MERGE);
  return merge;
}
