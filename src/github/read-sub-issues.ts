import type { PlanRead, SubIssueInfo } from '../core/snapshot.js';
import type { RepoContext } from './types.js';

/** GitHub allows at most 100 sub-issues per issue: one page. */
const PER_PAGE = 100;

/**
 * The issue's sub-issues, numbers and states only (a sub-issue's body is a
 * brief, which the app never reads). One REST request, made only for a build
 * whose plan carries out sub-issues: the build query cannot ask, because
 * GraphQL's `Issue.subIssues` is not in the published schema Baton is held to.
 */
export async function readSubIssues(
  ctx: RepoContext,
  { issue, plan }: { issue: number; plan: PlanRead },
): Promise<SubIssueInfo[] | null> {
  if (plan.kind !== 'valid' || !plan.plan.workers.some((w) => w.sub_issue !== undefined)) {
    return null;
  }
  const { data } = await ctx.octokit.rest.issues.listSubIssues({
    owner: ctx.owner,
    repo: ctx.repo,
    issue_number: issue,
    per_page: PER_PAGE,
  });
  return data.map((sub) => ({
    number: sub.number,
    state: sub.state === 'closed' ? 'closed' : 'open',
  }));
}
