import { parseMirrorMarker } from '../../core/rules/sub-issues.js';
import type { PlanRead, SubIssueInfo } from '../../core/snapshot/snapshot.js';
import type { RepoContext } from '../client/types.js';

/** GitHub allows at most 100 sub-issues per issue: one page. */
const PER_PAGE = 100;

/**
 * The issue's sub-issues: number, id, state and title, and for one that Baton
 * opened, the worker its marker names. A sub-issue's body is a brief, which
 * the app never reads: only the bodies of Baton's own mirrors are looked at,
 * for their marker. One REST request, made only for a build whose plan
 * carries out sub-issues, or that is mirrored: the build query cannot ask,
 * because GraphQL's `Issue.subIssues` is not in the published schema Baton
 * is held to.
 */
export async function readSubIssues(
  ctx: RepoContext,
  { issue, build, plan, mirror }: { issue: number; build: string; plan: PlanRead; mirror: boolean },
): Promise<SubIssueInfo[] | null> {
  if (plan.kind !== 'valid') return null;
  const ofSubIssues = plan.plan.workers.some((w) => w.sub_issue !== undefined);
  if (!ofSubIssues && !mirror) return null;
  const { data } = await ctx.octokit.rest.issues.listSubIssues({
    owner: ctx.owner,
    repo: ctx.repo,
    issue_number: issue,
    per_page: PER_PAGE,
  });
  // GitHub lets a sub-issue live in another repository, where its number names something
  // else: Baton knows only sub-issues of the build's own repository.
  const own = `/repos/${ctx.owner}/${ctx.repo}`.toLowerCase();
  const here = data.filter((sub) => sub.repository_url.toLowerCase().endsWith(own));
  return here.map((sub) => {
    const ours = sub.user?.login === ctx.botLogin;
    const mirrorOf = ours ? parseMirrorMarker(sub.body ?? '', build) : null;
    return {
      number: sub.number,
      id: sub.id,
      state: sub.state === 'closed' ? ('closed' as const) : ('open' as const),
      ...stateReasonOf(sub.state_reason),
      title: sub.title,
      ...(mirrorOf ? { mirrorOf } : {}),
    };
  });
}

const STATE_REASONS = ['completed', 'not_planned', 'duplicate', 'reopened'] as const;

/** GitHub's `state_reason`, when it is one Baton knows. */
function stateReasonOf(reason: string | null | undefined): Pick<SubIssueInfo, 'stateReason'> {
  const known = STATE_REASONS.find((candidate) => candidate === reason);
  return known ? { stateReason: known } : {};
}
