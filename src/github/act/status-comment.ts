import type { BuildSnapshot } from '../../core/snapshot/snapshot.js';
import { ignoreStatus, type RepoContext, statusOf } from '../client/types.js';
import type { HeldStatusEdit } from './held-status-edit.js';
import { writeOnceByRef } from './locks/write-once.js';
import { noteStatusWritten, type StatusEditWait, statusEditKind } from './status-pacer.js';

/**
 * The lock for creating a build's status comment: a hidden ref, created once.
 * Holding across reconciles and replicas is the point: a replica that lost the
 * plan dispatch race, reconciling again before the winner's comment is listed,
 * would otherwise post a second one (it did, 22 ms before the winner).
 */
export function statusLockRef(build: string): string {
  return `refs/baton/${build}/build/status-comment`;
}

export type StatusOutcome =
  | { result: 'unchanged' | 'updated' | 'skipped' }
  /** Posted: the comment's id. */
  | { result: 'created'; comment: number }
  /** Edited too recently: the edit waits `waitMs`, held as `held` (HeldStatusEdits). */
  | { result: 'deferred'; waitMs: number; held: HeldStatusEdit };

/**
 * Makes the issue's status comment say `body`. Edited in place (found by its
 * marker when observed); an unchanged body is not re-sent, which keeps Baton
 * clear of GitHub's limit on content-creating writes. Only the process that
 * creates the lock ref creates the comment; a replica that just lost a
 * dispatch lock does not even try. An edit that `editWait` says comes too
 * soon is deferred (`StatusPacer`), and returned to be made when its time comes.
 */
export async function ensureStatusComment(
  ctx: RepoContext,
  {
    snapshot,
    body,
    mayCreate,
    editWait = () => 0,
  }: {
    snapshot: BuildSnapshot;
    body: string;
    mayCreate: boolean;
    /** 0 when the comment may be edited now; else the ms until it may. */
    editWait?: StatusEditWait;
  },
): Promise<StatusOutcome> {
  const existing = snapshot.statusComment;
  if (existing?.body === body) return { result: 'unchanged' };
  let deleted = false;
  if (existing) {
    // Only progress since the comment as it stands: a longer pace (`PROGRESS_STATUS_EDIT_MS`).
    const kind = statusEditKind(existing.body, body);
    const editedAt = existing.editedAt ?? null;
    const wait = editWait({ kind, editedAt });
    if (wait > 0)
      return {
        result: 'deferred',
        waitMs: wait,
        held: { commentId: existing.id, body, seen: existing.body, kind, editedAt },
      };
    try {
      const written = await ctx.octokit.rest.issues.updateComment({
        owner: ctx.owner,
        repo: ctx.repo,
        comment_id: existing.id,
        body,
      });
      noteStatusWritten(ctx, { id: existing.id, etag: written.headers.etag, body });
      return { result: 'updated' };
    } catch (error) {
      if (statusOf(error) !== 404) throw error; // Someone deleted it: post it again below.
      deleted = true;
    }
  }
  if (!mayCreate) return { result: 'skipped' };
  const post = async () => {
    const posted = await ctx.octokit.rest.issues.createComment({
      owner: ctx.owner,
      repo: ctx.repo,
      issue_number: snapshot.issue.number,
      body,
    });
    noteStatusWritten(ctx, { id: posted.data.id, etag: posted.headers.etag, body });
    return posted.data.id;
  };
  if (deleted) {
    // The lock was taken when the deleted comment was first posted.
    return { result: 'created', comment: await post() };
  }
  const lock = statusLockRef(snapshot.build);
  const sha = snapshot.integration?.sha ?? snapshot.repo.defaultSha;
  const posted = await writeOnceByRef(ctx, { ref: lock, sha }, post);
  return posted.taken ? { result: 'skipped' } : { result: 'created', comment: posted.value };
}

/** Removes status comments left twice by a race between replicas; the oldest stays. */
export async function removeDuplicateStatusComments(
  ctx: RepoContext,
  ids: number[],
): Promise<void> {
  for (const id of ids) {
    await ignoreStatus([404], () =>
      ctx.octokit.rest.issues.deleteComment({ owner: ctx.owner, repo: ctx.repo, comment_id: id }),
    );
  }
}
