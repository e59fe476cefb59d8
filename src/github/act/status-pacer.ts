import { remembered } from '../../process-memory.js';
import { BoundedMap } from '../client/bounded-map.js';
import { bodyHash, commentTags } from '../client/comment-tags.js';

/**
 * At most one edit of a build's status comment every `intervalMs`, with a
 * trailing edit guaranteed: an edit that comes too soon is deferred, and a
 * reconcile of the build is scheduled for when the interval is over, which
 * renders the truth as it then is. Edits are content-creating writes, and a
 * busy build changes its status many times a second.
 *
 * This is pacing, not state: a lost timer (a restart) costs a status that is
 * a little behind until the next event or the periodic resync renders it.
 */
export interface StatusPacer {
  /**
   * 0 if the status of `key` may be edited now (the edit is counted); else the
   * ms to wait. `leastMs` lengthens the interval for this ask (a strained write
   * budget); a `progress` edit waits `PROGRESS_STATUS_EDIT_MS` at least, unless
   * the pacer edits at once (an interval of 0).
   */
  admit(key: string, leastMs?: number, kind?: StatusEditKind): number;
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
    admit(key, leastMs = 0, kind = 'prompt') {
      const progress = kind === 'progress' && intervalMs > 0 ? PROGRESS_STATUS_EDIT_MS : 0;
      const interval = Math.max(intervalMs, leastMs, progress);
      if (interval <= 0) return 0;
      const now = clock();
      const last = lastEdit.get(key);
      if (last !== undefined && now - last < interval) return last + interval - now;
      lastEdit.set(key, now);
      forgetOld(
        lastEdit,
        now - Math.max(interval, SATURATED_STATUS_EDIT_MS, PROGRESS_STATUS_EDIT_MS),
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

/**
 * What the status bodies this process wrote show of `attentionOf`
 * (src/core/status/status-view.ts), by a hash of the body. An edit whose
 * render shows the same as the comment it replaces is progress; a comment
 * this process did not write (another replica's, or one from before a
 * restart) is not known here, and its next edit is made at the pace of every
 * edit. Pacing, not state: forgetting costs an edit made sooner.
 */
export class ShownAttention {
  readonly #byBody: BoundedMap<string | null>;

  constructor(limit = 2_000) {
    this.#byBody = new BoundedMap(limit);
  }

  /** A body was written showing `attention`. */
  note(body: string, attention: string | null): void {
    this.#byBody.set(bodyHash(body), attention);
  }

  /** How an edit from `shown` to a render showing `attention` is paced. */
  kindOf(shown: string | undefined, attention: string | null): StatusEditKind {
    if (shown === undefined || attention === null) return 'prompt';
    const key = bodyHash(shown);
    return this.#byBody.has(key) && this.#byBody.get(key) === attention ? 'progress' : 'prompt';
  }

  clear(): void {
    this.#byBody.clear();
  }
}

/** This process's memory of the status bodies it wrote (replicas in one process share it). */
export const shownAttention = remembered(new ShownAttention());

/**
 * What this process remembers of a status body it wrote: what it shows of
 * `attentionOf` (`shownAttention`, the pace of the next edit) and the tag
 * GitHub answered with (`commentTags`, the next held edit's conditional read).
 */
export function noteStatusWritten(
  ctx: { owner: string; repo: string },
  {
    id,
    etag,
    body,
    attention,
  }: { id: number; etag: unknown; body: string; attention: string | null },
): void {
  commentTags.note(ctx, id, etag, body);
  shownAttention.note(body, attention);
}
