import {
  BINDING_PROGRESS_EDIT_MS,
  SATURATED_STATUS_EDIT_MS,
  STRAINED_STATUS_EDIT_MS,
  type StatusEditWait,
} from '../../act/status-pacer.js';
import type { WriteBudget } from '../../client/pacing/write-budget.js';
import { withReason } from '../../client/request-reason.js';
import type { RepoContext } from '../../client/types.js';
import type { BuildHold } from '../../store/store.js';
import type { BuildLog, PaceDeps, QueueDeps } from './handler-deps.js';

/** What a held status edit's turn in the queue needs of the reconcile that held it. */
export interface HeldEditTurn {
  ctx: RepoContext;
  deps: Pick<QueueDeps, 'queue' | 'now' | 'holdBuild'> &
    Pick<PaceDeps, 'heldEdits' | 'statusPacer'>;
  key: string;
  buildLog: BuildLog;
  /** How long a status edit of a kind waits, against the app's time of the ask. */
  statusEditWait: (now: string) => StatusEditWait;
  /** The build's reconcile asked for again, where the held edit cannot be made. */
  again: () => void;
}

/**
 * Near the installation's write budget a status edit waits first; else the pacer decides,
 * gathering a minute of changes into one edit while an hour of the forecast is mostly made or
 * owed, and ten while a worker waits for room to start (each edit would take its room); while
 * either holds (the budget binds), progress alone shows at most every half hour.
 * `now`: the app's time of the ask, against which the comment's last edit is dated.
 */
export function statusEditWaitOf(
  key: string,
  deps: Pick<PaceDeps, 'statusPacer'>,
  budget: WriteBudget | undefined,
): (now: string) => StatusEditWait {
  return (now) =>
    ({ kind, editedAt }) => {
      const wait = budget?.waitFor('status') ?? 0;
      if (wait > 0) return wait;
      const waiting = budget?.waiting() ?? false;
      const strained = !waiting && (budget?.strained() ?? false);
      const least = waiting ? SATURATED_STATUS_EDIT_MS : strained ? STRAINED_STATUS_EDIT_MS : 0;
      const progressMs = waiting || strained ? BINDING_PROGRESS_EDIT_MS : 0;
      // How long ago the comment was written, on the app's clock and GitHub's times alike.
      const editedAgoMs = editedAt ? Date.parse(now) - Date.parse(editedAt) : null;
      return deps.statusPacer?.admit(key, least, { kind, editedAgoMs, progressMs }) ?? 0;
    };
}

/**
 * A held status edit is made when its time comes, without reading the build again; in the
 * queue under a key of its own, so a reconcile's place is never taken by it.
 */
export function queueHeldEdit(queued: HeldEditTurn): void {
  const { ctx, deps, key, buildLog } = queued;
  const held = deps.heldEdits;
  void deps.queue.enqueue(
    `${key} status`,
    async () => {
      if (!held.has(key)) return;
      const wait = queued.statusEditWait(deps.now())(held.paceOf(key));
      if (wait > 0) {
        deps.statusPacer?.trail(`${key} status`, wait, () => queueHeldEdit(queued));
        return;
      }
      // One replica edits a build's status at a time (two held edits falling due together both
      // found the comment as they saw it, and both edited): held elsewhere, the holder renders it.
      const hold = await (deps.holdBuild?.(key) ?? HELD);
      if (!hold) {
        held.drop(key);
        return;
      }
      try {
        if ((await withReason('status-edit', () => held.make(ctx, key))) === 'moved-on')
          queued.again();
      } catch (err) {
        buildLog.warn({ err }, 'baton: held status edit failed; reconciling the build instead');
        queued.again();
      } finally {
        await hold.release();
      }
    },
    buildLog,
  );
}

const HELD: BuildHold = { release: async () => undefined };
