/**
 * What Baton posts on an issue once, however many replicas and passes see the
 * same truth: a note (a keyed comment, `ensureNote`) and a build's notice
 * (`ensureNotice`), each guarded by a hidden ref (`writeOnceByRef`).
 */

import { finalPullNotice } from '../../core/rules/decide-notices.js';
import type { BuildSnapshot } from '../../core/snapshot/snapshot.js';
import { escapeText } from '../../core/vocabulary/markdown.js';
import { noteMarker, noticeKey, noticeMarker } from '../../core/vocabulary/notice.js';
import { messageOf, type RepoContext, statusOf } from '../client/types.js';
import type { RefRefusedError } from './locks/refs.js';
import { writeOnceByRef } from './locks/write-once.js';

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
 * Returns the comment posted (its id and GitHub's time), or null where none was.
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
): Promise<PostedNote | null> {
  const marker = noteMarker(key);
  const comments = await ctx.octokit.paginate(ctx.octokit.rest.issues.listComments, {
    owner: ctx.owner,
    repo: ctx.repo,
    issue_number: number,
    per_page: 100,
  });
  if (comments.some((c) => c.user?.login === ctx.botLogin && c.body?.startsWith(marker)))
    return null;
  const post = async (): Promise<PostedNote> => {
    const { data } = await ctx.octokit.rest.issues.createComment({
      owner: ctx.owner,
      repo: ctx.repo,
      issue_number: number,
      body: `${marker}\n${body}`,
    });
    return { id: data.id, at: data.created_at };
  };
  if (!guard) return post();
  const ref = noteLockRef(guard.build, key);
  const posted = await writeOnceByRef(ctx, { ref, sha: guard.sha }, post);
  return posted.taken ? null : posted.value;
}

/** A note just posted: its comment's id, and when GitHub dates it (ISO 8601). */
export interface PostedNote {
  id: number;
  at: string;
}

/** The hidden ref that makes a notice's post happen at most once across replicas. */
export function noticeLockRef(build: string, key: string): string {
  return `refs/baton/${build}/notice/${key}`;
}

/**
 * Posts a notice once. `decide` leaves out a notice whose marker it saw; two
 * replicas that observed the same truth at the same moment would both post,
 * so the post is guarded like a dispatch: the replica that creates the ref
 * `refs/baton/<build>/notice/<key>` posts, the other (422) stands down. A post
 * that fails frees the ref, so the next pass tries again; a replica that dies
 * between the ref and the post loses that one notice (the status comment still
 * says what is needed). See docs/design-notes.md, "Notices". Answers the comment's id where this one posted it.
 */
export async function ensureNotice(
  ctx: RepoContext,
  { snapshot, key, body }: { snapshot: BuildSnapshot; key: string; body: string },
): Promise<{ result: 'posted'; comment: number } | { result: 'taken' }> {
  const ref = noticeLockRef(snapshot.build, key);
  const sha = snapshot.integration?.sha ?? snapshot.repo.defaultSha;
  const posted = await writeOnceByRef(ctx, { ref, sha }, async () => {
    const { data } = await ctx.octokit.rest.issues.createComment({
      owner: ctx.owner,
      repo: ctx.repo,
      issue_number: snapshot.issue.number,
      body,
    });
    return data.id;
  });
  return posted.taken ? { result: 'taken' } : { result: 'posted', comment: posted.value };
}

/**
 * Asks `reviewers` to review the final pull request the pass just opened: the
 * request is what tells them, once, since only the pass whose pull request
 * GitHub created asks. Where GitHub refuses it (one it cannot ask, not a
 * collaborator, fails the whole request with 422) or fails it, the final pull
 * request's notice on the issue mentions them instead. A pass that dies between opening
 * the pull request and asking loses the request, as a notice can be lost
 * (docs/design-notes.md, "Notices"): the status comment shows the pull request.
 */
export async function askFinalReviews(
  ctx: RepoContext,
  {
    snapshot,
    pull,
    reviewers,
  }: { snapshot: BuildSnapshot; pull: { number: number; url: string }; reviewers: string[] },
): Promise<void> {
  if (reviewers.length === 0) return;
  if (await requestReviewers(ctx, { pull: pull.number, logins: reviewers })) return;
  await ensureNotice(ctx, { snapshot, ...finalPullNotice(snapshot, { pull, people: reviewers }) });
}

/**
 * Asks for reviews on a PR, answering whether GitHub asked them: one it cannot
 * ask (not a collaborator) refuses the whole request with 422. Any other
 * failure (an answer lost, after the client's own retries) answers no as
 * well: no later pass asks again, so the notice on the issue tells them, even
 * where GitHub did ask and the answer alone was lost.
 */
async function requestReviewers(
  ctx: RepoContext,
  { pull, logins }: { pull: number; logins: string[] },
): Promise<boolean> {
  try {
    await ctx.octokit.rest.pulls.requestReviewers({
      owner: ctx.owner,
      repo: ctx.repo,
      pull_number: pull,
      reviewers: logins,
    });
    return true;
  } catch (error) {
    if (statusOf(error) === undefined) throw error;
    return false;
  }
}

/**
 * A ref GitHub will not create (not one that exists: that is a lock someone
 * holds) stops the build until a person looks: says so once on the issue. A
 * notice that fails is logged; the action's own failure is logged already.
 */
export async function noticeRefRefused(
  ctx: RepoContext,
  {
    snapshot,
    error,
    log,
  }: {
    snapshot: BuildSnapshot;
    error: RefRefusedError;
    log: { error(details: object, message: string): void };
  },
): Promise<void> {
  const key = noticeKey('ref-refused');
  const body = [
    noticeMarker(snapshot.build, key),
    `⚠️ Baton cannot go on with this build: GitHub refused to create \`${error.ref}\` (${escapeText(messageOf(error.cause))}). This does not pass by itself. Check the build's branches and the app's permissions, then reply \`/status\`; the app's log has the details.`,
  ].join('\n');
  try {
    await ensureNotice(ctx, { snapshot, key, body });
  } catch (noticeError) {
    log.error(
      { err: noticeError, buildId: snapshot.build },
      'baton: the notice of a refused ref failed',
    );
  }
}
