import type { ProbotOctokit } from 'probot';
import { loadConfig } from '../config.js';
import {
  checkAppId,
  checkAppUrl,
  checkPin,
  checkWorkflow,
  checkWorkflowChangesServerless,
  type DoctorCheck,
  findMissingEvents,
  findMissingPermissions,
  installationSettingsUrl,
} from '../core/doctor/doctor.js';
import {
  classifyGitHubFailure,
  describeGitHubFailure,
  reachFix,
} from '../core/doctor/github-failure.js';
import { CONDUCTOR_WORKFLOW_PATH, WORKFLOW_PATH } from '../core/vocabulary/ids.js';
import { messageOf, statusOf } from '../github/client/types.js';
import { fingerprintTemplate, readShippedVersions } from '../github/setup/setup-templates.js';
import { readPin, sourceHasCommit } from '../github/setup/source-pin.js';
import { findBatonSource } from '../github/setup/source-ref.js';
import { findAppUrlProblem } from '../server/app-url.js';
import type { AppManifest } from './app-manifest.js';
import { type DoctorSessionOptions, runDoctorSession } from './doctor-session.js';
import { checkStore } from './store-check.js';

type Octokit = InstanceType<typeof ProbotOctokit>;

/** What the doctor needs: the app's credentials made into clients, and the app's settings. */
export interface DoctorDeps {
  /** The app itself (JWT). */
  app: Octokit;
  /** The app's installation. */
  installation(id: number): Promise<Octokit>;
  /** The app's environment (`.env` and the process's), as `npm start` reads it. */
  env: Record<string, string | undefined>;
  manifest: AppManifest;
  /** github.com, or the GHE server's web URL: where settings pages are. */
  serverUrl: string;
  /** Dispatch the doctor session once every other check passed; null: do not. */
  session: DoctorSessionOptions | null;
}

interface InstallationView {
  id: number;
  permissions: Record<string, string>;
  events: string[];
  account: string;
  accountType: 'User' | 'Organization';
}

/**
 * The auth line when `GET /app` failed: GitHub not reached (its name, a
 * connection, TLS, a proxy) is told apart from GitHub refusing the credentials.
 */
function authFailure(error: unknown): DoctorCheck {
  const failure = classifyGitHubFailure(error);
  if (failure.kind === 'unreachable') {
    return {
      id: 'auth',
      ok: false,
      message: describeGitHubFailure(failure),
      fix: `${reachFix(failure.layer)}; on GitHub Enterprise Server, GHE_HOST`,
    };
  }
  return {
    id: 'auth',
    ok: false,
    message: `GitHub refused the app's credentials (${failure.kind === 'refused' ? `${failure.status} ` : ''}${messageOf(error)})`,
    fix: 'check APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH), and GHE_HOST on GitHub Enterprise Server, in .env or the environment',
  };
}

/**
 * The checks that need no dispatch (docs/doctor.md), in order; a check the
 * later ones depend on (authentication, installation) ends the list when it fails.
 */
export async function runDoctor(
  deps: DoctorDeps,
  { owner, repo }: { owner: string; repo: string },
): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  let slug: string;
  try {
    const { data } = await deps.app.request('GET /app');
    slug = data?.slug ?? 'baton';
    checks.push({ id: 'auth', ok: true, message: `authenticated as the app ${slug}` });
  } catch (error) {
    checks.push(authFailure(error));
    return checks;
  }
  // Replicas share a Redis; one process has no store to check.
  const redisUrl = deps.env.REDIS_URL?.trim();
  if (redisUrl) checks.push(await checkStore(redisUrl));
  const installation = await findInstallation(deps.app, { owner, repo });
  if (!installation) {
    checks.push({
      id: 'installed',
      ok: false,
      message: `the app is not installed on ${owner}/${repo}`,
      fix: `install it: ${deps.serverUrl.replace(/\/+$/, '')}/apps/${slug}/installations/new`,
    });
    return checks;
  }
  checks.push({
    id: 'installed',
    ok: true,
    message: `installed on ${owner}/${repo} (installation ${installation.id})`,
  });
  checks.push(...checkGrants(deps, installation));
  const octokit = await deps.installation(installation.id);
  checks.push(...(await checkRepository(deps, octokit, { owner, repo })));
  // The session needs every check above (its workflow, pin, token); it would only fail the same way.
  if (!deps.session) return checks;
  if (checks.some((check) => !check.ok)) {
    checks.push({
      id: 'session',
      ok: false,
      message: 'the doctor session was not dispatched: fix the checks above first',
      fix: 'run the doctor again once they pass',
    });
    return checks;
  }
  const { data } = await octokit.request('GET /repos/{owner}/{repo}', { owner, repo });
  checks.push(
    ...(await runDoctorSession(
      octokit,
      { owner, repo, defaultBranch: data.default_branch, htmlUrl: data.html_url },
      deps.session,
    )),
  );
  return checks;
}

async function findInstallation(
  app: Octokit,
  where: { owner: string; repo: string },
): Promise<InstallationView | null> {
  try {
    const { data } = await app.request('GET /repos/{owner}/{repo}/installation', where);
    const account = data.account as { login?: string; type?: string } | null;
    return {
      id: data.id,
      permissions: { ...(data.permissions as Record<string, string>) },
      events: data.events ?? [],
      account: account?.login ?? where.owner,
      accountType: account?.type === 'User' ? 'User' : 'Organization',
    };
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

function checkGrants(deps: DoctorDeps, installation: InstallationView): DoctorCheck[] {
  const settings = installationSettingsUrl({
    serverUrl: deps.serverUrl,
    account: installation.account,
    accountType: installation.accountType,
    installationId: installation.id,
  });
  const permissions = findMissingPermissions({
    wanted: deps.manifest.default_permissions,
    granted: installation.permissions,
  });
  const events = findMissingEvents({
    wanted: deps.manifest.default_events,
    granted: installation.events,
  });
  const accept = `accept the app's requested permissions and events at ${settings} (after updating the app's own settings from app.yml if it lacks them)`;
  return [
    permissions.length === 0
      ? { id: 'permissions', ok: true, message: 'every permission app.yml asks for is granted' }
      : {
          id: 'permissions',
          ok: false,
          message: `the installation lacks ${permissions.join(', ')}`,
          fix: accept,
        },
    events.length === 0
      ? { id: 'events', ok: true, message: 'every event app.yml subscribes to is delivered' }
      : {
          id: 'events',
          ok: false,
          message: `the installation does not deliver ${events.join(', ')}`,
          fix: accept,
        },
  ];
}

async function checkRepository(
  deps: DoctorDeps,
  octokit: Octokit,
  where: { owner: string; repo: string },
): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const { data: repository } = await octokit.request('GET /repos/{owner}/{repo}', where);
  const found = findBatonSource(deps.env);
  const sourceRepository = found.ok
    ? found.source.repository
    : (deps.env.BATON_SOURCE_REPOSITORY ?? 'baton-dev/baton');
  const ref = repository.default_branch;
  const text = await readWorkflow(octokit, { ...where, ref, path: WORKFLOW_PATH });
  const pin = text === null ? null : readPin(text, sourceRepository);
  checks.push(workflowCheck({ text, path: WORKFLOW_PATH, pin, sourceRepository }));
  // With the conductor workflow, the repository runs Baton with nothing hosted (docs/serverless.md).
  const conductor = await readWorkflow(octokit, { ...where, ref, path: CONDUCTOR_WORKFLOW_PATH });
  if (conductor !== null) {
    const conductorPin = readPin(conductor, sourceRepository);
    const check = workflowCheck({
      text: conductor,
      path: CONDUCTOR_WORKFLOW_PATH,
      pin: conductorPin,
      sourceRepository,
    });
    checks.push({ ...check, id: 'conductor' });
  }
  if (text !== null) {
    const exists = pin ? await sourceHasCommit(octokit, { sourceRepository, sha: pin }) : null;
    checks.push(
      checkPin({ pin, sourceRepository, exists, appRef: found.ok ? found.source.ref : null }),
    );
  }
  const config = await loadConfig(octokit, where);
  checks.push(checkConfig(config));
  if (conductor !== null) {
    checks.push(
      checkAppId({
        variable: await readVariable(octokit, { ...where, name: 'BATON_APP_ID' }),
        appId: deps.env.APP_ID ?? '',
        repository: `${where.owner}/${where.repo}`,
      }),
    );
    const changes = checkWorkflowChangesServerless(
      config.ok && config.config.session.allowWorkflowChanges,
    );
    if (changes) checks.push(changes);
    return checks;
  }
  checks.push(
    checkAppUrl({
      variable: await readVariable(octokit, { ...where, name: 'BATON_APP_URL' }),
      appUrl: deps.env.BATON_APP_URL?.trim() || null,
      problem: findAppUrlProblem(deps.env.BATON_APP_URL),
    }),
  );
  return checks;
}

/** Whether a workflow Baton installs is one it shipped, or a customised one that pins its action. */
function workflowCheck({
  text,
  path,
  pin,
  sourceRepository,
}: {
  text: string | null;
  path: string;
  pin: string | null;
  sourceRepository: string;
}): DoctorCheck {
  const shipped =
    text !== null &&
    (readShippedVersions()[path] ?? []).includes(
      fingerprintTemplate(text, { repository: sourceRepository }),
    );
  return checkWorkflow({
    workflow: text === null ? { kind: 'missing' } : { kind: 'present', shipped, pin },
    path,
    sourceRepository,
  });
}

async function readWorkflow(
  octokit: Octokit,
  where: { owner: string; repo: string; ref: string; path: string },
): Promise<string | null> {
  try {
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
      ...where,
      mediaType: { format: 'raw' },
    });
    return String(data);
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

/** `.github/baton.yml` as a build reads it: the same file:line:field problems. */
function checkConfig(parsed: Awaited<ReturnType<typeof loadConfig>>): DoctorCheck {
  if (parsed.ok) return { id: 'config', ok: true, message: '.github/baton.yml parses' };
  const problems = parsed.problems.map(
    (p) => `.github/baton.yml${p.line === undefined ? '' : `:${p.line}`}: ${p.field} ${p.message}`,
  );
  return {
    id: 'config',
    ok: false,
    message: problems.join('; '),
    fix: 'correct .github/baton.yml on the default branch (docs: the commented template Baton installs)',
  };
}

/**
 * A repository variable; null when unset, undefined when the app may not read
 * variables (`actions_variables: read` is not among its permissions: the doctor
 * session then tells whether the runner reaches the app).
 */
async function readVariable(
  octokit: Octokit,
  where: { owner: string; repo: string; name: string },
): Promise<string | null | undefined> {
  try {
    const { data } = await octokit.request(
      'GET /repos/{owner}/{repo}/actions/variables/{name}',
      where,
    );
    return data.value;
  } catch (error) {
    const status = statusOf(error);
    if (status === 404) return null;
    if (status === 403) return undefined;
    throw error;
  }
}
