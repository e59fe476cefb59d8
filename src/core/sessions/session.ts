/**
 * The contract between the app and the Baton workflow: what a dispatch asks
 * for, and how a run says what it is. Every value is a short id; a session
 * reads everything else by path or id.
 */
import type { Engine } from '../vocabulary/engine-names.js';
import { integrationBranch } from '../vocabulary/ids.js';

/**
 * `contract` is the first session of the contract's worker `W0.1`
 * (docs/verification.md), a worker's session as `work` is (`isWorkRole`).
 * `research` and `summary` run only in improvement loops (docs/improve.md); there,
 * and for a loop's `plan`, the worker slot of the run name holds the loop (`L2`).
 * `synthesis` runs only at the end of a research build (docs/build-types.md).
 * `validate` runs the build's contract on the build branch at each milestone
 * (docs/verification.md); its worker slot holds the milestone (`M2`).
 * `learn` runs once when a build has ended (its final pull request merged or
 * closed), or for one `/remember` (its trigger the comment), and proposes
 * lessons in a pull request a person approves (docs/memory.md).
 */
export const SESSION_ROLES = [
  'plan',
  'work',
  'contract',
  'review',
  'fix',
  'research',
  'summary',
  'synthesis',
  'validate',
  'learn',
] as const;
export type SessionRole = (typeof SESSION_ROLES)[number];

/**
 * A worker's first session, which opens its pull request: `work`, or
 * `contract` for the contract's worker.
 */
export function isWorkRole(role: SessionRole): role is 'work' | 'contract' {
  return role === 'work' || role === 'contract';
}

/** The sessions whose run reviews the head they pushed, after them (docs/sessions.md, "The review in the run"). */
export const REVIEWED_IN_RUN = ['work', 'contract', 'fix'] as const;
export type ReviewedInRun = (typeof REVIEWED_IN_RUN)[number];

export function isReviewedInRun(role: SessionRole): role is ReviewedInRun {
  return (REVIEWED_IN_RUN as readonly string[]).includes(role);
}

/**
 * What a session answers, as `<kind>-<id>`:
 * `comment-<id>` (a `/replan` or `/retry` comment), `review-<id>` (a review asking
 * for changes), `checks-<sha>` (red CI on that head), `conflict-<sha>` (the build
 * branch head it conflicts with), `head-<sha>` (the PR head a review is for),
 * `adapt-<worker>` (a plan session in adapt mode, revising the briefs that
 * worker's completion named), `continue-<sha>` (a fix session that goes on
 * from the partial work at that head of the worker's draft pull request). Absent for a first plan or a first work attempt.
 */
export type SessionTrigger =
  `${'comment' | 'review' | 'checks' | 'conflict' | 'head' | 'continue' | 'adapt'}-${string}`;

const TRIGGER =
  /^(?:(comment|review|checks|conflict|head|continue)-([0-9a-f]{1,40}|\d+)|(adapt)-(W(?:[1-9]\d?\.[1-9]\d?|0\.1)))$/;

/** GitHub's hosted runner, the workflow's `runs-on` when no `runner` input is given. */
export const DEFAULT_RUNNER = 'ubuntu-latest';

export interface SessionRequest {
  role: SessionRole;
  /** `<issue>-<slug>`. */
  build: string;
  issue: number;
  /**
   * The worker, for `work`, `review` and `fix`; the loop (`L2`) for a loop's `research`, `plan` and `summary`;
   * the milestone (`M2`) for a `validate`.
   */
  worker?: string;
  /** The worker's pull request, for `review` and `fix`. */
  pr?: number;
  trigger?: SessionTrigger;
  /**
   * The same session asked for again after the budget or the day's cap stopped
   * run `resume` and was raised (docs/costs.md, "A cap stops, a raise resumes").
   * No input of the workflow's: it keys the dispatch's guard (`lockFor`), and
   * only a run newer than `resume` is this dispatch's.
   */
  resume?: number;
  /** The runner label (config `session.runsOn`), when not `ubuntu-latest`. */
  runner?: string;
  /** `session.timeoutMinutes`, when not the default: the agent job's `timeout-minutes` follows it. */
  timeoutMinutes?: number;
  /** The coding engine (`engineFor`), when not Baton's own loop. */
  engine?: Engine;
  /**
   * A change set's session (docs/change-sets.md): what the set's one budget
   * had left when the app dispatched it, in dollars (cents rounded down). The
   * session spends no more, nor more than its own repository's limits allow.
   */
  setBudgetUsd?: number;
  /**
   * A change set's plan session (docs/change-sets.md): the workflow's `views` job
   * first fetches, read-only, the repositories the session may read.
   */
  views?: true;
}

export function isSessionTrigger(value: string): value is SessionTrigger {
  return TRIGGER.test(value);
}

export function parseTrigger(trigger: SessionTrigger): { kind: string; id: string } {
  const match = TRIGGER.exec(trigger);
  return { kind: match?.[1] ?? match?.[3] ?? '', id: match?.[2] ?? match?.[4] ?? '' };
}

/**
 * The run's name, set by the workflow's `run-name` from the same inputs:
 * `baton <role> <build> <worker|-> <trigger|->`. A run's inputs are not in the
 * REST listing, its name is; so this is how the app tells runs apart.
 */
export function renderRunName(request: SessionRequest): string {
  return `baton ${request.role} ${request.build} ${request.worker ?? '-'} ${request.trigger ?? '-'}`;
}

export interface RunName {
  role: SessionRole;
  build: string;
  worker: string | null;
  trigger: SessionTrigger | null;
}

export function parseRunName(title: string): RunName | null {
  const [baton, role, build, worker, trigger, ...rest] = title.trim().split(/\s+/);
  if (baton !== 'baton' || rest.length > 0 || !build || !worker || !trigger) return null;
  if (!SESSION_ROLES.includes(role as SessionRole)) return null;
  if (trigger !== '-' && !isSessionTrigger(trigger)) return null;
  return {
    role: role as SessionRole,
    build,
    worker: worker === '-' ? null : worker,
    trigger: trigger === '-' ? null : trigger,
  };
}

/**
 * The workers of `build` whose first attempt has a run among `titles` (run
 * names): started, though their branch may not exist yet (a first attempt runs
 * on the build branch, and its publish opens the worker's branch).
 */
export function firstAttemptsIn(titles: readonly string[], build: string): Set<string> {
  const started = new Set<string>();
  for (const title of titles) {
    const run = parseRunName(title);
    if (run?.build === build && run.worker && isWorkRole(run.role)) started.add(run.worker);
  }
  return started;
}

/**
 * Whether the run named `name`, on `branch`, is a worker's first attempt: it
 * runs on the build branch, and its publish opens the worker's branch.
 */
export function opensWorkerBranch(name: RunName, branch: string): boolean {
  return (
    isWorkRole(name.role) &&
    name.worker !== null &&
    name.trigger === null &&
    branch === integrationBranch(name.build)
  );
}

/**
 * How long after `session.timeoutMinutes` the agent job's own `timeout-minutes`
 * ends it: the app cancels first; GitHub ends the job when the app cannot.
 * The workflow's default (no `timeout` input) is the default timeout plus this.
 */
export const AGENT_JOB_MARGIN_MINUTES = 5;

/** The `workflow_dispatch` inputs for a request; all strings, as GitHub wants. */
export function renderDispatchInputs(request: SessionRequest): Record<string, string> {
  return {
    role: request.role,
    build: request.build,
    issue: String(request.issue),
    worker: request.worker ?? '',
    pr: request.pr === undefined ? '' : String(request.pr),
    trigger: request.trigger ?? '',
    // Only when set: a workflow from before the `runner` input refuses inputs it does not declare.
    ...(request.runner ? { runner: request.runner } : {}),
    // Likewise: the workflow's agent job times out AGENT_JOB_MARGIN_MINUTES after the app would cancel it.
    ...(request.timeoutMinutes
      ? { timeout: String(request.timeoutMinutes + AGENT_JOB_MARGIN_MINUTES) }
      : {}),
    // Likewise: Baton's own loop needs no input, so a workflow from before engines runs it.
    ...(request.engine && request.engine !== 'baton' ? { engine: request.engine } : {}),
    // Likewise: only a change set's plan sessions ask for the `views` job.
    ...(request.views ? { views: '1' } : {}),
    // Likewise: only a change set's sessions carry what its budget has left.
    ...(request.setBudgetUsd === undefined ? {} : { budget: request.setBudgetUsd.toFixed(2) }),
  };
}
