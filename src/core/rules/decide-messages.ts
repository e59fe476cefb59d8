/**
 * Messages to workers' sessions (`/steer`, `/queue`, docs/usage.md, "Talking
 * to a session"): each one no session has taken yet is recorded where its
 * worker's sessions read it (a hidden ref named for its comment); the ref of
 * one a session took is deleted, so the worker's next session does not take
 * it again. The status shows where each stands: a `/steer` that came while a
 * work or fix session of its worker ran is `sent` to it; one that found none,
 * or whose session ended before taking it, and every `/queue`, is `queued` for
 * the worker's next session; a session's usage record says which it `taken`
 * in, at which turn; a message its worker merged or was skipped without
 * taking is `unread`.
 */

import type { Action } from '../context/action.js';
import type { DecideContext } from '../context/decide-context.js';
import { isWorkRole } from '../sessions/session.js';
import type { TimedCommand, TimedRun } from '../snapshot/snapshot.js';
import { isRunOwnRecord } from '../snapshot/usage-ties.js';
import type { MessageView } from '../status/status-view.js';

/** How many messages the status comment lists: the newest. */
export const MESSAGES_SHOWN = 10;

/** The build's messages: the refs to write and delete for them, and the status's rows of them. */
export function decideMessages(
  ctx: DecideContext,
  { done }: { done: ReadonlySet<string> },
): { actions: Action[]; views: MessageView[] } {
  const messages = sessionMessages(ctx, { done });
  return { actions: messageActions(ctx, messages), views: messageViews(ctx, messages) };
}

/** The refs to write for messages no session took yet, and to delete for those one took. */
function messageActions(ctx: DecideContext, messages: SessionMessage[]): Action[] {
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
function messageViews(ctx: DecideContext, messages: SessionMessage[]): MessageView[] {
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

type MessageState = 'sent' | 'queued' | 'taken' | 'unread';

/** One `/steer` or `/queue`, as the rules and the status read it. */
interface SessionMessage {
  info: TimedCommand;
  kind: 'steer' | 'queue';
  worker: string;
  state: MessageState;
  /** `taken`: the session's run, and the turn (model request, from 1) that first read it. */
  taken: { run: TimedRun; turn: number } | null;
  /** A `/steer` kept for the next session: none of its worker's ran when it came, or the one running ended first. */
  queuedSteer: 'no-session' | 'session-ended' | null;
}

/** Every message of the build, oldest first. */
function sessionMessages(
  ctx: DecideContext,
  { done }: { done: ReadonlySet<string> },
): SessionMessage[] {
  const receipts = takenMessages(ctx);
  return [...ctx.commands.messages.values()]
    .flat()
    .sort((a, b) => a.createdMs - b.createdMs || a.commentId - b.commentId)
    .flatMap((info) => {
      const message = messageOf(ctx, { info, receipts, done });
      return message ? [message] : [];
    });
}

function messageOf(
  ctx: DecideContext,
  {
    info,
    receipts,
    done,
  }: {
    info: TimedCommand;
    receipts: Map<number, Receipt[]>;
    done: ReadonlySet<string>;
  },
): SessionMessage | null {
  const { command } = info;
  if (command.name !== 'steer' && command.name !== 'queue') return null;
  const worker = command.worker;
  const kind = command.name;
  const taker = (receipts.get(info.commentId) ?? []).find(({ run }) =>
    couldTake(run, { worker, kind, atMs: info.createdMs }),
  );
  const message: SessionMessage = {
    info,
    kind,
    worker,
    state: 'queued',
    taken: taker ?? null,
    queuedSteer: null,
  };
  if (message.taken) return { ...message, state: 'taken' };
  if (done.has(worker)) return { ...message, state: 'unread' };
  if (command.name === 'queue') return message;
  const running = sessionAt(ctx, worker, info.createdMs);
  if (running && running.status !== 'completed') return { ...message, state: 'sent' };
  return { ...message, queuedSteer: running ? 'session-ended' : 'no-session' };
}

/** The work or fix session of `worker` that was running at `atMs`, if one was. */
export function sessionAt(ctx: DecideContext, worker: string, atMs: number): TimedRun | null {
  return (
    ctx.snapshot.runs
      .filter(
        (run) =>
          run.worker === worker &&
          (isWorkRole(run.role) || run.role === 'fix') &&
          run.createdMs <= atMs &&
          (run.status !== 'completed' || run.updatedMs > atMs),
      )
      .at(-1) ?? null
  );
}

/** A session's receipt of a message: its run, and the turn that first read it. */
interface Receipt {
  run: TimedRun;
  turn: number;
}

/** What sessions' usage records say they took in, by comment id, the oldest session first. */
function takenMessages(ctx: DecideContext): Map<number, Receipt[]> {
  const runs = new Map(ctx.snapshot.runs.map((run) => [run.id, run]));
  const taken = new Map<number, Receipt[]>();
  for (const record of ctx.snapshot.usage ?? []) {
    const run = runs.get(record.run_id);
    if (!run || !isRunOwnRecord(record)) continue;
    for (const { comment, turn } of record.messages ?? [])
      taken.set(comment, [...(taken.get(comment) ?? []), { run, turn }]);
  }
  for (const receipts of taken.values()) receipts.sort((a, b) => a.run.createdMs - b.run.createdMs);
  return taken;
}

/**
 * Whether a session could have taken a message, so its receipt counts: a
 * usage record is tied to its run by its ref's name alone, and any token that
 * can push (a worker's CI with `contents: write`) can write over one, so a
 * receipt is believed only from a work or fix session of the message's worker
 * that read its inbox after the comment was written: for a `/queue`, one
 * that started after it (a session takes a `/queue` as it starts); for a
 * `/steer`, one that had not ended before it (the session running when it
 * came, or a later one). Any other receipt neither marks the message taken
 * nor deletes its ref.
 */
function couldTake(
  run: TimedRun,
  { worker, kind, atMs }: { worker: string; kind: 'steer' | 'queue'; atMs: number },
): boolean {
  if (run.worker !== worker || (run.role !== 'work' && run.role !== 'fix')) return false;
  if (kind === 'queue') return run.startedMs >= atMs;
  return run.status !== 'completed' || run.updatedMs >= atMs;
}
