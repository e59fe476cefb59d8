import type { BuildSnapshot } from '../core/snapshot.js';
import type { RepoContext } from './types.js';
import { statusOf } from './types.js';

/**
 * Makes the issue's status comment say `body`. Edited in place (found by its
 * marker when observed); an unchanged body is not re-sent, which keeps Baton
 * clear of GitHub's limit on content-creating writes. A replica that just lost
 * a dispatch lock never creates one: the replica that won it does.
 */
export async function ensureStatusComment(
  ctx: RepoContext,
  { snapshot, body, mayCreate }: { snapshot: BuildSnapshot; body: string; mayCreate: boolean },
): Promise<'unchanged' | 'updated' | 'created' | 'skipped'> {
  const existing = snapshot.statusComment;
  if (existing?.body === body) return 'unchanged';
  if (existing) {
    try {
      await ctx.octokit.rest.issues.updateComment({
        owner: ctx.owner,
        repo: ctx.repo,
        comment_id: existing.id,
        body,
      });
      return 'updated';
    } catch (error) {
      if (statusOf(error) !== 404) throw error; // Someone deleted it: post it again below.
    }
  }
  if (!mayCreate) return 'skipped';
  await ctx.octokit.rest.issues.createComment({
    owner: ctx.owner,
    repo: ctx.repo,
    issue_number: snapshot.issue.number,
    body,
  });
  return 'created';
}

/** Removes status comments left twice by a race between replicas; the oldest stays. */
export async function removeDuplicateStatusComments(
  ctx: RepoContext,
  ids: number[],
): Promise<void> {
  for (const id of ids) {
    try {
      await ctx.octokit.rest.issues.deleteComment({
        owner: ctx.owner,
        repo: ctx.repo,
        comment_id: id,
      });
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }
}
