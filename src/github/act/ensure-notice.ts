import type { BuildSnapshot } from '../../core/snapshot/snapshot.js';
import { escapeText } from '../../core/vocabulary/markdown.js';
import { noticeKey, noticeMarker } from '../../core/vocabulary/notice.js';
import { ignoreStatus, messageOf, type RepoContext } from '../client/types.js';
import { type RefRefusedError, writeOnceByRef } from './refs.js';

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
 * says what is needed). See docs/design-notes.md, "Notices".
 */
export async function ensureNotice(
  ctx: RepoContext,
  {
    snapshot,
    key,
    body,
    reviewers,
  }: {
    snapshot: BuildSnapshot;
    key: string;
    body: string;
    reviewers: { pull: number; logins: string[] } | null;
  },
): Promise<'posted' | 'taken'> {
  const ref = noticeLockRef(snapshot.build, key);
  const sha = snapshot.integration?.sha ?? snapshot.repo.defaultSha;
  const posted = await writeOnceByRef(ctx, { ref, sha }, async () => {
    if (reviewers) await requestReviewers(ctx, reviewers);
    await ctx.octokit.rest.issues.createComment({
      owner: ctx.owner,
      repo: ctx.repo,
      issue_number: snapshot.issue.number,
      body,
    });
  });
  return posted.taken ? 'taken' : 'posted';
}

/** Asks for reviews on a PR; people GitHub cannot ask (not collaborators: 422) are left out. */
async function requestReviewers(
  ctx: RepoContext,
  { pull, logins }: { pull: number; logins: string[] },
): Promise<void> {
  await ignoreStatus([422], () =>
    ctx.octokit.rest.pulls.requestReviewers({
      owner: ctx.owner,
      repo: ctx.repo,
      pull_number: pull,
      reviewers: logins,
    }),
  );
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
    await ensureNotice(ctx, { snapshot, key, body, reviewers: null });
  } catch (noticeError) {
    log.error(
      { err: noticeError, buildId: snapshot.build },
      'baton: the notice of a refused ref failed',
    );
  }
}
