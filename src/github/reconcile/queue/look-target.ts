import { remembered } from '../../../process-memory.js';
import { defaultBranchOf } from '../../change-set/default-branch.js';
import { BoundedMap } from '../../client/bounded-map.js';
import { repositoryInstallationId } from '../../client/installation.js';
import { type Octokit, parseBuildKey, type RepoContext } from '../../client/types.js';
import type { BuildRef } from './locate-build.js';

/** A build a look names, as GitHub shows it: whom to reconcile and on what default branch. */
export interface LookTarget {
  ctx: RepoContext;
  ref: BuildRef;
  defaultBranch: string;
}

/** The app's installation on each repository (`owner/repo`, lower case), as GitHub answered it. */
const installations = remembered(new BoundedMap<number>(2_000));

/**
 * The build a look taken from the store names by its key alone (`owner/repo#build`),
 * with everything else asked of GitHub: the app's installation on the repository (as
 * the app; kept per process), and the repository's default branch (asked
 * conditionally: a 304 is not counted), which the build's configuration is read
 * from and merged into its build branch. The issue is the build id's own. Null
 * when the key names nothing GitHub shows the app: no such repository, or one
 * the app is not installed on.
 *
 * What a store holds is a hint anyone who reaches it may have written: a look
 * names a build to look at, never how to read it. A key naming a build that
 * does not exist reconciles nothing (`existsOnGitHub`); one naming a real
 * build costs one reconcile of it, as an event would.
 */
export async function findLookTarget({
  key,
  auth,
  botLogin,
}: {
  key: string;
  /** Probot's `app.auth`: the app itself without an id, an installation with one. */
  auth: (installationId?: number) => Promise<Octokit>;
  botLogin: string;
}): Promise<LookTarget | null> {
  const named = parseBuildKey(key);
  if (!named) return null;
  const { owner, repo, build, issue } = named;
  const repository = `${owner}/${repo}`.toLowerCase();
  const known = installations.get(repository);
  const installationId = known ?? (await repositoryInstallationId(await auth(), { owner, repo }));
  if (installationId === null) return null;
  installations.set(repository, installationId);
  try {
    const ctx: RepoContext = {
      octokit: await auth(installationId),
      owner,
      repo,
      botLogin,
      installationId,
    };
    return { ctx, ref: { build, issue }, defaultBranch: await defaultBranchOf(ctx) };
  } catch (error) {
    // The app may have been installed again since (a new installation id): asked afresh next time.
    installations.delete(repository);
    throw error;
  }
}
