import type {
  BuildSnapshot,
  CommandInfo,
  NormalSnapshot,
  PullInfo,
  ReviewInfo,
  RunInfo,
  TimedPull,
  TimedRun,
} from './snapshot.js';

/**
 * The snapshot with every list in one canonical order and without repeats, so
 * that `decide` sees the same truth however the adapter happened to list it
 * (pages in another order, a run seen twice across pages, a redelivery); and
 * with the times the rules compare parsed, here and nowhere else.
 */
export function normalizeSnapshot(snapshot: BuildSnapshot): NormalSnapshot {
  return {
    ...snapshot,
    runs: uniqueSorted(snapshot.runs, (run) => run.id, compareRuns).map(timedRun),
    // A comment may carry several commands: each counts, a comment listed twice once.
    commands: uniqueSorted(snapshot.commands, commandKey, compareCommands).map((info) => ({
      ...info,
      createdMs: instantOf(info.createdAt),
    })),
    pulls: uniqueSorted(
      snapshot.pulls,
      (pull) => pull.number,
      (a, b) => a.number - b.number,
    ).map(normalizePull),
  };
}

function timedRun(run: RunInfo): TimedRun {
  return {
    ...run,
    createdMs: instantOf(run.createdAt),
    updatedMs: instantOf(run.updatedAt),
    startedMs: instantOf(run.startedAt ?? run.createdAt),
  };
}

function normalizePull(pull: PullInfo): TimedPull {
  return {
    ...pull,
    createdMs: instantOf(pull.createdAt),
    reviews: uniqueSorted(pull.reviews, (review) => review.id, compareReviews),
    checks: {
      ...pull.checks,
      failedRuns: uniqueSorted(
        pull.checks.failedRuns,
        (run) => run.id,
        (a, b) => a.id - b.id,
      ),
    },
    labels: [...new Set(pull.labels)].sort(),
  };
}

/** Oldest first; the id breaks ties between runs created in the same second. */
export function compareRuns(a: RunInfo, b: RunInfo): number {
  return compareTimes(a.createdAt, b.createdAt) || a.id - b.id;
}

function compareCommands(a: CommandInfo, b: CommandInfo): number {
  return compareTimes(a.createdAt, b.createdAt) || a.commentId - b.commentId;
}

function compareReviews(a: ReviewInfo, b: ReviewInfo): number {
  return compareTimes(a.submittedAt, b.submittedAt) || a.id - b.id;
}

/** Compares ISO 8601 times as instants; unreadable times sort first, by their text. */
export function compareTimes(a: string, b: string): number {
  const diff = (timeOf(a) ?? Number.NEGATIVE_INFINITY) - (timeOf(b) ?? Number.NEGATIVE_INFINITY);
  if (diff !== 0 && !Number.isNaN(diff)) return diff < 0 ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Milliseconds since the epoch of an ISO 8601 time, or null if it cannot be read. */
export function timeOf(iso: string): number | null {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** A time as the snapshot's are compared (`NormalSnapshot`): unreadable, it comes before every other. */
export function instantOf(iso: string): number {
  return timeOf(iso) ?? Number.NEGATIVE_INFINITY;
}

/** One command of one comment: the comment, and what the command says. */
function commandKey(info: CommandInfo): string {
  return `${info.commentId} ${JSON.stringify(info.command)}`;
}

function uniqueSorted<T>(
  items: T[],
  key: (item: T) => number | string,
  compare: (a: T, b: T) => number,
): T[] {
  const seen = new Set<number | string>();
  const unique: T[] = [];
  for (const item of [...items].sort(compare)) {
    if (seen.has(key(item))) continue;
    seen.add(key(item));
    unique.push(item);
  }
  return unique;
}
