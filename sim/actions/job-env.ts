import { join } from 'node:path';
import type { SimRun } from '../github/records.js';
import { readOnlyToken } from '../github/tokens.js';
import type { TokenRequestGrant } from '../oidc/issuer.js';

/**
 * The jobs of the Baton workflow, by their ids (`GITHUB_JOB`): a change set's plan session has
 * `views` first; a work, contract or fix session's run has `review` and `review-publish` after
 * `publish`, reviewing the head its publish pushed.
 */
export type JobName = 'views' | 'agent' | 'publish' | 'review' | 'review-publish';

/** What a run's review jobs review: the publish job's outputs `review-pr` and `review-head`. */
export interface ReviewHead {
  pr: string;
  head: string;
}

/** The jobs that run the model (`command: agent`): read-only, with the model's keys. */
export function runsTheModel(job: JobName): job is 'agent' | 'review' {
  return job === 'agent' || job === 'review';
}

/** The jobs that ask the app's endpoint with their OIDC token (`id-token: write`). */
export function asksTheApp(job: JobName): job is 'views' | 'publish' | 'review-publish' {
  return job === 'views' || job === 'publish' || job === 'review-publish';
}

/** The folders a job has on its simulated runner. */
export interface JobDirs {
  workspace: string;
  /** RUNNER_TEMP: BATON_OUT and the step summary live here. */
  temp: string;
  home: string;
}

/** Where a run's jobs reach the rest of the simulation. */
export interface JobWorld {
  serverUrl: string;
  apiUrl: string;
  repository: string;
  repositoryId: number;
  /** The app's URL, for the publish job's BATON_APP_URL. */
  appUrl: string;
  anthropicUrl: string;
  anthropicKey: string;
  /** The fake Responses API (`…/v1`) and the OPENAI_API_KEY secret, for sessions on Codex. */
  openaiUrl?: string;
  openaiKey?: string;
  /**
   * `vars.BATON_APP_ID` and `secrets.BATON_APP_PRIVATE_KEY`, which the workflow puts on the
   * publish step (server-less mode); empty where the repository has none.
   */
  appId?: string;
  appPrivateKey?: string;
  audience: string;
  /** More variables for every job (a test's `env:` in the workflow). */
  extraEnv?: Record<string, string>;
}

/**
 * A job's environment, as the workflow template gives it (DESIGN §9): the
 * dispatch inputs as BATON_*, GitHub Actions' own variables, and per job what
 * the template adds: the model key and a read-only GITHUB_TOKEN for `agent`
 * and `review`; BATON_APP_URL and the OIDC token request for `views`,
 * `publish` and `review-publish`, and no model key. The review jobs take
 * their session from the publish job's outputs, not the dispatch (`sessionEnv`).
 * Nothing else of the simulator's own environment leaks in but PATH.
 */
export function jobEnv({
  job,
  run,
  dirs,
  world,
  grant,
  review,
}: {
  job: JobName;
  run: SimRun;
  dirs: JobDirs;
  world: JobWorld;
  /** The OIDC token request of a job that asks the app (views, publish, review-publish). */
  grant?: TokenRequestGrant;
  /** The head the review jobs review, from the publish job's outputs. */
  review?: ReviewHead;
}): Record<string, string> {
  const common = {
    ...githubEnv({ job, run, dirs, world }),
    ...sessionEnv(job, run, review),
    ...world.extraEnv,
  };
  if (runsTheModel(job)) {
    return {
      ...common,
      GITHUB_TOKEN: readOnlyToken(run.id, world.repositoryId),
      // Where the workflow downloads what the views job fetched (a change set's plan session).
      ...(job === 'agent' ? { BATON_VIEWS: join(dirs.temp, 'baton-views') } : {}),
      ANTHROPIC_API_KEY: world.anthropicKey,
      ANTHROPIC_BASE_URL: world.anthropicUrl,
      ...(world.openaiKey ? { OPENAI_API_KEY: world.openaiKey } : {}),
      ...(world.openaiUrl ? { OPENAI_BASE_URL: world.openaiUrl } : {}),
      // The tool cache a runner keeps between jobs, where engines are installed, warmed once per machine.
      ...(process.env.BATON_ENGINE_CACHE
        ? { BATON_ENGINE_CACHE: process.env.BATON_ENGINE_CACHE }
        : {}),
    };
  }
  // The views and publish jobs reach the app's endpoint with the job's OIDC token; as the
  // template's steps: `vars.BATON_APP_ID`, `secrets.BATON_APP_PRIVATE_KEY` ('' when unset).
  const asTheApp = {
    BATON_APP_URL: world.appUrl,
    BATON_OIDC_AUDIENCE: world.audience,
    BATON_APP_ID: world.appId ?? '',
    BATON_APP_PRIVATE_KEY: world.appPrivateKey ?? '',
    ...(grant
      ? {
          ACTIONS_ID_TOKEN_REQUEST_URL: grant.requestUrl,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: grant.requestToken,
        }
      : {}),
  };
  if (job === 'views') {
    return {
      ...common,
      BATON_OUT: join(dirs.temp, 'baton-views'),
      ...asTheApp,
    };
  }
  return {
    ...common,
    ...asTheApp,
  };
}

/** What the runner gives every job: GitHub Actions' own variables, the job's folders, PATH, BATON_OUT. */
function githubEnv({
  job,
  run,
  dirs,
  world,
}: {
  job: JobName;
  run: SimRun;
  dirs: JobDirs;
  world: JobWorld;
}): Record<string, string> {
  const ref = `refs/heads/${run.headBranch}`;
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dirs.home,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_API_URL: world.apiUrl,
    GITHUB_SERVER_URL: world.serverUrl,
    GITHUB_GRAPHQL_URL: world.apiUrl.replace(/\/v3$/, '/graphql'),
    GITHUB_REPOSITORY: world.repository,
    GITHUB_REPOSITORY_OWNER: world.repository.split('/')[0] ?? '',
    GITHUB_REPOSITORY_ID: String(world.repositoryId),
    GITHUB_WORKSPACE: dirs.workspace,
    GITHUB_RUN_ID: String(run.id),
    GITHUB_RUN_NUMBER: String(run.id),
    GITHUB_RUN_ATTEMPT: String(run.runAttempt),
    GITHUB_REF: ref,
    GITHUB_REF_NAME: run.headBranch,
    GITHUB_REF_TYPE: 'branch',
    GITHUB_SHA: run.headSha,
    GITHUB_EVENT_NAME: run.event,
    GITHUB_WORKFLOW: 'Baton',
    GITHUB_WORKFLOW_REF: `${world.repository}/.github/workflows/${run.workflow}@${ref}`,
    GITHUB_JOB: job,
    GITHUB_ACTOR: 'baton[bot]',
    GITHUB_TRIGGERING_ACTOR: run.triggeringActor ?? 'baton[bot]',
    GITHUB_STEP_SUMMARY: join(dirs.temp, 'step-summary.md'),
    RUNNER_TEMP: dirs.temp,
    RUNNER_OS: 'Linux',
    // Each step's outputs (a job here is one step of Baton's), read back when the job ends.
    GITHUB_OUTPUT: join(dirs.temp, 'github-output'),
    BATON_OUT: join(dirs.temp, 'baton-out'),
  };
}

/**
 * The session a job plays, as the template's `env:` says: the dispatch inputs for the
 * session's own jobs; for the review jobs, a review of the head publish pushed
 * (`BATON_PR`, `BATON_TRIGGER: head-<sha>`) after the session the run was dispatched for
 * (`BATON_AFTER`), with no engine nor budget of the dispatch's (the review's config picks).
 */
function sessionEnv(job: JobName, run: SimRun, review?: ReviewHead): Record<string, string> {
  const dispatched = {
    BATON_BUILD: run.inputs.build ?? '',
    BATON_ISSUE: run.inputs.issue ?? '',
    BATON_WORKER: run.inputs.worker ?? '',
  };
  if (job === 'review' || job === 'review-publish') {
    return {
      BATON_ROLE: 'review',
      BATON_AFTER: run.inputs.role ?? '',
      ...dispatched,
      BATON_PR: review?.pr ?? '',
      BATON_TRIGGER: review ? `head-${review.head}` : '',
    };
  }
  return {
    BATON_ROLE: run.inputs.role ?? '',
    ...dispatched,
    BATON_PR: run.inputs.pr ?? '',
    BATON_TRIGGER: run.inputs.trigger ?? '',
    BATON_ENGINE: run.inputs.engine ?? '',
    BATON_SET_BUDGET_USD: run.inputs.budget ?? '',
  };
}
