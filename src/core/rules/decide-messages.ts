/**
 * Messages to workers' sessions (`/steer`, `/queue`): each one no session has
 * taken yet is recorded where its worker's sessions read it (a hidden ref named
 * for its comment); the ref of one a session took is deleted, so the worker's
 * next session does not take it again. The status shows where each stands.
 */
import type { Action } from '../context/action.js';
import type { DecideContext } from '../context/decide-context.js';
import type { MessageView } from '../status/status-view.js';
import type { SessionMessage } from '../workers/worker-messages.js';

/** How many messages the status comment lists: the newest. */
export const MESSAGES_SHOWN = 10;

export function decideMessages(ctx: DecideContext, messages: SessionMessage[]): Action[] {
  const refs = ctx.snapshot.messageRefs ?? [];
  const recorded = new Set(refs.map((ref) => ref.comment));
  const sha = ctx.snapshot.integration?.sha;
  const open = messages.filter((m) => m.state === 'sent' || m.state === 'queued');
  const record: Action[] = sha
    ? open
        .filter((m) => !recorded.has(m.info.commentId))
        .map((m) => ({ kind: 'record-message', worker: m.worker, comment: m.info.commentId, sha }))
    : [];
  const taken = new Set(messages.filter((m) => m.state === 'taken').map((m) => m.info.commentId));
  const spent = refs.filter((ref) => taken.has(ref.comment));
  const forget: Action[] = spent.length > 0 ? [{ kind: 'forget-messages', messages: spent }] : [];
  return [...record, ...forget];
}

/** The newest messages as the status comment shows them, oldest first. */
export function messageViews(ctx: DecideContext, messages: SessionMessage[]): MessageView[] {
  return messages.slice(-MESSAGES_SHOWN).map((message) => {
    const { info, taken } = message;
    const { source } = info;
    const pull =
      source.kind === 'pull'
        ? ctx.snapshot.pulls.find((candidate) => candidate.number === source.number)
        : undefined;
    const page = pull?.url ?? ctx.snapshot.issue.url;
    return {
      worker: message.worker,
      kind: message.kind,
      author: info.author,
      url: `${page}#issuecomment-${info.commentId}`,
      state: message.state,
      ...(taken
        ? { turn: taken.turn, run: { label: `run ${taken.run.id}`, url: taken.run.url } }
        : {}),
      ...(message.queuedSteer ? { queuedSteer: message.queuedSteer } : {}),
    };
  });
}
