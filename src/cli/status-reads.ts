import { decideSet } from '../core/change-set/decide-set.js';
import { isSetBuild } from '../core/change-set/set-commands.js';
import type { BuildRead } from '../core/overview/build-read.js';
import { setReadsOf } from '../core/overview/set-reads.js';
import { statusViewOf } from '../core/overview/status-view-of.js';
import { observeSet } from '../github/change-set/observe-set.js';
import { conditionalReads } from '../github/client/conditional-reads.js';
import type { RepoContext } from '../github/client/types.js';
import { observeBuild } from '../github/observe/observe-build.js';
import { findBranchBuilds } from '../github/reconcile/doors/resync.js';
import { loadConfigAt } from '../read-config.js';
import type { AppOctokit } from './app-probot.js';

/** A repository `baton status` reads, with the installation that holds it. */
export interface StatusRepository {
  owner: string;
  repo: string;
  defaultBranch: string;
  installationId: number;
}

/**
 * Every build of one repository as `baton status` reads it, with the app's
 * credentials and nothing hosted: its build branches listed, each build read
 * as a reconcile reads it (`observeBuild`, its configuration), and its status
 * as `decide` would render it; a change set's build with its members, as the
 * set's reconcile reads them (`observeSet`, `decideSet`). Nothing is written.
 */
export async function readRepositoryBuilds({
  octokit,
  repository,
  botLogin,
  now,
}: {
  octokit: AppOctokit;
  repository: StatusRepository;
  botLogin: string;
  now: string;
}): Promise<BuildRead[]> {
  const { owner, repo, defaultBranch, installationId } = repository;
  const ctx: RepoContext = { octokit, owner, repo, botLogin, installationId };
  const { builds } = await findBranchBuilds(ctx);
  const reads: BuildRead[] = [];
  for (const ref of builds) {
    const observed = await observeBuild(ctx, { ...ref, defaultBranch });
    const { snapshot } = observed;
    if (!snapshot.integration && !snapshot.statusComment) continue;
    const config = await loadConfigAt(ctx, snapshot.repo.defaultSha);
    const home = `${owner}/${repo}`.toLowerCase();
    if (config.ok && isSetBuild({ snapshot, config: config.config, home })) {
      const set = await observeSet(ctx, { home: snapshot, config, since: observed.runsSince });
      reads.push(
        ...setReadsOf({ decision: decideSet({ set, config, now }), config, installationId, now }),
      );
      continue;
    }
    reads.push({
      repository: `${owner}/${repo}`,
      installationId,
      snapshot,
      config: config.ok ? config.config : null,
      view: statusViewOf({ snapshot, config, now }),
      readAt: now,
    });
  }
  return reads;
}

/** The repositories of an installation, as its token lists them. */
export async function installationRepositories(
  octokit: AppOctokit,
  installationId: number,
): Promise<StatusRepository[]> {
  return conditionalReads.paginate(octokit, {
    route: 'GET /installation/repositories',
    params: { per_page: 100 },
    scope: `status installation ${installationId}`,
    pick: (data) =>
      (
        (
          data as {
            repositories?: { owner: { login: string }; name: string; default_branch: string }[];
          } | null
        )?.repositories ?? []
      ).map((listed) => ({
        owner: listed.owner.login,
        repo: listed.name,
        defaultBranch: listed.default_branch,
        installationId,
      })),
  });
}
