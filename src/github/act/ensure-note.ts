import { noticeKey } from '../../core/vocabulary/notice.js';
import type { RepoContext } from '../client/types.js';
import { writeOnceByRef } from './refs.js';

export function noteMarker(key: string): string {
  return `<!-- baton:note key=${key} -->`;
}

/** The hidden ref that makes a build's note be posted at most once across replicas. */
export function noteLockRef(build: string, key: string): string {
  return `refs/baton/${build}/note/${noticeKey(key)}`;
}

/**
 * Posts a comment once: its key travels in a hidden marker on its first line,
 * and a comment of Baton's that starts with it already means there is nothing
 * to do. Only the first line counts: a Baton comment that quotes outside text
 * (a session's failure reason in the status, a refused line) may hold another
 * note's marker further on. With `guard` (a build's note), two replicas that
 * both found none do not both post: like a notice, only the one that creates
 * `refs/baton/<build>/note/<key>` at `guard.sha` posts. A post that fails frees
 * the ref; the next try finds a note that was made by its marker first.
 * Returns whether a comment was posted.
 */
export async function ensureNote(
  ctx: RepoContext,
  {
    number,
    key,
    body,
    guard,
  }: {
    number: number;
    key: string;
    body: string;
    guard?: { build: string; sha: string };
  },
): Promise<boolean> {
  const marker = noteMarker(key);
  const comments = await ctx.octokit.paginate(ctx.octokit.rest.issues.listComments, {
    owner: ctx.owner,
    repo: ctx.repo,
    issue_number: number,
    per_page: 100,
  });
  if (comments.some((c) => c.user?.login === ctx.botLogin && c.body?.startsWith(marker)))
    return false;
  const post = () =>
    ctx.octokit.rest.issues.createComment({
      owner: ctx.owner,
      repo: ctx.repo,
      issue_number: number,
      body: `${marker}\n${body}`,
    });
  if (!guard) {
    await post();
    return true;
  }
  const ref = noteLockRef(guard.build, key);
  const posted = await writeOnceByRef(ctx, { ref, sha: guard.sha }, post);
  return !posted.taken;
}
