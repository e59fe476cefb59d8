import { createHash } from 'node:crypto';
import yaml from 'js-yaml';
import type { Probot } from 'probot';
import type { ViewFacts } from '../core/change-set/views.js';
import { defaultConfig, type ParsedConfig, parseConfig } from '../core/config/config.js';
import { comparisonChangesWorkflows } from '../core/sessions/token-permissions.js';
import { WORKFLOW_PATH } from '../core/vocabulary/ids.js';
import { postRef } from '../github/act/locks/refs.js';
import { repositoryInstallationId } from '../github/client/installation.js';
import { statusOf } from '../github/client/types.js';
import {
  fingerprintTemplate,
  readShippedVersions,
  templatePins,
} from '../github/setup/setup-templates.js';
import { findBatonSource } from '../github/setup/source-ref.js';
import { appBotLogin } from './app-login.js';
import type { JobView, RunFacts, RunView } from './run-binding.js';
import type { ExchangePurpose, RepositoryRequest, SessionTokenDeps } from './session-token.js';

/** Where GitHub Actions workflows live; a change there needs the `workflows` permission. */
const WORKFLOWS_DIR = '.github/workflows';

/**
 * Where a run attempt's one exchange is recorded: a ref GitHub keeps, created
 * atomically. A change set's views job has one of its own beside publish's.
 */
export function exchangeMarkerRef(
  runId: number,
  attempt: number,
  purpose?: ExchangePurpose,
): string {
  return `refs/baton-exchanges/${runId}/${purpose ? `${purpose}-` : ''}${attempt}`;
}

/**
 * The endpoint's GitHub side: as the app itself (JWT-authenticated), find the
 * repository's installation and mint a token for that one repository; through
 * the installation, read the run, its jobs and its workflow file, and record
 * the attempt's exchange.
 */
export function createSessionTokenDepsFromProbot(
  app: Probot,
  env: Record<string, string | undefined> = process.env,
) {
  const shipped = shippedWorkflowCheck(env);
  return {
    // No slug: a login no run's actor has, so no run gets a token on it.
    appLogin: appBotLogin(app, ''),
    async getRepository({ owner, repo, installationId }: RepositoryRequest) {
      const octokit = await app.auth(installationId);
      const { data } = await octokit.rest.repos.get({ owner, repo });
      return { id: data.id, defaultBranch: data.default_branch };
    },
    async inspectRun({
      owner,
      repo,
      installationId,
      runId,
      attempt,
      workflowSha,
      defaultBranch,
    }: RepositoryRequest & {
      runId: number;
      attempt: number;
      workflowSha: string;
      defaultBranch: string;
    }): Promise<RunFacts> {
      const octokit = await app.auth(installationId);
      const run = await notFoundAsNull(
        octokit.rest.actions.getWorkflowRun({ owner, repo, run_id: runId }),
      );
      if (!run) return { run: null, jobs: [], workflowAtRun: null, workflowOnDefault: null };
      const { data: jobList } = await octokit.rest.actions.listJobsForWorkflowRunAttempt({
        owner,
        repo,
        run_id: runId,
        attempt_number: attempt,
        per_page: 100,
      });
      const readWorkflow = async (ref: string) => {
        const file = await notFoundAsNull(
          octokit.rest.repos.getContent({ owner, repo, path: WORKFLOW_PATH, ref }),
        );
        if (!file || Array.isArray(file) || file.type !== 'file' || !('content' in file)) {
          return null;
        }
        return Buffer.from(file.content, 'base64').toString('utf8');
      };
      const [atRun, onDefault] = await Promise.all([
        readWorkflow(workflowSha),
        readWorkflow(defaultBranch),
      ]);
      const view: RunView = {
        event: run.event,
        path: run.path,
        headBranch: run.head_branch,
        headSha: run.head_sha,
        actor: run.actor?.login ?? null,
        triggeringActor: run.triggering_actor?.login ?? null,
        runAttempt: run.run_attempt ?? 1,
        status: run.status,
        displayTitle: run.display_title ?? null,
      };
      const jobs: JobView[] = jobList.jobs.map((job) => ({
        id: job.id,
        name: job.name,
        status: job.status,
      }));
      return {
        run: view,
        jobs,
        workflowAtRun:
          atRun === null ? null : { sha256: sha256(atRun), shipped: shipped(atRun, onDefault) },
        workflowOnDefault: onDefault === null ? null : sha256(onDefault),
      };
    },
    async claimExchange({
      owner,
      repo,
      installationId,
      runId,
      attempt,
      sha,
      purpose,
    }: RepositoryRequest & {
      runId: number;
      attempt: number;
      sha: string;
      purpose?: ExchangePurpose;
    }): Promise<boolean> {
      const octokit = await app.auth(installationId);
      // GitHub answers 422 "Reference already exists": another exchange took it. Any other
      // refusal (an invalid name, a missing commit) is an error, never "taken" (`postRef`).
      const ref = exchangeMarkerRef(runId, attempt, purpose);
      return postRef(octokit, { owner, repo, ref, sha });
    },
    views: viewsDeps(app),
    async getRepositoryInstallation(owner: string, repo: string): Promise<number | null> {
      return repositoryInstallationId(await app.auth(), { owner, repo });
    },
    async createInstallationToken({
      installationId,
      repositoryId,
      permissions,
    }: {
      installationId: number;
      repositoryId: number;
      permissions: Record<string, 'read' | 'write'>;
    }): Promise<{ token: string; expires_at: string }> {
      const octokit = await app.auth();
      const { data } = await octokit.rest.apps.createInstallationAccessToken({
        installation_id: installationId,
        repository_ids: [repositoryId],
        permissions,
      });
      return { token: data.token, expires_at: data.expires_at };
    },
    /** See `workflowFilesDiffer` below. */
    async workflowFilesDiffer({
      installationId,
      ...request
    }: RepositoryRequest & { from: string; to: string }): Promise<boolean> {
      return workflowFilesDiffer(await app.auth(installationId), request);
    },
    /**
     * Whether `head` changes a workflow since its merge base with `base`:
     * the comparison's files (`GET …/compare/{base}...{head}`, one request).
     * GitHub lists at most 300; past them, or where the two share no history,
     * the folder's listing at `head` is compared with the merge base's (the
     * base's head where there is none).
     */
    async workflowsChangedSince(
      request: RepositoryRequest & { base: string; head: string },
    ): Promise<boolean> {
      const { owner, repo, installationId, base, head } = request;
      const octokit = await app.auth(installationId);
      const compared = await notFoundAsNull(
        octokit.rest.repos.compareCommitsWithBasehead({
          owner,
          repo,
          basehead: `${base}...${head}`,
          per_page: 1,
        }),
      );
      const listed = compared ? comparisonChangesWorkflows(compared.files ?? []) : null;
      if (listed !== null) return listed;
      return workflowFilesDiffer(octokit, {
        owner,
        repo,
        from: compared?.merge_base_commit.sha ?? base,
        to: head,
      });
    },
    /**
     * Pushing a change under `.github/workflows/` needs the `workflows`
     * permission; it is asked for only where the default branch's
     * `.github/baton.yml` sets `session.allowWorkflowChanges: true`.
     */
    async allowsWorkflowChanges({
      owner,
      repo,
      installationId,
    }: {
      owner: string;
      repo: string;
      installationId: number;
    }): Promise<boolean> {
      const parsed = await readOwnConfig(await app.auth(installationId), { owner, repo });
      return parsed?.ok === true && parsed.config.session.allowWorkflowChanges;
    },
  };
}

/**
 * Whether a file under `.github/workflows/` differs between two branches or
 * commits (the contents API's listing of the folder, by blob sha): a merge of
 * `to` into `from` would then bring a workflow change.
 */
async function workflowFilesDiffer(
  octokit: Awaited<ReturnType<Probot['auth']>>,
  { owner, repo, from, to }: { owner: string; repo: string; from: string; to: string },
): Promise<boolean> {
  const listing = async (ref: string) => {
    const found = await notFoundAsNull(
      octokit.rest.repos.getContent({ owner, repo, path: WORKFLOWS_DIR, ref }),
    );
    const entries = Array.isArray(found) ? found : [];
    return new Map(entries.map((entry) => [entry.path, entry.sha]));
  };
  const [ours, theirs] = await Promise.all([listing(from), listing(to)]);
  return [...theirs].some(([path, sha]) => ours.get(path) !== sha);
}

/** A repository's own `.github/baton.yml` on its default branch, parsed; null where there is none. */
async function readOwnConfig(
  octokit: Awaited<ReturnType<Probot['auth']>>,
  { owner, repo }: { owner: string; repo: string },
): Promise<ParsedConfig | null> {
  try {
    const { data } = await octokit.rest.repos.getContent({
      owner,
      repo,
      path: '.github/baton.yml',
    });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return null;
    return parseConfig(yaml.load(Buffer.from(data.content, 'base64').toString('utf8')));
  } catch (error) {
    if (statusOf(error) === 404 || error instanceof yaml.YAMLException) return null;
    throw error;
  }
}

/**
 * A change set's views, through the installation: the asking repository's
 * configuration, each repository's facts (listed by the installation, its
 * visibility, its own configuration), and an archive link for each view.
 */
function viewsDeps(app: Probot): NonNullable<SessionTokenDeps['views']> {
  return {
    async config({ owner, repo, installationId }) {
      const parsed = await readOwnConfig(await app.auth(installationId), { owner, repo });
      return parsed?.ok ? parsed.config : defaultConfig();
    },
    async facts({ installationId, names }) {
      const octokit = await app.auth(installationId);
      const listed = await octokit.paginate('GET /installation/repositories', { per_page: 100 });
      return Promise.all(
        names.map(async (name): Promise<ViewFacts> => {
          const found = listed.find((one) => one.full_name.toLowerCase() === name);
          if (!found)
            return { name, installed: false, visibility: null, shareWith: null, lists: null };
          const parsed = await readOwnConfig(octokit, {
            owner: found.owner.login,
            repo: found.name,
          });
          const config = parsed?.ok ? parsed.config : null;
          return {
            name,
            installed: true,
            visibility:
              (found.visibility as ViewFacts['visibility']) ??
              (found.private ? 'private' : 'public'),
            shareWith: config?.changeSets.shareWith ?? null,
            lists: config?.changeSets.repositories ?? null,
          };
        }),
      );
    },
    /**
     * The link GitHub makes for an archive of a branch (`GET …/tarball/{ref}`
     * answers 302 to it; for a private repository it carries a token of its own
     * and expires after five minutes:
     * https://docs.github.com/rest/repos/contents#download-a-repository-archive-tar).
     * Asked with the app's installation token, which stays in the app.
     */
    async archive({ installationId, repository, ref }) {
      const octokit = await app.auth(installationId);
      const [owner = '', repo = ''] = repository.split('/');
      const branch = ref ?? (await octokit.rest.repos.get({ owner, repo })).data.default_branch;
      const answer = await octokit.request('GET /repos/{owner}/{repo}/tarball/{ref}', {
        owner,
        repo,
        ref: branch,
        request: { redirect: 'manual' },
      });
      const location = answer.headers.location;
      if (typeof location !== 'string' || location === '')
        throw new Error(
          `GitHub answered ${answer.status} with no archive link for ${repository} (${branch})`,
        );
      return location;
    },
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

async function notFoundAsNull<T>(request: Promise<{ data: T }>): Promise<T | null> {
  try {
    return (await request).data;
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

/**
 * Whether a workflow's text is a version of the session workflow Baton
 * shipped, pinned to this app's source at the release it installs
 * (`BATON_SOURCE_REF`) or at the commit the default branch's workflow pins;
 * always false when the source is unknown (the default branch's file is then
 * the only one accepted). Any other commit of the source is refused: a fork's
 * commit is reachable by the source's name too, and an old release may be
 * one a later release fixed.
 */
function shippedWorkflowCheck(
  env: Record<string, string | undefined>,
): (text: string, onDefault: string | null) => boolean {
  const found = findBatonSource(env);
  if (!found.ok) return () => false;
  const { repository, ref } = found.source;
  const fingerprints = new Set(readShippedVersions()[WORKFLOW_PATH] ?? []);
  return (text, onDefault) => {
    if (!fingerprints.has(fingerprintTemplate(text, { repository }))) return false;
    const allowed = new Set([ref, ...templatePins(onDefault ?? '', { repository })]);
    return templatePins(text, { repository }).every((pin) => allowed.has(pin));
  };
}
