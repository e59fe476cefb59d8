import { createHash } from 'node:crypto';
import { remembered } from '../../process-memory.js';
import { BoundedMap } from './bounded-map.js';
import type { RepoContext } from './types.js';

/**
 * The entity tag GitHub gave with the last body this process wrote to, or read
 * of, each status comment, so that a held edit's guard read is asked
 * conditionally (`If-None-Match`): an answer of 304 Not Modified is not
 * counted against the primary rate limit, and stands for that body.
 *
 * Safe whatever GitHub's tags are: a 304 says the comment is what the tag
 * stands for, and any other answer carries the body. Whether an edit's answer
 * carries the tag a later read gives is what no documentation settles (`baton
 * doctor` asks it: `edit-tag-answers-read`); if it does not, the guard's read
 * is counted, as every read was before.
 *
 * Pacing, not state: kept in this process only, at most `limit` comments, the
 * least recently written forgotten first; a body is kept as its hash.
 */
export class CommentTags {
  readonly #tags: BoundedMap<{ etag: string; hash: string }>;

  constructor(limit = 2_000) {
    this.#tags = new BoundedMap(limit);
  }

  /** GitHub answered a write or read of comment `id` with `etag`, the comment then saying `body`. */
  note(ctx: Pick<RepoContext, 'owner' | 'repo'>, id: number, etag: unknown, body: string): void {
    const key = keyOf(ctx, id);
    if (typeof etag !== 'string' || etag === '') this.#tags.delete(key);
    else this.#tags.set(key, { etag, hash: bodyHash(body) });
  }

  /** The tag kept for comment `id`, and the hash of the body it stands for (`bodyHash`); undefined when none is kept. */
  of(
    ctx: Pick<RepoContext, 'owner' | 'repo'>,
    id: number,
  ): { etag: string; hash: string } | undefined {
    return this.#tags.get(keyOf(ctx, id));
  }

  clear(): void {
    this.#tags.clear();
  }
}

/** What a kept tag's body is compared by. */
export function bodyHash(body: string): string {
  return createHash('sha256').update(body).digest('base64');
}

function keyOf(ctx: Pick<RepoContext, 'owner' | 'repo'>, id: number): string {
  return `${ctx.owner}/${ctx.repo}#${id}`;
}

/** This process's tags of the status comments it wrote (replicas in one process share it). */
export const commentTags = remembered(new CommentTags());
