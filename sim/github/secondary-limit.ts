import type { ApiResponse } from './router.js';

/**
 * GitHub's secondary limit on content-creating requests for one installation,
 * as "Rate limits for the REST API" (About secondary rate limits) documents
 * it: "In general, no more than 80 content-generating requests per minute and
 * no more than 500 content-generating requests per hour are allowed"; past it
 * GitHub answers 403 (or 429) with `retry-after`, and "you should not retry
 * your request until after that many seconds has elapsed".
 *
 * Counted: every write (a REST request but GET and HEAD, and a GraphQL
 * mutation) made with one of the installation's tokens, and what a test
 * counts for writes it plays without a request (`note`: scripted sessions'
 * pull requests and reviews). Both windows slide. Refused only where a test
 * asks (`enforce`): tests that play bursts no app would make keep GitHub's
 * good day; what the windows held is kept either way (`peaks`).
 */
export const SECONDARY_LIMITS = { perMinute: 80, perHour: 500 } as const;

const MINUTE = 60_000;
const HOUR = 3_600_000;
/** What GitHub's answer asks a client to wait, seconds. */
const RETRY_AFTER_SECONDS = 60;

export class SecondaryLimit {
  /** Whether a write past a window is refused (403 with `retry-after`). */
  enforce = false;
  /** Writes refused, by when. */
  readonly refusals: number[] = [];
  /** Each counted write: when, how many, and what (a route, or what a test names). */
  readonly writes: { at: number; count: number; what: string }[] = [];

  /** Counts `count` writes of `what` at `now` (ms) without asking. */
  note(now: number, count = 1, what = 'noted'): void {
    this.writes.push({ at: now, count, what });
  }

  /** GitHub's refusal of a write (`what`: its route) at `now` when a window is full and refusals are on; else counts it. */
  admit(now: number, what = 'write'): ApiResponse | null {
    if (this.enforce && this.#full(now)) {
      this.refusals.push(now);
      return secondaryLimitRefusal();
    }
    this.note(now, 1, what);
    return null;
  }

  /** The writes of the busiest minute (sliding), by what they were, most first. */
  busiestMinute(): { from: number; writes: Record<string, number> } {
    const sorted = [...this.writes].sort((a, b) => a.at - b.at);
    let best = { sum: 0, from: 0, to: 0 };
    let sum = 0;
    let from = 0;
    for (const [to, stamp] of sorted.entries()) {
      sum += stamp.count;
      while ((sorted[from]?.at ?? 0) <= stamp.at - MINUTE) sum -= sorted[from++]?.count ?? 0;
      if (sum > best.sum) best = { sum, from, to };
    }
    const writes: Record<string, number> = {};
    for (const stamp of sorted.slice(best.from, best.to + 1))
      writes[stamp.what] = (writes[stamp.what] ?? 0) + stamp.count;
    const most = Object.entries(writes).sort((a, b) => b[1] - a[1]);
    return { from: sorted[best.from]?.at ?? 0, writes: Object.fromEntries(most) };
  }

  /** The most writes any minute and any hour held (sliding windows). */
  peaks(): { perMinute: number; perHour: number } {
    return {
      perMinute: peakInWindow(this.writes, MINUTE),
      perHour: peakInWindow(this.writes, HOUR),
    };
  }

  #full(now: number): boolean {
    const since = (from: number) =>
      this.writes.reduce((sum, w) => (w.at > from ? sum + w.count : sum), 0);
    return (
      since(now - MINUTE) >= SECONDARY_LIMITS.perMinute ||
      since(now - HOUR) >= SECONDARY_LIMITS.perHour
    );
  }
}

/** Most writes in any window of `windowMs` (sliding), from stamped counts. */
export function peakInWindow(stamps: { at: number; count: number }[], windowMs: number): number {
  const sorted = [...stamps].sort((a, b) => a.at - b.at);
  let best = 0;
  let sum = 0;
  let from = 0;
  for (const stamp of sorted) {
    sum += stamp.count;
    while ((sorted[from]?.at ?? 0) <= stamp.at - windowMs) sum -= sorted[from++]?.count ?? 0;
    best = Math.max(best, sum);
  }
  return best;
}

/** GitHub's answer past a secondary limit. */
export function secondaryLimitRefusal(
  status: 403 | 429 = 403,
  retryAfterSeconds = RETRY_AFTER_SECONDS,
): ApiResponse {
  return {
    status,
    body: {
      message:
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      documentation_url:
        'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
    },
    headers: { 'retry-after': String(retryAfterSeconds) },
  };
}
