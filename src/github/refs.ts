import type { RepoContext } from './types.js';
import { statusOf } from './types.js';

/** Creates a ref; false when it exists already (GitHub answers 422). */
export async function createRef(
  ctx: RepoContext,
  { ref, sha }: { ref: string; sha: string },
): Promise<boolean> {
  try {
    await ctx.octokit.rest.git.createRef({ owner: ctx.owner, repo: ctx.repo, ref, sha });
    return true;
  } catch (error) {
    if (statusOf(error) === 422) return false;
    throw error;
  }
}

/** Deletes a ref; one that is gone already is fine. */
export async function deleteRef(ctx: RepoContext, ref: string): Promise<void> {
  try {
    await ctx.octokit.rest.git.deleteRef({
      owner: ctx.owner,
      repo: ctx.repo,
      ref: ref.replace(/^refs\//, ''),
    });
  } catch (error) {
    if (statusOf(error) !== 422 && statusOf(error) !== 404) throw error;
  }
}

/** Moves a branch to `sha`; false when GitHub refuses (422: not a fast-forward, or gone). */
export async function moveBranch(
  ctx: RepoContext,
  { branch, sha, force }: { branch: string; sha: string; force: boolean },
): Promise<boolean> {
  try {
    await ctx.octokit.rest.git.updateRef({
      owner: ctx.owner,
      repo: ctx.repo,
      ref: `heads/${branch}`,
      sha,
      force,
    });
    return true;
  } catch (error) {
    if (statusOf(error) === 422) return false;
    throw error;
  }
}
