import { isReviewedInRun, parseRunName } from '../core/sessions/session.js';
import { WORKFLOW_PATH } from '../core/vocabulary/ids.js';
import type { ActionsClaims } from './verify-session-request.js';

/** The job of the session workflow that may hold the write token. */
export const PUBLISH_JOB = 'baton publish';
/**
 * A work, contract or fix session's run reviews the head its publish pushed, after it, in
 * two jobs of its own: `baton review` (a model, read-only) and this one, which posts the
 * review with a token of the review's role (templates/workflows/baton.yml).
 */
export const REVIEW_PUBLISH_JOB = 'baton review publish';
/** The review's agent job in a work, contract or fix session's run. */
export const REVIEW_JOB = 'baton review';
/** The jobs a token may be asked from. */
export type TokenJob = typeof PUBLISH_JOB | typeof VIEWS_JOB | typeof REVIEW_PUBLISH_JOB;
/** Jobs that come after publish in a run: not begun while publish holds its token. */
const AFTER_PUBLISH: ReadonlySet<string> = new Set([REVIEW_JOB, REVIEW_PUBLISH_JOB]);
/** A job's statuses before it has begun (GitHub lists a job waiting on `needs` as queued). */
const NOT_BEGUN: ReadonlySet<string> = new Set(['queued', 'waiting', 'pending', 'requested']);
/** The job that runs the model; it must have ended before publish is answered. */
export const AGENT_JOB = 'baton agent';
/**
 * A change set's plan session's first job (docs/change-sets.md): it fetches, with a
 * read-only token, what the session may read of other repositories, before the agent.
 */
export const VIEWS_JOB = 'baton views';

/** The run as GitHub's API shows it (`GET /repos/{owner}/{repo}/actions/runs/{run_id}`). */
export interface RunView {
  event: string;
  path: string;
  headBranch: string | null;
  headSha: string;
  /** `actor.login`. */
  actor: string | null;
  /** `triggering_actor.login`. */
  triggeringActor: string | null;
  runAttempt: number;
  status: string | null;
  /** `display_title`: the workflow's `run-name`, `baton <role> <build> <worker|-> <trigger|->` (a doctor session's is `baton doctor doctor-<nonce> - -`). */
  displayTitle: string | null;
}

/** One job of the run attempt (`…/attempts/{attempt_number}/jobs`). */
export interface JobView {
  id: number;
  name: string;
  status: string;
}

/** The workflow file at the run's `workflow_sha`. */
export interface WorkflowView {
  /** sha256 of its text. */
  sha256: string;
  /** Its fingerprint is one of the versions Baton shipped. */
  shipped: boolean;
}

/** What GitHub says about the run a token claims to come from. */
export interface RunFacts {
  run: RunView | null;
  jobs: JobView[];
  /** `.github/workflows/baton.yml` at `workflow_sha`; null when absent there. */
  workflowAtRun: WorkflowView | null;
  /** sha256 of `.github/workflows/baton.yml` on the default branch; null when absent. */
  workflowOnDefault: string | null;
}

/**
 * Why the run the claims name is not a publish job of a run Baton
 * dispatched, running the workflow Baton installed; null when it is.
 * Pure: the facts are read by the caller.
 */
export function checkRunFacts({
  claims,
  facts,
  appLogin,
  job = PUBLISH_JOB,
}: {
  claims: ActionsClaims;
  facts: RunFacts;
  appLogin: string;
  /**
   * The job the token must come from: publish (a write token), the review's publish in a
   * work, contract or fix session's run, or a change set's views job.
   */
  job?: TokenJob;
}): string | null {
  const { run, jobs, workflowAtRun, workflowOnDefault } = facts;
  if (!run) return `Run ${claims.run_id} does not exist in ${claims.repository}.`;
  const branch = claims.ref.replace(/^refs\/heads\//, '');
  const runProblem = checkRunView(run, { claims, branch, appLogin });
  if (runProblem) return runProblem;
  const workflowProblem =
    job === VIEWS_JOB
      ? checkShipped(workflowAtRun, claims.workflow_sha)
      : checkWorkflow(workflowAtRun, workflowOnDefault, claims.workflow_sha);
  if (workflowProblem) return workflowProblem;
  if (job === REVIEW_PUBLISH_JOB) {
    const role = parseRunName(run.displayTitle ?? '')?.role;
    if (!role || !isReviewedInRun(role)) {
      return `Run ${claims.run_id} is a ${role ?? 'named-otherwise'} session's: only a work, contract or fix session's run reviews after it.`;
    }
  }
  return checkJobs(jobs, claims, job);
}

function checkRunView(
  run: RunView,
  { claims, branch, appLogin }: { claims: ActionsClaims; branch: string; appLogin: string },
): string | null {
  if (run.event !== 'workflow_dispatch') {
    return `Run ${claims.run_id} was started by ${run.event}, not by a dispatch.`;
  }
  if (run.path !== WORKFLOW_PATH) return `Run ${claims.run_id} runs ${run.path}.`;
  if (run.headBranch !== branch) {
    return `Run ${claims.run_id} is on ${run.headBranch ?? '?'}, the token says ${branch}.`;
  }
  if (run.actor !== appLogin || run.triggeringActor !== appLogin) {
    return `Run ${claims.run_id} was started by ${run.triggeringActor ?? run.actor ?? '?'}, not by ${appLogin}: Baton did not dispatch it.`;
  }
  if (String(run.runAttempt) !== claims.run_attempt) {
    return `Run ${claims.run_id} is at attempt ${run.runAttempt}, the token is of attempt ${claims.run_attempt}.`;
  }
  if (run.status === 'completed') return `Run ${claims.run_id} has completed.`;
  return null;
}

function checkWorkflow(
  atRun: WorkflowView | null,
  onDefault: string | null,
  sha: string,
): string | null {
  if (!atRun) return `${WORKFLOW_PATH} does not exist at ${sha}.`;
  if (atRun.shipped || atRun.sha256 === onDefault) return null;
  return `${WORKFLOW_PATH} at ${sha} is neither a version Baton shipped nor the default branch's: a changed workflow gets no token.`;
}

/**
 * A change set's views reach other repositories, whose writers are not this
 * one's: they go only to a job of the workflow Baton shipped (at the release
 * the app installs, or the default branch's pin), never to one this
 * repository's writers changed, on the default branch or not.
 */
function checkShipped(atRun: WorkflowView | null, sha: string): string | null {
  if (!atRun) return `${WORKFLOW_PATH} does not exist at ${sha}.`;
  if (atRun.shipped) return null;
  return `${WORKFLOW_PATH} at ${sha} is not a version Baton shipped: a change set's views go only to Baton's own workflow, and a changed one gets none. Merge Baton's setup pull request (or \`npx @baton-dev/baton setup\` where the app runs) to put it back.`;
}

function checkJobs(jobs: JobView[], claims: ActionsClaims, name: TokenJob): string | null {
  const named = jobs.filter((job) => job.name === name);
  const [job] = named;
  if (named.length !== 1 || !job) {
    return `Run ${claims.run_id} attempt ${claims.run_attempt} has ${named.length} jobs named "${name}"; exactly one is expected.`;
  }
  if (job.status !== 'in_progress') {
    return `The "${name}" job of run ${claims.run_id} is ${job.status}, not in progress.`;
  }
  // Without the job's id a token of the agent job (which may request OIDC
  // tokens for the model key) could be kept and shown while publish runs.
  if (claims.check_run_id === undefined) {
    return `The token names no job (check_run_id): only a token of the "${name}" job itself gets a token.`;
  }
  if (claims.check_run_id !== String(job.id)) {
    return `The token is of job ${claims.check_run_id}, not of the "${name}" job (${job.id}).`;
  }
  // The views job's token comes before the agent has begun; publish's after it has ended, and
  // before the review after it has begun; the review's publish's after every other job has ended.
  const running = jobs.filter((other) => other.id !== job.id && !mayStand(name, other));
  if (running.length > 0) {
    return `Run ${claims.run_id} still runs ${running.map((other) => `"${other.name}"`).join(', ')}; only the ${WHEN[name]}, gets a token.`;
  }
  return null;
}

/** When each job may be given its token, as refusals say it. */
const WHEN: Record<TokenJob, string> = {
  [VIEWS_JOB]: 'views job, before the agent',
  [PUBLISH_JOB]: 'publish job, after the agent and before the review after it',
  [REVIEW_PUBLISH_JOB]: "review's publish job, after every other job",
};

/** Whether another job of the run may stand as it is while `name` is given its token. */
function mayStand(name: TokenJob, other: JobView): boolean {
  if (name === VIEWS_JOB) return other.status !== 'in_progress';
  if (name === PUBLISH_JOB && AFTER_PUBLISH.has(other.name)) return NOT_BEGUN.has(other.status);
  return other.status === 'completed';
}
