import type { RepoContext } from '../client/types.js';

export function noteMarker(key: string): string {
  return `<!-- baton:note key=${key} -->`;
}

/**
 * Posts a comment once: its key travels in a hidden marker, and a comment of
 * Baton's that carries it already means there is nothing to do.
 * Returns whether a comment was posted.
 */
export async function ensureNote(
  ctx: RepoContext,
  { number, key, body }: { number: number; key: string; body: string },
): Promise<boolean> {
  const marker = noteMarker(key);
  const comments = await ctx.octokit.paginate(ctx.octokit.rest.issues.listComments, {
    owner: ctx.owner,
    repo: ctx.repo,
    issue_number: number,
    per_page: 100,
  });
  if (comments.some((c) => c.user?.login === ctx.botLogin && c.body?.includes(marker)))
    return false;
  await ctx.octokit.rest.issues.createComment({
    owner: ctx.owner,
    repo: ctx.repo,
    issue_number: number,
    body: `${marker}\n${body}`,
  });
  return true;
}
