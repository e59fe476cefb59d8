import type { ImpossibleWord } from '../context/impossible-words.js';
import type { JudgedRun } from '../context/runs.js';
import type { PlanWorker } from '../plan/plan.js';
import type { Completion } from '../records/completion.js';
import type { TimedCommand, TimedPull } from '../snapshot/snapshot.js';
import type { WorkerDisplayState } from '../status/status-view.js';
import type { AutonomyWait } from '../verification/autonomy.js';
import type { CodingSession, PullAssessment } from './pull-state.js';

/** Why a worker's attempt ended without a pull request to go on with. */
export type FailReason =
  | 'failure'
  | 'cancelled'
  | 'timed_out'
  | 'startup_failure'
  | 'run-timeout'
  | 'queued-too-long'
  | 'no-pull-request'
  /** The agent finished (its usage record says so) but the run failed: publish did not take its output. */
  | 'not-published'
  | 'pull-closed';

/** One worker of the plan as GitHub's truth shows it now. */
export interface WorkerState {
  worker: PlanWorker;
  state: WorkerDisplayState;
  failure: FailReason | null;
  /**
   * The failed session's own one-line reason, from the usage record its
   * publish job wrote (schema-checked, shown only as a code span).
   */
  failureDetail?: string;
  /** Why it waits or failed, in a few words. */
  note: string | null;
  /** Work sessions started for it. */
  attempts: number;
  latestWork: JudgedRun | null;
  /** Its newest run of any role. */
  latestRun: JudgedRun | null;
  /** Its newest session that changed its branch (work or fix), with its usage record. */
  coding: CodingSession | null;
  /** Its merged PR, else its open one, else its newest closed one. */
  pull: TimedPull | null;
  /** Set while its PR is open. */
  assessment: PullAssessment | null;
  /** A `/retry` of a failed attempt that no work session has answered yet. */
  retry: TimedCommand | null;
  /**
   * Its work session the budget stopped, now that there is money again: the
   * same session is asked for once more (src/core/context/money-waits.ts).
   */
  resume?: JudgedRun;
  completion: Completion | null;
  /**
   * A session of it succeeded moments ago without its result in sight (the PR,
   * the review, the fix's push): ms until that counts as a failure (`SETTLE_MS`).
   */
  settlesInMs: number | null;
  /**
   * Its newest session's word that a criterion cannot be met (state `impossible`,
   * or `needs-human` for a fix session's): the criteria and the one-line reason
   * its publish recorded, which may quote a model.
   */
  impossible?: ImpossibleWord;
  /**
   * Why its approved pull request waits for a person by risk (`verification.autonomy`,
   * src/core/rules/autonomy-holds.ts); absent otherwise, and once a person's `/hold` outranks it.
   */
  wait?: AutonomyWait;
}

/** What moves by itself: a session, a review, checks or a merge. */
export const MOVING: ReadonlySet<WorkerDisplayState> = new Set([
  'queued',
  'working',
  'reviewing',
  'fixing',
  'checks',
  'approved',
]);

const RUNNING: ReadonlySet<WorkerDisplayState> = new Set([
  ...MOVING,
  'needs-human',
  'awaiting-budget',
]);

/** Dispatched and neither merged, skipped, failed nor closed: it holds one of `maxParallel`. */
export function isRunning(state: WorkerState): boolean {
  return RUNNING.has(state.state);
}

/** Merged or skipped: its dependents may start. */
export function isDone(state: WorkerState): boolean {
  return state.state === 'merged' || state.state === 'skipped';
}
