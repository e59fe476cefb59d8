import { z } from 'zod';
import { DOCTOR_ROLE } from '../../../../core/doctor/doctor-session.js';
import type { SessionRole } from '../../../../core/sessions/session.js';
import {
  comparisonChangesWorkflows,
  DOCTOR_TOKEN_PERMISSIONS,
  type SessionTokenPermissions,
  sessionTokenPermissions,
} from '../../../../core/sessions/token-permissions.js';
import { integrationBranch, parseBatonBranch } from '../../../../core/vocabulary/ids.js';
import { type AppClient, createAppClient } from '../../../app-client.js';
import {
  createSessionOctokit,
  type SessionClientOptions,
  type SessionLog,
  type SessionOctokit,
} from '../../../session-octokit.js';
import type { SessionToken } from './get-session-token.js';

/** What publish reads to mint its own token (server-less mode, docs/serverless.md). */
export interface MintEnv {
  BATON_APP_ID?: string | undefined;
  BATON_APP_PRIVATE_KEY?: string | undefined;
  BATON_BUILD: string;
  BATON_TRIGGER?: string | undefined;
  /** The run's commit: for a first attempt, the build branch's head when it was dispatched. */
  GITHUB_SHA?: string | undefined;
  GITHUB_API_URL: string;
  GITHUB_REPOSITORY: string;
  GITHUB_REPOSITORY_ID?: string | undefined;
  GITHUB_EVENT_NAME?: string | undefined;
  GITHUB_REF?: string | undefined;
  GITHUB_ACTOR?: string | undefined;
  GITHUB_TRIGGERING_ACTOR?: string | undefined;
}

/** Where the session workflow's publish step takes the key from. */
const KEY_SOURCE =
  'the Baton workflow sets it on the "Publish the session" step from the repository secret BATON_APP_PRIVATE_KEY';

/**
 * Publish's installation token when the repository runs Baton with nothing
 * hosted: minted here from the app's key (an Actions secret on this one step),
 * with the scoping the token endpoint gives a session (this repository; the
 * permissions of the run's role, `sessionTokenPermissions`), only for a run
 * the app dispatched on a Baton branch (a learn session's on a branch: the default one). `session.allowWorkflowChanges` is not
 * honoured here: with the key in the repository's secrets, a session that
 * could push a workflow could read it (docs/security.md). A fix whose merge of
 * the build branch brings a workflow change still gets `workflows: write`, as
 * publish pushes only the build branch's content there. `role` is the
 * session's (`doctor` for `baton doctor`'s session: its own permissions).
 */
/** What minting publish's token takes: the run's variables, the session's role, and the client's ways out. */
export interface MintRequest<E extends MintEnv = MintEnv> {
  env: E;
  role: SessionRole | typeof DOCTOR_ROLE;
  fetch: typeof globalThis.fetch;
  mask: (secret: string) => void;
  log?: SessionLog;
  /** How hard the app's client tries (tests make its waits short). */
  options?: SessionClientOptions;
}

export async function mintSessionToken({
  env,
  role,
  fetch,
  mask,
  log,
  options,
}: MintRequest): Promise<SessionToken> {
  const key = env.BATON_APP_PRIVATE_KEY;
  if (!key) return { ok: false, message: `BATON_APP_PRIVATE_KEY is not set: ${KEY_SOURCE}.` };
  if (!env.BATON_APP_ID) {
    return {
      ok: false,
      message:
        'BATON_APP_ID is not set: set the repository variable BATON_APP_ID to the app\'s id (the app\'s settings, "App ID"); the workflow passes it with the key.',
    };
  }
  const refused = checkRun(env, role);
  if (refused) return { ok: false, message: refused };
  let app: AppClient;
  try {
    app = await createAppClient({
      apiUrl: env.GITHUB_API_URL,
      appId: env.BATON_APP_ID,
      privateKey: key,
      fetch,
      mask,
      userAgent: 'baton-session',
      ...(log ? { log } : {}),
      ...(options ? { options } : {}),
    });
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  const installationId = await app.installationOf(env.GITHUB_REPOSITORY);
  if (installationId === null) {
    return {
      ok: false,
      message: `The app with id ${env.BATON_APP_ID} is not installed on ${env.GITHUB_REPOSITORY}: install it there, or set BATON_APP_ID to the id of the app whose key BATON_APP_PRIVATE_KEY holds.`,
    };
  }
  // The installation names the app's bot: read first, so its login costs no request of its own.
  const bot = await app.botLogin();
  const actor = env.GITHUB_TRIGGERING_ACTOR || env.GITHUB_ACTOR || '?';
  if (actor !== bot) {
    return {
      ok: false,
      message: `The run was started by ${actor}; only runs the app (${bot}) dispatched publish as the app.`,
    };
  }
  const scope = {
    installationId,
    repository: env.GITHUB_REPOSITORY,
    repositoryId: /^\d+$/.test(env.GITHUB_REPOSITORY_ID ?? '')
      ? Number(env.GITHUB_REPOSITORY_ID)
      : null,
  };
  const base = roleBasePermissions(role);
  const minted = await app.mintToken({ ...scope, permissions: base });
  const branch = (env.GITHUB_REF ?? '').replace(/^refs\/heads\//, '');
  // A worker's first attempt opens its branch from the build branch: GitHub refuses that push
  // without `workflows` when its commit changes a workflow since its merge base with the
  // default branch.
  const opens =
    role === 'work' && !env.BATON_TRIGGER && branch === integrationBranch(env.BATON_BUILD);
  if (role !== 'fix' && !opens) {
    return { ok: true, token: minted.token, expiresAt: minted.expiresAt };
  }
  // The minted token reads the workflows itself.
  const client = createSessionOctokit({
    apiUrl: env.GITHUB_API_URL,
    token: minted.token,
    userAgent: 'baton-session',
    fetch,
  });
  // A fix merges the build branch into its own: GitHub refuses the push without `workflows`
  // when that brings a workflow change, whoever made it on the build branch.
  const brings = opens
    ? await workflowsChangedSince(client, {
        repository: env.GITHUB_REPOSITORY,
        head: env.GITHUB_SHA ?? integrationBranch(env.BATON_BUILD),
      })
    : await workflowFilesDiffer(client, {
        repository: env.GITHUB_REPOSITORY,
        from: branch,
        to: integrationBranch(env.BATON_BUILD),
      });
  if (!brings) return { ok: true, token: minted.token, expiresAt: minted.expiresAt };
  const widened = await app.mintToken({
    ...scope,
    permissions: sessionTokenPermissions({
      role,
      allowWorkflowChanges: false,
      mergeBringsWorkflows: true,
    }),
  });
  await revoke(env.GITHUB_API_URL, minted.token, fetch);
  return { ok: true, token: widened.token, expiresAt: widened.expiresAt };
}

function roleBasePermissions(role: SessionRole | typeof DOCTOR_ROLE): SessionTokenPermissions {
  if (role === DOCTOR_ROLE) return { ...DOCTOR_TOKEN_PERMISSIONS };
  return sessionTokenPermissions({
    role,
    allowWorkflowChanges: false,
    mergeBringsWorkflows: false,
  });
}

/**
 * Why this run may not publish as the app, from what Actions says of it (the
 * endpoint's first checks, on the claims): a dispatch, on a Baton branch (a
 * doctor session: on the default branch). Null when it may.
 */
function checkRun(env: MintEnv, role: SessionRole | typeof DOCTOR_ROLE): string | null {
  if (env.GITHUB_EVENT_NAME !== 'workflow_dispatch') {
    return `Only runs started by workflow_dispatch publish as the app; this one came from ${env.GITHUB_EVENT_NAME ?? 'an unknown event'}.`;
  }
  const ref = env.GITHUB_REF ?? '';
  // A doctor session, and a learn session reading an ended build, run on the default branch.
  if (role === DOCTOR_ROLE || role === 'learn')
    return ref.startsWith('refs/heads/') ? null : `The run is on ${ref}.`;
  return parseBatonBranch(ref)
    ? null
    : `The run is on ${ref || 'no ref'}, not on a Baton branch (refs/heads/baton/<build>/...).`;
}

const Listing = z.array(z.object({ path: z.string(), sha: z.string() }));
const Repository = z.object({ default_branch: z.string().min(1) });
const Comparison = z.object({
  merge_base_commit: z.object({ sha: z.string() }),
  files: z.array(z.object({ filename: z.string() })).default([]),
});

/**
 * Whether a first attempt's commit changes a workflow since its merge base
 * with the default branch, what GitHub holds a new branch's push to (the
 * endpoint's test): the comparison's files; past the 300 GitHub lists, or
 * where the two share no history, the folder's listings at the merge base
 * (the default branch) and the commit.
 */
async function workflowsChangedSince(
  octokit: SessionOctokit,
  { repository, head }: { repository: string; head: string },
): Promise<boolean> {
  const [owner = '', repo = ''] = repository.split('/');
  const { data } = await octokit.request('GET /repos/{owner}/{repo}', { owner, repo });
  const base = Repository.parse(data).default_branch;
  let compared: z.infer<typeof Comparison> | null = null;
  try {
    const answer = await octokit.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
      owner,
      repo,
      basehead: `${base}...${head}`,
      per_page: 1,
    });
    compared = Comparison.parse(answer.data);
  } catch (error) {
    if ((error as { status?: unknown }).status !== 404) throw error;
  }
  const listed = compared ? comparisonChangesWorkflows(compared.files) : null;
  if (listed !== null) return listed;
  return workflowFilesDiffer(octokit, {
    repository,
    from: compared?.merge_base_commit.sha ?? null,
    to: head,
  });
}

/** Whether a file under `.github/workflows/` differs between two branches or commits (the endpoint's test). */
async function workflowFilesDiffer(
  octokit: SessionOctokit,
  { repository, from, to }: { repository: string; from: string | null; to: string },
): Promise<boolean> {
  // No ref: the default branch's.
  const listing = async (ref: string | null) => {
    try {
      const { data } = await octokit.request(
        `GET /repos/${repository}/contents/.github/workflows`,
        ref === null ? {} : { ref },
      );
      const parsed = Listing.safeParse(data);
      return new Map(parsed.success ? parsed.data.map((entry) => [entry.path, entry.sha]) : []);
    } catch (error) {
      if ((error as { status?: unknown }).status === 404) return new Map<string, string>();
      throw error;
    }
  };
  const [ours, theirs] = await Promise.all([listing(from), listing(to)]);
  return [...theirs].some(([path, sha]) => ours.get(path) !== sha);
}

async function revoke(apiUrl: string, token: string, fetch: typeof globalThis.fetch) {
  await fetch(`${apiUrl.replace(/\/+$/, '')}/installation/token`, {
    method: 'DELETE',
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/vnd.github+json' },
  }).catch(() => undefined);
}
