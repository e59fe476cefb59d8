import type { Action } from '../../core/context/action.js';
import { ignoreStatus, type RepoContext } from '../client/types.js';

type IssueAction<K extends Action['kind']> = Extract<Action, { kind: K }>;

/** An issue (or pull request) of the repository, as the issues API names it. */
function issueOf(ctx: RepoContext, number: number) {
  return { owner: ctx.owner, repo: ctx.repo, issue_number: number };
}

/** Adds a label to an issue or pull request. */
export async function addLabel(
  ctx: RepoContext,
  { number, label }: IssueAction<'add-label'>,
): Promise<void> {
  await ctx.octokit.rest.issues.addLabels({ ...issueOf(ctx, number), labels: [label] });
}

/** Removes a label; one that is gone already (404) is fine. */
export async function removeLabel(
  ctx: RepoContext,
  { number, label }: IssueAction<'remove-label'>,
): Promise<void> {
  await ignoreStatus([404], () =>
    ctx.octokit.rest.issues.removeLabel({ ...issueOf(ctx, number), name: label }),
  );
}

export async function retitleIssue(
  ctx: RepoContext,
  { number, title }: IssueAction<'retitle-issue'>,
): Promise<void> {
  await ctx.octokit.rest.issues.update({ ...issueOf(ctx, number), title });
}

/**
 * Closes a sub-issue (as completed, or as not planned), unless it is closed
 * already (the snapshot may be a moment old, and another replica may have
 * closed it): one read guards the write, so closing twice is a no-op.
 */
export async function closeSubIssue(
  ctx: RepoContext,
  { number, reason }: IssueAction<'close-sub-issue'>,
): Promise<boolean> {
  return updateWhileState(ctx, number, (issue) => issue.state !== 'closed', {
    state: 'closed',
    state_reason: reason,
  });
}

/**
 * Reopens a mirror whose worker a later plan brought back, under its title
 * now: only while it is still closed as not planned (one read first), so a
 * second replica, or a person who has since closed it otherwise, is left be.
 */
export async function reopenMirror(
  ctx: RepoContext,
  { number, title }: IssueAction<'reopen-sub-issue'>,
): Promise<boolean> {
  return updateWhileState(
    ctx,
    number,
    (issue) => issue.state === 'closed' && issue.state_reason === 'not_planned',
    { state: 'open', state_reason: 'reopened', title },
  );
}

/** Writes `change` to an issue only if its state, read first, still `allows` it: whether it wrote. */
async function updateWhileState(
  ctx: RepoContext,
  number: number,
  allows: (issue: { state: string; state_reason?: string | null }) => boolean,
  change: {
    state: 'open' | 'closed';
    state_reason: IssueAction<'close-sub-issue'>['reason'] | 'reopened';
    title?: string;
  },
): Promise<boolean> {
  const issue = issueOf(ctx, number);
  const { data } = await ctx.octokit.rest.issues.get(issue);
  if (!allows(data)) return false;
  await ctx.octokit.rest.issues.update({ ...issue, ...change });
  return true;
}
