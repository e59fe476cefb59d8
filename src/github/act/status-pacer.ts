import { findStatusShows } from '../../core/status/render-status.js';
import { commentTags } from '../client/comment-tags.js';

/**
 * At most one edit of a build's status comment every `intervalMs`, with a
 * trailing edit guaranteed: an edit that comes too soon is deferred, and a
 * reconcile of the build is scheduled for when the interval is over, which
 * renders the truth as it then is. Edits are content-creating writes, and a
 * busy build changes its status many times a second.
 *
 * This is pacing, not state: a lost timer (a restart) costs a status that is
 * a little behind until the next event or the periodic resync renders it, and
 * the last edit is also read off the comment itself (`StatusEdit.editedAt`).
 */
export interface StatusPacer {
  /**
   * 0 if the status of `key` may be edited now (the edit is counted); else the
   * ms to wait. `leastMs` lengthens the interval for this ask (a strained write
   * budget); a `progress` edit waits `PROGRESS_STATUS_EDIT_MS` at least, or
   * `progressMs` where that is longer (`BINDING_PROGRESS_EDIT_MS` while the write
   * budget binds), unless the pacer edits at once (an interval of 0). The interval runs from this
   * process's last edit or the comment's (`editedAgoMs` before now: the app's
   * clock and GitHub's times, not the pacer's), whichever is later: replicas
   * and conductor jobs pace one comment together.
   */
  admit(
    key: string,
    leastMs?: number,
    edit?: { kind?: StatusEditKind; editedAgoMs?: number | null; progressMs?: number },
  ): number;
  /**
   * Schedules `run` once for `key` after `ms`; a timer already set for `key`
   * stands for it, unless it would fire later (then the sooner one replaces it).
   */
  trail(key: string, ms: number, run: () => void): void;
  /** Stops every trailing timer (shutdown, tests). */
  stop(): void;
}

/** How often a status comment may change, unless `BATON_STATUS_EDIT_SECONDS` says otherwise. */
export const STATUS_EDIT_SECONDS = 5;

/**
 * How often a status comment may change while its installation's write budget
 * is strained (`WriteBudget.strained`: most of the hour's writes made or
 * owed): edits are the writes that can wait, so each build's status then
 * gathers a minute of changes into one edit rather than stopping altogether.
 */
export const STRAINED_STATUS_EDIT_MS = 60_000;

/**
 * How often a status comment may change while a worker's first dispatch waits
 * for room in its installation's hour (`WriteBudget.waiting`): each edit then
 * takes the room a worker needs to start, so a build's status gathers ten
 * minutes of changes into one edit, and never stops following the build.
 */
export const SATURATED_STATUS_EDIT_MS = 10 * 60_000;

/**
 * How often a running build's status comment may change for progress alone (a
 * worker starting, in review, merged; runs, tokens, cost: `attentionOf` in
 * src/core/status/status-view.ts tells it from what asks or answers a person,
 * which is edited at the pace of every edit). GitHub notifies nobody of an
 * edit, and every one is a content-creating write of the installation's 500 an
 * hour: a worker's progress shows within this time, and a build's status costs
 * a few edits an hour however many workers it has.
 */
export const PROGRESS_STATUS_EDIT_MS = 10 * 60_000;

/**
 * How often a running build's status comment may change for progress alone
 * while its installation's write budget binds (`WriteBudget.strained`: an hour
 * of the forecast reaches 80% of the limit; or a first dispatch waits for
 * room): every edit then takes a write a worker's review or merge needs, and
 * progress shows within half an hour. What asks or answers a person keeps its
 * own pace.
 */
export const BINDING_PROGRESS_EDIT_MS = 30 * 60_000;

/** `prompt`: the edit changes what asks or answers a person; `progress`: only how far the build is. */
export type StatusEditKind = 'prompt' | 'progress';

export function statusEditSecondsFrom(env: Record<string, string | undefined>): number {
  const value = Number(env.BATON_STATUS_EDIT_SECONDS ?? STATUS_EDIT_SECONDS);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(
      `BATON_STATUS_EDIT_SECONDS must be a number of seconds, 0 or more (0 edits at once), not "${env.BATON_STATUS_EDIT_SECONDS}"`,
    );
  }
  return value;
}

export function createStatusPacer({
  intervalMs,
  clock = Date.now,
  setTimer = (run, ms) => {
    const timer = setTimeout(run, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
}: {
  intervalMs: number;
  clock?: () => number;
  /** Starts a timer; returns what cancels it. */
  setTimer?: (run: () => void, ms: number) => () => void;
}): StatusPacer {
  const lastEdit = new Map<string, number>();
  const timers = new Map<string, { at: number; cancel: () => void }>();
  return {
    admit(key, leastMs = 0, { kind = 'prompt', editedAgoMs = null, progressMs = 0 } = {}) {
      const progress =
        kind === 'progress' && intervalMs > 0 ? Math.max(PROGRESS_STATUS_EDIT_MS, progressMs) : 0;
      const interval = Math.max(intervalMs, leastMs, progress);
      if (interval <= 0) return 0;
      const now = clock();
      const edited = editedAgoMs === null ? -Infinity : now - Math.max(0, editedAgoMs);
      const last = Math.max(lastEdit.get(key) ?? -Infinity, edited);
      if (now - last < interval) return last + interval - now;
      lastEdit.set(key, now);
      forgetOld(
        lastEdit,
        now - Math.max(interval, SATURATED_STATUS_EDIT_MS, BINDING_PROGRESS_EDIT_MS),
      );
      return 0;
    },
    trail(key, ms, run) {
      const at = clock() + ms;
      const set = timers.get(key);
      if (set && set.at <= at) return;
      set?.cancel();
      const cancel = setTimer(() => {
        timers.delete(key);
        run();
      }, ms);
      timers.set(key, { at, cancel });
    },
    stop() {
      for (const { cancel } of timers.values()) cancel();
      timers.clear();
    },
  };
}

/** Builds not edited within the interval need no entry: memory stays flat over many builds. */
function forgetOld(lastEdit: Map<string, number>, before: number): void {
  if (lastEdit.size < 256) return;
  for (const [key, at] of lastEdit) if (at < before) lastEdit.delete(key);
}

/** What a status edit waits for: 0 when it may be made now, else the ms until then. */
export type StatusEditWait = (edit: StatusEdit) => number;

/**
 * A status edit as its pace is judged: whether it changes what asks or answers
 * a person, and when the comment was last edited (GitHub's `updatedAt`), by
 * any replica, conductor job or earlier process. Null where never edited.
 */
export interface StatusEdit {
  kind: StatusEditKind;
  editedAt: string | null;
}

/**
 * How an edit from `shown` to `body` is paced, from the comments alone: both
 * markers carry what they show a person (`attentionMark`); the same mark on
 * both is progress, anything else prompt. Every replica, conductor job and a
 * restarted process judges it alike.
 */
export function statusEditKind(shown: string, body: string): StatusEditKind {
  const before = findStatusShows(shown);
  return before !== null && before === findStatusShows(body) ? 'progress' : 'prompt';
}

/** Notes the tag GitHub answered a status body with (`commentTags`), for the next held edit's conditional read. */
export function noteStatusWritten(
  ctx: { owner: string; repo: string },
  { id, etag, body }: { id: number; etag: unknown; body: string },
): void {
  commentTags.note(ctx, id, etag, body);
}
