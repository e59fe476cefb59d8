import type { Action } from '../../core/context/action.js';
import { messageRef } from '../../core/sessions/messages.js';
import type { BuildSnapshot } from '../../core/snapshot/snapshot.js';
import type { RepoContext } from '../client/types.js';
import { createRef, deleteRef } from './refs.js';

/**
 * Records a message where its worker's sessions read it: the hidden ref named
 * for its comment (src/core/sessions/messages.ts). One write; a ref that is
 * there already (another replica's, or an earlier pass's) is left as it is.
 */
export function recordMessage(
  ctx: RepoContext,
  {
    snapshot,
    action,
  }: { snapshot: BuildSnapshot; action: Extract<Action, { kind: 'record-message' }> },
): Promise<boolean> {
  const ref = messageRef(snapshot.build, { worker: action.worker, comment: action.comment });
  return createRef(ctx, { ref, sha: action.sha });
}

/**
 * Deletes the refs of messages a session took in, one write each (a message is
 * taken a few times in a build, not hundreds: the batch mutation of the
 * build's clean-up is not worth its repository read here). One that is gone
 * already is fine.
 */
export async function forgetMessages(
  ctx: RepoContext,
  {
    snapshot,
    action,
  }: { snapshot: BuildSnapshot; action: Extract<Action, { kind: 'forget-messages' }> },
): Promise<{ result: 'done'; detail: string }> {
  for (const message of action.messages) await deleteRef(ctx, messageRef(snapshot.build, message));
  return { result: 'done', detail: `${action.messages.length} taken` };
}
