import { type DatedUsage, datedUsageOf } from '../core/daily-spend.js';
import type { RepoContext } from './types.js';

/**
 * The newest 100 of Baton's hidden refs in the repository, each with its
 * commit's message and date: the usage records of every build (and, among
 * them, lock and other refs, passed over). One GraphQL request, made only
 * when `budget.dailyUsd` is set; the app keeps no tally of its own.
 */
export const REPO_USAGE_QUERY = /* GraphQL */ `
  query BatonRepoUsage($owner: String!, $repo: String!) {
    repository(owner: $owner, name: $repo) {
      refs(refPrefix: "refs/baton/", first: 100, orderBy: { field: TAG_COMMIT_DATE, direction: DESC }) {
        nodes { name target { ... on Commit { message committedDate } } }
      }
    }
  }
`;

interface RepoUsageResult {
  repository: {
    refs: { nodes: { name: string; target: { message?: string; committedDate?: string } }[] };
  } | null;
}

export async function readRepoUsage(ctx: RepoContext): Promise<DatedUsage[]> {
  const { repository } = await ctx.octokit.graphql<RepoUsageResult>(REPO_USAGE_QUERY, {
    owner: ctx.owner,
    repo: ctx.repo,
  });
  return datedUsageOf(repository?.refs.nodes ?? []);
}
