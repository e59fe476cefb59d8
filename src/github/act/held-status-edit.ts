import { bodyHash, commentTags } from '../client/comment-tags.js';
import type { RepoContext } from '../client/types.js';
import { statusOf } from '../client/types.js';
import { noteStatusWritten, type StatusEdit, type StatusEditKind } from './status-pacer.js';

/**
 * A status comment edit the pacer or the write budget deferred: the body a
 * reconcile rendered from the truth it read, and the body the comment had.
 */
export interface HeldStatusEdit {
  commentId: number;
  body: string;
  /** What the comment said when the reconcile read it. */
  seen: string;
  /** Whether the edit changes what asks or answers a person (`prompt`), or only progress. */
  kind: StatusEditKind;
  /** When the comment was last written as the reconcile read it, null where not read. */
  editedAt: string | null;
}

/** What became of a held edit when its time came. */
export type HeldEditResult = 'edited' | 'superseded' | 'unchanged' | 'moved-on';

/**
 * A build's deferred status edit, made when its time comes without reading
 * the build again (two requests): the reconcile that deferred it rendered the
 * truth it read, and any later change comes with an event whose reconcile
 * renders again, replacing the held edit or making it moot (`drop`). Guarded:
 * the comment is read first and edited only if it still says what the render
 * saw; if it says something else (another replica edited it, a person deleted
 * it), the result is `moved-on` and the caller reconciles the build instead.
 * The read is asked conditionally with the tag of the body this process last
 * wrote or read there (`CommentTags`): a 304 stands for that body, uncounted.
 *
 * Pacing, not state: a held edit lost with the process leaves the status a
 * little behind until the build's next event or the resync.
 */
export class HeldStatusEdits {
  readonly #held = new Map<string, HeldStatusEdit>();

  /** Holds `edit` for build `key`, in place of any it held before. */
  hold(key: string, edit: HeldStatusEdit): void {
    this.#held.set(key, edit);
  }

  /** Forgets build `key`'s held edit: a reconcile reads the build and renders it afresh. */
  drop(key: string): void {
    this.#held.delete(key);
  }

  has(key: string): boolean {
    return this.#held.has(key);
  }

  /** How build `key`'s held edit is paced; `prompt` when none is held. */
  paceOf(key: string): StatusEdit {
    const held = this.#held.get(key);
    return { kind: held?.kind ?? 'prompt', editedAt: held?.editedAt ?? null };
  }

  /** Makes build `key`'s held edit, if it still holds one once the comment is read. */
  async make(ctx: RepoContext, key: string): Promise<HeldEditResult> {
    const edit = this.#held.get(key);
    if (!edit) return 'superseded';
    let current: string; // the hash of what the comment says now
    try {
      current = await readComment(ctx, edit.commentId);
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      this.#forget(key, edit);
      return 'moved-on';
    }
    // A reconcile that began while the comment was read renders it itself.
    if (this.#held.get(key) !== edit) return 'superseded';
    this.#forget(key, edit);
    if (current === bodyHash(edit.body)) return 'unchanged';
    if (current !== bodyHash(edit.seen)) return 'moved-on';
    const written = await ctx.octokit.rest.issues.updateComment({
      owner: ctx.owner,
      repo: ctx.repo,
      comment_id: edit.commentId,
      body: edit.body,
    });
    noteStatusWritten(ctx, { id: edit.commentId, etag: written.headers.etag, body: edit.body });
    return 'edited';
  }

  #forget(key: string, edit: HeldStatusEdit): void {
    if (this.#held.get(key) === edit) this.#held.delete(key);
  }
}

/** The hash (`bodyHash`) of what comment `id` says now, asked with the tag of what this process last saw there. */
async function readComment(ctx: RepoContext, id: number): Promise<string> {
  const kept = commentTags.of(ctx, id);
  try {
    const { data, headers } = await ctx.octokit.rest.issues.getComment({
      owner: ctx.owner,
      repo: ctx.repo,
      comment_id: id,
      ...(kept ? { headers: { 'if-none-match': kept.etag } } : {}),
    });
    const body = data.body ?? '';
    commentTags.note(ctx, id, headers.etag, body);
    return bodyHash(body);
  } catch (error) {
    if (statusOf(error) === 304 && kept) return kept.hash;
    throw error;
  }
}
