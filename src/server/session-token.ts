import type { ServerResponse } from 'node:http';
import type { ApplicationFunctionOptions } from 'probot';
import {
  type ViewArchive,
  type ViewFacts,
  type ViewTarget,
  viewsAllowed,
  viewsAsked,
  viewsFactsNeeded,
} from '../core/change-set/views.js';
import type { Config } from '../core/config/config.js';
import { parseDoctorRunName } from '../core/doctor/doctor-session.js';
import { opensWorkerBranch, parseRunName } from '../core/sessions/session.js';
import {
  DOCTOR_TOKEN_PERMISSIONS,
  type SessionTokenPermissions,
  sessionTokenPermissions,
} from '../core/sessions/token-permissions.js';
import { integrationBranch, parseBatonBranch } from '../core/vocabulary/ids.js';
import { statusOf } from '../github/client/types.js';
import { createKeyResolver } from './oidc-keys.js';
import {
  checkRunFacts,
  PUBLISH_JOB,
  REVIEW_PUBLISH_JOB,
  type RunFacts,
  type TokenJob,
  VIEWS_JOB,
} from './run-binding.js';
import {
  type ActionsClaims,
  notOnBatonBranch,
  verifySessionRequest,
} from './verify-session-request.js';

/**
 * Probot's server handler, `(req, res) => boolean | Promise<boolean>`: true when
 * it answered. Probot does not export the type by name, so it is taken from
 * `addHandler`.
 */
export type Handler = Parameters<ApplicationFunctionOptions['addHandler']>[0];

/** Where the endpoint listens (docs/sessions.md, "The token exchange"). */
export const SESSION_TOKEN_ROUTE = '/api/baton/session-token';

export {
  DOCTOR_TOKEN_PERMISSIONS,
  SESSION_TOKEN_PERMISSIONS,
  type SessionTokenPermissions,
  sessionTokenPermissions,
} from '../core/sessions/token-permissions.js';

/** The endpoint's settings, from the app's environment (docs/sessions.md, "The token exchange"). */
export interface TokenEndpointSettings {
  issuer: string;
  audience: string;
}

/** Reads BATON_OIDC_ISSUER and BATON_OIDC_AUDIENCE, with GitHub.com's defaults. */
export function readTokenEndpointSettings(
  env: Record<string, string | undefined>,
): TokenEndpointSettings {
  return {
    issuer: env.BATON_OIDC_ISSUER || 'https://token.actions.githubusercontent.com',
    audience: env.BATON_OIDC_AUDIENCE || 'baton',
  };
}

/** Where the endpoint reports; Probot's logger fits. */
export interface SessionTokenLog {
  info(message: string): void;
  warn(message: string): void;
}

/** What the endpoint needs from its surroundings; `createSessionTokenDepsFromProbot` gives the GitHub half. */
export interface SessionTokenDeps {
  /** The OIDC issuer Actions tokens must come from. */
  issuer: string;
  /** The audience publish requests its token with. */
  audience: string;
  /** The app's bot login, `<slug>[bot]`: the actor of every run Baton dispatches. */
  appLogin(): Promise<string>;
  /** The app's installation on the repository, or null when it is not installed there. */
  getRepositoryInstallation(owner: string, repo: string): Promise<number | null>;
  /** The repository's id and default branch, read through the installation. */
  getRepository(request: RepositoryRequest): Promise<{ id: number; defaultBranch: string }>;
  /** The run, its attempt's jobs and the workflow file at `workflowSha` and on the default branch. */
  inspectRun(
    request: RepositoryRequest & {
      runId: number;
      attempt: number;
      workflowSha: string;
      defaultBranch: string;
    },
  ): Promise<RunFacts>;
  /**
   * Takes the one exchange a run attempt has: creates a marker GitHub keeps
   * (a ref), atomically. False when the attempt's marker exists already.
   */
  claimExchange(
    request: RepositoryRequest & {
      runId: number;
      attempt: number;
      sha: string;
      /** A views job's or a review's exchange, recorded apart from publish's (each has one). */
      purpose?: ExchangePurpose;
    },
  ): Promise<boolean>;
  /** Mints an installation token limited to one repository and the given permissions. */
  createInstallationToken(request: {
    installationId: number;
    repositoryId: number;
    permissions: SessionTokenPermissions;
  }): Promise<{ token: string; expires_at: string }>;
  /**
   * A change set's views (docs/change-sets.md): the asking repository's
   * configuration, what decides each other repository's view, and the link
   * GitHub makes for an archive of one branch of a repository (its default
   * branch where `ref` is null), asked with the app's own token, which never
   * leaves the app. Absent: no views are given.
   */
  views?: {
    config(request: RepositoryRequest): Promise<Config>;
    facts(request: { installationId: number; names: string[] }): Promise<ViewFacts[]>;
    archive(request: { installationId: number } & ViewTarget): Promise<string>;
  };
  /**
   * Whether a file under `.github/workflows/` differs between `from` and `to`
   * (branches or commits): a fix's merge of the build branch would bring it,
   * or a first attempt's new branch carries it beyond its merge base.
   */
  workflowFilesDiffer?(request: RepositoryRequest & { from: string; to: string }): Promise<boolean>;
  /**
   * Whether `head` changes a file under `.github/workflows/` since its merge
   * base with `base`: what GitHub holds a new branch's push at `head` to.
   */
  workflowsChangedSince?(
    request: RepositoryRequest & { base: string; head: string },
  ): Promise<boolean>;
  /** Whether the repository lets sessions change workflows; adds `workflows: write` when so. */
  allowsWorkflowChanges?(request: {
    owner: string;
    repo: string;
    installationId: number;
  }): Promise<boolean>;
  log?: SessionTokenLog;
}

/** What an exchange is for, beside publish's own: a views job's, or the review's in a work run. */
export type ExchangePurpose = 'views' | 'review';

/** A repository, through the app's installation on it. */
export interface RepositoryRequest {
  owner: string;
  repo: string;
  installationId: number;
}

/** A verified run's request, bound to its installation and the run's name (`displayTitle`). */
interface BoundRequest {
  claims: ActionsClaims;
  deps: SessionTokenDeps;
  owner: string;
  repo: string;
  bound: {
    installationId: number;
    displayTitle: string | null;
    defaultBranch: string;
    review?: boolean;
  };
}

/**
 * `POST /api/baton/session-token`: trades the OIDC token of a Baton workflow
 * run for a short-lived installation token for that run's repository. Any
 * other request is left to the next handler (returns false).
 */
export function createSessionTokenHandler(deps: SessionTokenDeps): Handler {
  const keys = createKeyResolver(deps.issuer);
  return async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'POST' || path !== SESSION_TOKEN_ROUTE) return false;
    const verdict = await verifySessionRequest({
      req,
      issuer: deps.issuer,
      audience: deps.audience,
      keys,
    });
    if (verdict.status !== 200) {
      deps.log?.warn(`session token refused (${verdict.status}): ${verdict.message}`);
      send(res, verdict.status, { message: verdict.message });
      return true;
    }
    const outcome = await issue(verdict.claims, deps);
    send(res, outcome.status, outcome.body);
    return true;
  };
}

async function issue(
  claims: ActionsClaims,
  deps: SessionTokenDeps,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const [owner = '', repo = ''] = claims.repository.split('/');
  try {
    const refused = await bindToRun(claims, deps, { owner, repo });
    if (typeof refused === 'string') {
      deps.log?.warn(`session token refused (403): ${refused}`);
      return { status: 403, body: { message: refused } };
    }
    // Everything is read before the attempt's one exchange is taken: a read GitHub fails
    // answers 502 and leaves the exchange to the job's next try (get-session-token.ts).
    if (refused.views && deps.views) {
      const views = await viewsFor({ claims, deps, owner, repo, bound: refused });
      if (!Array.isArray(views)) return views;
      const taken = await takeExchange(claims, deps, { owner, repo, ...refused });
      if (taken) return taken;
      const { installationId } = refused;
      return await issueViews({ source: deps.views, installationId, views });
    }
    const permissions = refused.doctor
      ? { ...DOCTOR_TOKEN_PERMISSIONS }
      : await permissionsFor({ claims, deps, owner, repo, bound: refused });
    const taken = await takeExchange(claims, deps, { owner, repo, ...refused });
    if (taken) return taken;
    const minted = await mintRetryingFaults(() =>
      deps.createInstallationToken({
        installationId: refused.installationId,
        repositoryId: Number(claims.repository_id),
        permissions,
      }),
    );
    deps.log?.info(
      `session token issued for ${claims.repository} (${claims.ref}, run ${claims.run_id} attempt ${claims.run_attempt}), expires ${minted.expires_at}`,
    );
    return { status: 200, body: { token: minted.token, expires_at: minted.expires_at } };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const message = `GitHub did not mint a token for ${claims.repository}: ${reason}`;
    deps.log?.warn(message);
    return { status: 502, body: { message } };
  }
}

/**
 * The token's permissions, by the session's role (the run's name, which the
 * app set at dispatch and the shipped workflow renders; a review's for the review's
 * publish job in a work, contract or fix session's run): see
 * `sessionTokenPermissions`. Only when the repository does not allow
 * workflow changes already, a fix is asked whether its merge of the build
 * branch brings a workflow change, and a `work` session's first attempt (run on the
 * build branch, its publish opening the worker's branch) whether its commit
 * (`workflow_sha`: the build branch's head when it was dispatched) changes a
 * workflow since its merge base with the default branch, the change GitHub
 * holds a new branch's push to.
 */
async function permissionsFor({
  claims,
  deps,
  owner,
  repo,
  bound,
}: BoundRequest): Promise<SessionTokenPermissions> {
  const { installationId } = bound;
  const name = bound.displayTitle === null ? null : parseRunName(bound.displayTitle);
  // The review after a work, contract or fix session, in its run: a review's token, whatever the run's role.
  if (bound.review) {
    return sessionTokenPermissions({
      role: 'review',
      allowWorkflowChanges: false,
      mergeBringsWorkflows: false,
    });
  }
  const allowWorkflowChanges =
    (await deps.allowsWorkflowChanges?.({ owner, repo, installationId })) ?? false;
  const branch = claims.ref.replace(/^refs\/heads\//, '');
  const where = { owner, repo, installationId };
  const mergeBringsWorkflows =
    allowWorkflowChanges || name === null
      ? false
      : name.role === 'fix'
        ? ((await deps.workflowFilesDiffer?.({
            ...where,
            from: branch,
            to: integrationBranch(name.build),
          })) ?? false)
        : name.role === 'work' && opensWorkerBranch(name, branch)
          ? ((await deps.workflowsChangedSince?.({
              ...where,
              base: bound.defaultBranch,
              head: claims.workflow_sha,
            })) ?? false)
          : false;
  return sessionTokenPermissions({
    role: name?.role ?? null,
    allowWorkflowChanges,
    mergeBringsWorkflows,
  });
}

/** Tries at minting a token after the attempt's one exchange is claimed. */
const MINT_ATTEMPTS = 3;

/**
 * Mints, trying again on a connection fault or a 5xx: the run attempt's one
 * exchange is claimed by now, so a publish job that asked again would be
 * refused, and one lost answer from GitHub would fail the whole session. A
 * 4xx is GitHub's answer and is not asked again. A token minted whose answer
 * was lost is never handed out and expires within the hour.
 */
async function mintRetryingFaults<T>(mint: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await mint();
    } catch (error) {
      const status = statusOf(error);
      const fault = status === undefined || status >= 500;
      if (!fault || attempt >= MINT_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}

/**
 * Ties the token to a run Baton dispatched, of the workflow Baton installed,
 * in its publish job. Returns why not, or the installation. Only reads: the
 * attempt's one exchange is taken after (`takeExchange`).
 */
async function bindToRun(
  claims: ActionsClaims,
  deps: SessionTokenDeps,
  { owner, repo }: { owner: string; repo: string },
): Promise<
  | string
  | {
      installationId: number;
      displayTitle: string | null;
      defaultBranch: string;
      doctor: boolean;
      views: boolean;
      /** The review's publish job in a work, contract or fix session's run. */
      review: boolean;
    }
> {
  const appLogin = await deps.appLogin();
  if (claims.actor !== appLogin) {
    return `The run was started by ${claims.actor}; only runs the app (${appLogin}) dispatched get a token.`;
  }
  const installationId = await deps.getRepositoryInstallation(owner, repo);
  if (installationId === null) return `The app is not installed on ${claims.repository}.`;
  const where = { owner, repo, installationId };
  const repository = await deps.getRepository(where);
  if (String(repository.id) !== claims.repository_id) {
    return `The token names ${claims.repository} (id ${repository.id}) and repository id ${claims.repository_id}.`;
  }
  const runId = Number(claims.run_id);
  const attempt = Number(claims.run_attempt);
  const facts = await deps.inspectRun({
    ...where,
    runId,
    attempt,
    workflowSha: claims.workflow_sha,
    defaultBranch: repository.defaultBranch,
  });
  // Off a Baton branch only a doctor session (docs/doctor.md) and a learn session, which reads an
  // ended build whose branch may be gone (docs/memory.md), and only on the default branch.
  const doctor = parseDoctorRunName(facts.run?.displayTitle ?? '') !== null;
  const learn = parseRunName(facts.run?.displayTitle ?? '')?.role === 'learn';
  if (
    !parseBatonBranch(claims.ref) &&
    !((doctor || learn) && claims.ref === `refs/heads/${repository.defaultBranch}`)
  ) {
    return notOnBatonBranch(claims.ref);
  }
  // A change set's plan session asks from its views job first, for a read-only token; a work,
  // contract or fix session's run asks again from its review's publish job, for a review's.
  const asking = facts.jobs.find((job) => String(job.id) === claims.check_run_id)?.name;
  const views = asking === VIEWS_JOB && deps.views !== undefined && !doctor;
  const review = asking === REVIEW_PUBLISH_JOB && !doctor;
  const job: TokenJob = views ? VIEWS_JOB : review ? REVIEW_PUBLISH_JOB : PUBLISH_JOB;
  const problem = checkRunFacts({ claims, facts, appLogin, job });
  if (problem) return problem;
  return {
    installationId,
    displayTitle: facts.run?.displayTitle ?? null,
    defaultBranch: repository.defaultBranch,
    doctor,
    views,
    review,
  };
}

/** Takes the run attempt's one exchange (once per attempt, and per purpose); the refusal, or null. */
async function takeExchange(
  claims: ActionsClaims,
  deps: SessionTokenDeps,
  bound: { owner: string; repo: string; installationId: number; views: boolean; review: boolean },
): Promise<{ status: 403; body: { message: string } } | null> {
  const purpose: ExchangePurpose | null = bound.views ? 'views' : bound.review ? 'review' : null;
  const runId = Number(claims.run_id);
  const attempt = Number(claims.run_attempt);
  const claimed = await deps.claimExchange({
    owner: bound.owner,
    repo: bound.repo,
    installationId: bound.installationId,
    runId,
    attempt,
    sha: claims.workflow_sha,
    ...(purpose ? { purpose } : {}),
  });
  if (claimed) return null;
  const message = `Run ${runId} attempt ${attempt} has had its token already; a token is given once per run attempt (re-run the job for a new one).`;
  deps.log?.warn(`session token refused (403): ${message}`);
  return { status: 403, body: { message } };
}

/**
 * A change set's views (docs/change-sets.md): for each repository the session
 * may read (`viewsAllowed`), which branch; or the refusal. Only the workflow
 * Baton shipped is answered (`checkRunFacts`). Reads only: the links are asked
 * once the attempt's one exchange is taken (`issueViews`).
 */
async function viewsFor({
  claims,
  deps,
  owner,
  repo,
  bound,
}: BoundRequest): Promise<ViewTarget[] | { status: number; body: Record<string, unknown> }> {
  const views = deps.views;
  const name = bound.displayTitle === null ? null : parseRunName(bound.displayTitle);
  if (!views || name?.role !== 'plan') {
    return { status: 403, body: { message: "Only a change set's plan session has views." } };
  }
  const { installationId } = bound;
  const config = await views.config({ owner, repo, installationId });
  const asked = viewsAsked({ build: name.build, config });
  if (!asked) {
    return {
      status: 403,
      body: {
        message: `Build ${name.build} of ${claims.repository} is no change set's: it has no views.`,
      },
    };
  }
  const repository = claims.repository.toLowerCase();
  const facts = await views.facts({ installationId, names: viewsFactsNeeded(asked) });
  const allowed = viewsAllowed({ asked, repository, facts });
  deps.log?.info(
    `views for ${claims.repository} (run ${claims.run_id}): ${allowed.map((v) => v.repository).join(', ') || 'none'}`,
  );
  return allowed;
}

/** Each allowed view with the link GitHub makes for an archive of its branch, asked with the app's token; no token at all is handed over. */
async function issueViews({
  source,
  installationId,
  views,
}: {
  source: NonNullable<SessionTokenDeps['views']>;
  installationId: number;
  views: ViewTarget[];
}): Promise<{ status: number; body: Record<string, unknown> }> {
  const archives: ViewArchive[] = [];
  for (const view of views) {
    const archive = await mintRetryingFaults(() => source.archive({ installationId, ...view }));
    archives.push({ ...view, archive });
  }
  return { status: 200, body: { views: archives } };
}

function send(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(JSON.stringify(body));
}
