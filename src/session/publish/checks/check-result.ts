import {
  isSessionTrigger,
  isWorkRole,
  parseTrigger,
  type SessionRole,
} from '../../../core/sessions/session.js';
import {
  integrationBranch,
  memoryBranch,
  parseLoopSubject,
  rememberedComment,
  workerBranch,
} from '../../../core/vocabulary/ids.js';
import type { SessionEnv } from '../../env.js';
import type { SessionResult } from '../../result.js';

/** What this run was dispatched to do, from the workflow's inputs. */
export interface SessionTarget {
  role: SessionRole;
  build: string;
  worker: string | null;
  pr: number | null;
  /** The one branch the session may move; null for a review, which moves none. */
  branch: string | null;
  /** A plan session in adapt mode (trigger `adapt-<worker>`): the merged worker it answers. */
  adapt?: string | null;
}

/** The run's target, or what is missing from its inputs. */
export type ParsedTarget = { ok: true; target: SessionTarget } | { ok: false; problems: string[] };

/** Reads the dispatch inputs and names the branch the session owns. */
export function getSessionTarget(env: SessionEnv): ParsedTarget {
  const role = env.BATON_ROLE;
  const build = env.BATON_BUILD;
  const worker = env.BATON_WORKER ?? null;
  const pr = env.BATON_PR === undefined ? null : Number(env.BATON_PR);
  const problems: string[] = [];
  const needsWorker = isWorkRole(role) || role === 'fix' || role === 'review';
  if (needsWorker && worker === null)
    problems.push(`BATON_WORKER is required for a ${role} session`);
  const loopRole = role === 'research' || role === 'summary';
  if (loopRole && parseLoopSubject(worker) === null)
    problems.push(`BATON_WORKER must name the loop (L1, L2 …) for a ${role} session`);
  if ((role === 'fix' || role === 'review') && pr === null) {
    problems.push(`BATON_PR is required for a ${role} session`);
  }
  if (problems.length > 0) return { ok: false, problems };
  const trigger = env.BATON_TRIGGER;
  const branch = branchOf(role, build, worker, trigger);
  return { ok: true, target: { role, build, worker, pr, branch, adapt: adaptOf(role, trigger) } };
}

/** The merged worker a plan session in adapt mode answers, from its trigger. */
function adaptOf(role: SessionRole, trigger: string | undefined): string | null {
  if (role !== 'plan' || !trigger || !isSessionTrigger(trigger)) return null;
  const { kind, id } = parseTrigger(trigger);
  return kind === 'adapt' ? id : null;
}

function branchOf(
  role: SessionRole,
  build: string,
  worker: string | null,
  trigger: string | undefined,
): string | null {
  switch (role) {
    case 'plan':
    case 'research':
    case 'summary':
    case 'synthesis':
      return integrationBranch(build);
    case 'work':
    case 'contract':
    case 'fix':
      return worker === null ? null : workerBranch(build, worker);
    case 'review':
    case 'validate':
      return null;
    case 'learn':
      return memoryBranch(build, rememberedComment(trigger));
    default: {
      const _exhaustive: never = role;
      return _exhaustive;
    }
  }
}

/**
 * A worker's first attempt, dispatched on the build branch because its own
 * branch does not exist yet (`work-run` in src/core/context/action.ts): its
 * publish opens that branch, with a push that must find none there.
 */
export function opensWorkerBranch(
  env: Pick<SessionEnv, 'GITHUB_REF'>,
  target: SessionTarget,
): boolean {
  return (
    isWorkRole(target.role) && env.GITHUB_REF === `refs/heads/${integrationBranch(target.build)}`
  );
}

/** True when the result says the session committed something on top of its base. */
export function hasCommits(result: SessionResult): boolean {
  return result.head !== null && result.head !== result.base;
}

/**
 * Checks that the result belongs to this run and carries what its role must
 * deliver. Returns the problems, each saying what is wrong; empty when fine.
 */
export function checkResult(result: SessionResult, target: SessionTarget): string[] {
  const problems: string[] = [];
  const expect = (field: string, actual: unknown, wanted: unknown) => {
    if (actual !== wanted) {
      problems.push(
        `result.${field} is ${JSON.stringify(actual)}, but this run is for ${JSON.stringify(wanted)}`,
      );
    }
  };
  expect('role', result.role, target.role);
  expect('build', result.build, target.build);
  expect('worker', result.worker, target.worker);
  expect('pr', result.pr, target.pr);
  if (result.branch !== null && result.branch !== target.branch) {
    problems.push(
      `result.branch is ${result.branch}; a ${target.role} session may only move ${target.branch ?? 'no branch'}`,
    );
  }
  if (hasCommits(result)) {
    if (target.branch === null) problems.push(`a ${target.role} session must not commit`);
    if (result.base === null) problems.push('result.head is set but result.base is not');
  }
  if (result.status === 'complete') problems.push(...checkDeliverable(result, target));
  // Partial work carries its report too: a draft only for this run's worker.
  else if (
    result.status === 'partial' &&
    result.completion &&
    result.completion.worker_id !== target.worker
  ) {
    problems.push(
      `the completion is for ${result.completion.worker_id}, not ${target.worker ?? '-'}`,
    );
  }
  return problems;
}

function checkDeliverable(result: SessionResult, target: SessionTarget): string[] {
  const problems: string[] = [];
  const role = target.role;
  // A first attempt whose twin went first pushes nothing; publish checks its word (`twinWork`).
  if (isWorkRole(role) && result.twin_went_first !== null && !hasCommits(result)) return problems;
  // An adapt session may find that no brief needs to change.
  const mustCommit =
    isWorkRole(role) ||
    (role === 'plan' && !target.adapt) ||
    role === 'research' ||
    role === 'summary' ||
    role === 'synthesis';
  if (mustCommit && !hasCommits(result)) {
    problems.push(`the ${role} session reports complete but committed nothing`);
  }
  if (role === 'fix' && result.moved_head !== null && !hasCommits(result)) return problems;
  if (isWorkRole(role) || role === 'fix') {
    if (result.completion === null) problems.push(`a complete ${role} result needs its completion`);
    else if (result.completion.worker_id !== target.worker) {
      problems.push(
        `the completion is for ${result.completion.worker_id}, not ${target.worker ?? '-'}`,
      );
    }
  }
  if (role === 'synthesis' && result.synthesis === null) {
    problems.push('a complete synthesis result needs its summary');
  }
  if (role === 'validate' && result.validation === null && result.existing_validation === null) {
    problems.push('a complete validate result needs its validation');
  }
  if (
    role === 'review' &&
    result.review === null &&
    result.existing_review === null &&
    result.gone_head === null
  ) {
    problems.push('a complete review result needs its review');
  }
  return problems;
}
