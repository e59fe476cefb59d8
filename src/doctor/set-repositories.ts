import type { ProbotOctokit } from 'probot';
import type { ParsedConfig } from '../core/config/config.js';
import { checkSetInstallation, checkSetOrder } from '../core/doctor/change-set-checks.js';
import type { DoctorCheck } from '../core/doctor/doctor.js';
import { statusOf } from '../github/client/types.js';
import { checkRepository, findInstallation } from './check-repository.js';

type Octokit = InstanceType<typeof ProbotOctokit>;

/**
 * The checks of a change set's repositories (docs/change-sets.md), when the
 * repository's configuration lists `changeSets.repositories`: its own default
 * branch requires `baton/change-set`, and each listed repository is installed
 * in the same installation, passes the repository's own checks (its workflow,
 * pin, configuration, and how its sessions reach the app) and requires the
 * check too, from this app. Each line is named after its repository.
 */
export async function checkSetRepositories(
  {
    app,
    octokit,
    env,
    installUrl,
    self,
  }: {
    app: Octokit;
    /** The app Baton runs as (`GET /app`): the source `baton/change-set` must be required from. */
    self: { id: number; slug: string };
    /** The installation's client: it reaches every repository of the installation. */
    octokit: Octokit;
    env: Record<string, string | undefined>;
    installUrl: string;
  },
  {
    home,
    installation,
    config,
  }: {
    home: { owner: string; repo: string; defaultBranch: string };
    installation: number;
    config: ParsedConfig;
  },
): Promise<DoctorCheck[]> {
  const listed = config.ok ? config.config.changeSets.repositories : [];
  if (listed.length === 0) return [];
  const checks = [await orderCheck(octokit, home, self)];
  for (const name of listed) {
    const [owner = '', repo = ''] = name.split('/');
    const found = await findInstallation(app, { owner, repo });
    const installed = checkSetInstallation({
      repository: name,
      installation: found?.id ?? null,
      home: installation,
      installUrl,
    });
    checks.push(installed);
    if (!installed.ok) continue;
    const own = await checkRepository(env, octokit, { owner, repo });
    checks.push(...own.checks.map((check) => ({ ...check, id: `${name} ${check.id}` })));
    checks.push(await orderCheck(octokit, { owner, repo, defaultBranch: own.defaultBranch }, self));
  }
  return checks;
}

/**
 * The status checks the rulesets of a repository's default branch require,
 * each with the app it must come from, as its `order` line.
 */
async function orderCheck(
  octokit: Octokit,
  where: { owner: string; repo: string; defaultBranch: string },
  app: { id: number; slug: string },
): Promise<DoctorCheck> {
  const repository = `${where.owner}/${where.repo}`;
  const branch = where.defaultBranch;
  try {
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/rules/branches/{branch}', {
      owner: where.owner,
      repo: where.repo,
      branch,
      per_page: 100,
    });
    const required = data.flatMap((rule) =>
      rule.type === 'required_status_checks'
        ? (rule.parameters?.required_status_checks ?? []).map((check) => ({
            context: check.context,
            integrationId: check.integration_id ?? null,
          }))
        : [],
    );
    return checkSetOrder({ repository, branch, required, app });
  } catch (error) {
    if (statusOf(error) === 404 || statusOf(error) === 403)
      return checkSetOrder({ repository, branch, required: null, app });
    throw error;
  }
}
