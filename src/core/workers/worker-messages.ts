/**
 * Where each message to a worker's sessions stands (docs/usage.md, "Talking
 * to a session"): a `/steer` that came while a work or fix session of its
 * worker ran is `sent` to it; one that found none, or whose session ended
 * before taking it, and every `/queue`, is `queued` for the worker's next
 * session; a session's usage record says which it `taken` in, at which turn;
 * a message its worker merged or was skipped without taking is `unread`.
 */
import type { DecideContext } from '../context/decide-context.js';
import type { TimedCommand, TimedRun } from '../snapshot/snapshot.js';

export type MessageState = 'sent' | 'queued' | 'taken' | 'unread';

/** One `/steer` or `/queue`, as the rules and the status read it. */
export interface SessionMessage {
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
export function sessionMessages(
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
    receipts: Map<number, { run: TimedRun; turn: number }>;
    done: ReadonlySet<string>;
  },
): SessionMessage | null {
  const { command } = info;
  if (command.name !== 'steer' && command.name !== 'queue') return null;
  const worker = command.worker;
  const message: SessionMessage = {
    info,
    kind: command.name,
    worker,
    state: 'queued',
    taken: receipts.get(info.commentId) ?? null,
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
          (run.role === 'work' || run.role === 'fix') &&
          run.createdMs <= atMs &&
          (run.status !== 'completed' || run.updatedMs > atMs),
      )
      .at(-1) ?? null
  );
}

/** What sessions' usage records say they took in, by comment id: the first session that did. */
function takenMessages(ctx: DecideContext): Map<number, { run: TimedRun; turn: number }> {
  const runs = new Map(ctx.snapshot.runs.map((run) => [run.id, run]));
  const taken = new Map<number, { run: TimedRun; turn: number }>();
  for (const record of ctx.snapshot.usage ?? []) {
    const run = runs.get(record.run_id);
    if (!run) continue;
    for (const { comment, turn } of record.messages ?? []) {
      const known = taken.get(comment);
      if (!known || run.createdMs < known.run.createdMs) {
        taken.set(comment, { run, turn });
      }
    }
  }
  return taken;
}
