import type { Action } from '../../core/context/action.js';
import type { Verdict } from '../../core/snapshot/snapshot.js';
import { REVIEW_CHECK_NAME } from '../../core/vocabulary/ids.js';
import { ignoreStatus, type RepoContext } from '../client/types.js';
import { deleteRef } from './locks/refs.js';

/**
 * Publishes a verdict as the check run `baton/review` on a head, so branch
 * protection can require Baton's review like any other check.
 */
export async function setReviewCheck(
  ctx: RepoContext,
  { sha, verdict }: { sha: string; verdict: Verdict },
): Promise<void> {
  const conclusion =
    verdict === 'approve' ? 'success' : verdict === 'changes-requested' ? 'failure' : 'neutral';
  const title =
    verdict === 'approve'
      ? 'Approved'
      : verdict === 'changes-requested'
        ? 'Changes requested'
        : 'Commented';
  await ctx.octokit.rest.checks.create({
    owner: ctx.owner,
    repo: ctx.repo,
    name: REVIEW_CHECK_NAME,
    head_sha: sha,
    status: 'completed',
    conclusion,
    output: { title, summary: `The review verdict on ${sha.slice(0, 7)}: ${title.toLowerCase()}.` },
  });
}

/** Opens the build's final PR; false when one is open already (422). */
export async function openFinalPull(
  ctx: RepoContext,
  { title, body, head, base }: { title: string; body: string; head: string; base: string },
): Promise<{ number: number; url: string } | null> {
  return ignoreStatus([422], async () => {
    const { data } = await ctx.octokit.rest.pulls.create({
      owner: ctx.owner,
      repo: ctx.repo,
      title,
      body,
      head,
      base,
    });
    return { number: data.number, url: data.html_url };
  });
}

/** Brings a worker PR's branch up to date with its base; 422 (moved meanwhile, or no longer behind) is left to the next look. */
export async function updatePullBranch(
  ctx: RepoContext,
  { pull, expectedHeadSha }: Extract<Action, { kind: 'update-pull-branch' }>,
): Promise<void> {
  await ignoreStatus([422], () =>
    ctx.octokit.rest.pulls.updateBranch({
      owner: ctx.owner,
      repo: ctx.repo,
      pull_number: pull,
      expected_head_sha: expectedHeadSha,
    }),
  );
}

/** Auto-merge exists only in GraphQL. */
export const ENABLE_AUTO_MERGE = /* GraphQL */ `
  mutation BatonAutoMerge($id: ID!) {
    enablePullRequestAutoMerge(input: { pullRequestId: $id }) { clientMutationId }
  }
`;

export async function enableAutoMerge(ctx: RepoContext, pull: number): Promise<void> {
  const { data } = await ctx.octokit.rest.pulls.get({
    owner: ctx.owner,
    repo: ctx.repo,
    pull_number: pull,
  });
  await ctx.octokit.graphql(ENABLE_AUTO_MERGE, { id: data.node_id });
}

export async function closePull(ctx: RepoContext, pull: number): Promise<void> {
  await ctx.octokit.rest.pulls.update({
    owner: ctx.owner,
    repo: ctx.repo,
    pull_number: pull,
    state: 'closed',
  });
}

export function deleteBranch(ctx: RepoContext, branch: string): Promise<void> {
  return deleteRef(ctx, `refs/heads/${branch}`);
}
