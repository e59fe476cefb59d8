import { conditionalReads } from '../client/conditional-reads.js';
import type { RepoContext } from '../client/types.js';

/**
 * A repository's default branch, for an event of another repository that
 * concerns a build of this one (a change set's member, docs/change-sets.md).
 * Asked conditionally: a 304 is not counted.
 */
export async function defaultBranchOf(ctx: RepoContext): Promise<string> {
  const [repository] = await conditionalReads.paginate(ctx.octokit, {
    route: 'GET /repos/{owner}/{repo}',
    params: { owner: ctx.owner, repo: ctx.repo },
    pick: (data) => [data as { default_branch: string }],
  });
  if (!repository) throw new Error(`${ctx.owner}/${ctx.repo} has no default branch in sight`);
  return repository.default_branch;
}
