import type { RepoContext } from '../../client/types.js';
import { AnswerLostError, createRef, deleteRef } from './refs.js';

/** What a write guarded by a ref came to: `taken` when another process holds the ref. */
export type Guarded<T> = { taken: true } | { taken: false; value: T };

/**
 * Makes `write` happen at most once across replicas and reconciles: only the
 * process that creates `ref` at `sha` writes; another that finds it created
 * stands down (`taken`). A write that fails frees the ref for the next
 * reconcile to try again, and its own error is thrown; but one whose answer
 * was lost (`AnswerLostError`, from `sendOnce`) keeps it, as it may have been
 * made. (A comment's post frees it: the next reconcile finds a comment that
 * was made by its marker before it posts.)
 */
export async function writeOnceByRef<T>(
  ctx: RepoContext,
  { ref, sha }: { ref: string; sha: string },
  write: () => Promise<T>,
): Promise<Guarded<T>> {
  if (!(await createRef(ctx, { ref, sha }))) return { taken: true };
  try {
    return { taken: false, value: await write() };
  } catch (error) {
    if (!(error instanceof AnswerLostError)) await deleteRef(ctx, ref).catch(() => undefined);
    throw error;
  }
}
