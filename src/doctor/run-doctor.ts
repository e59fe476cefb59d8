import type { ProbotOctokit } from 'probot';
import {
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
import { checkPage } from '../core/doctor/page-check.js';
import { messageOf } from '../github/client/types.js';
import { findAppUrlProblem } from '../server/app-url.js';
import type { AppManifest } from './app-manifest.js';
import { checkRepository, findInstallation, type InstallationView } from './check-repository.js';
import { type DoctorSessionOptions, runDoctorSession } from './run-doctor-session.js';
import { checkSetRepositories } from './set-repositories.js';
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
  let clientId: string | null;
  let appId: number;
  try {
    const { data } = await deps.app.request('GET /app');
    slug = data?.slug ?? 'baton';
    clientId = data?.client_id ?? null;
    appId = data?.id ?? 0;
    checks.push({ id: 'auth', ok: true, message: `authenticated as the app ${slug}` });
  } catch (error) {
    checks.push(authFailure(error));
    return checks;
  }
  // The page's sign-in: this app's user authorization, and where GitHub sends people back.
  checks.push(
    checkPage({
      clientId: deps.env.GITHUB_CLIENT_ID,
      clientSecret: deps.env.GITHUB_CLIENT_SECRET,
      appClientId: clientId,
      appUrl: deps.env.BATON_APP_URL,
      appUrlProblem: findAppUrlProblem(deps.env.BATON_APP_URL),
      settingsUrl: `${deps.serverUrl.replace(/\/+$/, '')}/settings/apps/${slug}`,
    }),
  );
  // Replicas share a Redis; one process has no store to check.
  const redisUrl = deps.env.REDIS_URL?.trim();
  if (redisUrl) checks.push(await checkStore(redisUrl, deps.env.REDIS_PASSWORD?.trim()));
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
  const own = await checkRepository(deps.env, octokit, { owner, repo });
  checks.push(...own.checks);
  // A change set's repositories (docs/change-sets.md), each in the same installation and set up.
  checks.push(
    ...(await checkSetRepositories(
      {
        app: deps.app,
        self: { id: appId, slug },
        octokit,
        env: deps.env,
        installUrl: installationSettingsUrl({
          serverUrl: deps.serverUrl,
          account: installation.account,
          accountType: installation.accountType,
          installationId: installation.id,
        }),
      },
      {
        home: { owner, repo, defaultBranch: own.defaultBranch },
        installation: installation.id,
        config: own.config,
      },
    )),
  );
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
