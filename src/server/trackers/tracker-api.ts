/**
 * What Baton does on a tracker's issue, the same for Linear and Jira: keep its
 * one comment (found by the marker on its first line, written by the tracker
 * account Baton answers with), and move the issue to done. A tracker's
 * refusal is a `TrackerRefusal`, with when to ask again where the tracker
 * says (`Retry-After`, a rate limit's reset).
 */
import type { DoneMove } from '../../core/trackers/tracker-echo-text.js';
import type { ChildrenRead } from './tracker-children.js';

/** `keep`: the comment is made or edited to the text; `ensure`: made where missing, else left as it is. */
export type CommentMode = 'keep' | 'ensure';

export interface TrackerApi {
  /** A new comment of `lines` on issue `key` (Linear: its id). */
  say(key: string, lines: string[]): Promise<void>;
  /** Baton's comment under `marker` on issue `key`, as `lines` (`mode`); what was written. */
  comment(
    key: string,
    marker: string,
    lines: string[],
    mode: CommentMode,
  ): Promise<'created' | 'edited' | 'unchanged'>;
  /** Issue `key` moved to its done state, unless it is done or cancelled already: where it stands then. */
  moveToDone(key: string): Promise<DoneMove>;
  /** Issue `key`'s children (an epic's issues, sub-tasks), in the tracker's order, and whether it has more than were read; none: it is no epic. */
  children(key: string): Promise<ChildrenRead>;
}

/** A tracker's refusal: its HTTP status, and when it may be asked again (ms since the epoch), where it says. */
export class TrackerRefusal extends Error {
  readonly status: number;
  readonly retryAfterMs: number | null;
  readonly retryAt: number | null;

  constructor(
    message: string,
    {
      status,
      retryAfterMs = null,
      retryAt = null,
    }: { status: number; retryAfterMs?: number | null; retryAt?: number | null },
  ) {
    super(message);
    this.name = 'TrackerRefusal';
    this.status = status;
    this.retryAfterMs = retryAfterMs;
    this.retryAt = retryAt;
  }
}

/** How long one call to a tracker may take before it is given up (and tried at the next reconcile). */
export const TRACKER_CALL_MS = 15_000;

/** The longest wait a tracker's answer may ask for: an hour. */
const LONGEST_WAIT_MS = 3_600_000;

/**
 * When a rate-limited call may be made again: `Retry-After` in seconds (both
 * trackers), else `resetHeader`'s time in ms since the epoch (Linear's
 * `X-RateLimit-Requests-Reset`); neither: nothing said.
 */
export function retryOf(
  headers: Headers,
  resetHeader?: string,
): { retryAfterMs?: number; retryAt?: number } {
  const seconds = Number(headers.get('retry-after') ?? Number.NaN);
  if (Number.isFinite(seconds) && seconds >= 0)
    return { retryAfterMs: Math.min(seconds * 1000, LONGEST_WAIT_MS) };
  const reset = resetHeader ? Number(headers.get(resetHeader) ?? Number.NaN) : Number.NaN;
  return Number.isFinite(reset) && reset > 0 ? { retryAt: reset } : {};
}

const running = new Map<string, Promise<unknown>>();

/**
 * `work` once the work on the same `key` (a tracker's issue) before it ended:
 * two writers of one comment in this process never both find none and both
 * create one.
 */
export async function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
  const before = running.get(key) ?? Promise.resolve();
  const mine = before.catch(() => undefined).then(work);
  running.set(key, mine);
  try {
    return await mine;
  } finally {
    if (running.get(key) === mine) running.delete(key);
  }
}
