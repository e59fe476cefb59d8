import type { DueWrites } from '../../../core/workers/write-forecast.js';

/** An hour, GitHub's longer window for content-creating requests. */
export const HOUR = 3_600_000;

/**
 * The most writes of `points` in any window of `windowMs` that ends at a time
 * in `[from, to)`: the sliding windows GitHub counts its limits in. A count of
 * point writes peaks in a window that ends at one of them, so the windows
 * ending at `from` and at each point in the span are the ones looked at.
 */
export function peakWindow(
  points: readonly DueWrites[],
  {
    from,
    to = Number.POSITIVE_INFINITY,
    windowMs = HOUR,
  }: {
    from: number;
    to?: number;
    windowMs?: number;
  },
): number {
  const sorted = [...points].sort((a, b) => a.at - b.at);
  const ends = [from, ...sorted.map((point) => point.at).filter((at) => at >= from && at < to)];
  let peak = 0;
  let start = 0;
  let end = 0;
  let sum = 0;
  for (const t of [...new Set(ends)].sort((a, b) => a - b)) {
    while (end < sorted.length && (sorted[end]?.at ?? 0) <= t) sum += sorted[end++]?.count ?? 0;
    while (start < end && (sorted[start]?.at ?? 0) <= t - windowMs)
      sum -= sorted[start++]?.count ?? 0;
    peak = Math.max(peak, sum);
  }
  return peak;
}

/** `writes` moved `ms` later. */
export function shifted(writes: readonly DueWrites[], ms: number): DueWrites[] {
  return writes.map((write) => ({ at: write.at + ms, count: write.count }));
}

/**
 * The most writes of any hour that would hold one of `added`'s, were they made
 * beside `points`: the hours `added` changes, from its first write to an hour
 * after its last. 0 when nothing is added.
 */
export function peakWith(points: readonly DueWrites[], added: readonly DueWrites[]): number {
  if (added.length === 0) return 0;
  const times = added.map((write) => write.at);
  return peakWindow([...points, ...added], {
    from: Math.min(...times),
    to: Math.max(...times) + HOUR,
  });
}
