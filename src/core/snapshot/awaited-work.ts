import type { SessionRole } from '../sessions/session.js';
import { timeOf } from './normalize-snapshot.js';
import type { NormalSnapshot, TimedRun } from './snapshot.js';

/**
 * When a build should be looked at again for work GitHub is finishing on its
 * own: a session run under way, CI running on a worker's pull request, a
 * mergeability GitHub is still computing. Each comes with an event when it
 * is done, but events are lost, late or skipped as no news, so a build never
 * waits on one: its next look is set for when the work should be done, and
 * an event only makes it sooner (the work queue's "requeue after").
 *
 * A run should be done after as long as the build's runs of its role took
 * (the median of those that succeeded; before any has ended, the quickest
 * role's: `typicalRunMs`), and is looked at a grace later
 * (`LOOK_GRACE_SHARE`), so that its completion, which usually comes, comes first; once
 * past that, or with none to go by, it is looked at again when it has run as
 * long again as so far, between `LOOK_MIN_MS` and `LOOK_MAX_MS`: a lost
 * completion is found within the run's length, and a ten-minute run costs
 * seven looks, not one a minute (each a conditional listing of the runs,
 * free while nothing changed: src/github/reconcile/queue/look-again.ts). A run
 * is never looked at later than when `session.timeoutMinutes` would give it
 * up (`overdueAtMs`). What waits on a person (an `/approve`, a pull request
 * that needs a person) is no work of GitHub's: a lost event of those heals at
 * the periodic resync.
 */
export interface AwaitedWork {
  inMs: number;
  /** What is awaited, for the log: `review run 42`, `checks on #7`. */
  why: string;
  /** A session run: its completion shows in the run listing, with nothing else to read. */
  run?: true;
}

/** The soonest a build is looked at again for work under way. */
export const LOOK_MIN_MS = 5_000;
/** The latest: the periodic resync's default interval. */
export const LOOK_MAX_MS = 10 * 60_000;
/**
 * How long after work of a typical length should end its look falls, as a
 * share of that length (at least `LOOK_MIN_MS`): runs of one role differ by
 * about as much, so the event of one a little longer than usual, which
 * usually comes, comes first and sets the next look, and the look finds
 * nothing its reconcile did not read. A lost event is found this much later:
 * 2.5 minutes for a ten-minute session, 5 s for one of seconds.
 */
export const LOOK_GRACE_SHARE = 0.25;

export function awaitedWork({
  snapshot,
  now,
  overdueAtMs = () => null,
}: {
  snapshot: Pick<NormalSnapshot, 'runs' | 'pulls'>;
  now: string;
  /** When a run under way would be given up on (`findOverdueRuns`), in ms; null: never. */
  overdueAtMs?: (run: TimedRun) => number | null;
}): AwaitedWork | null {
  const nowMs = timeOf(now);
  if (nowMs === null) return null;
  const waits: AwaitedWork[] = [];
  for (const run of snapshot.runs) {
    if (run.status === 'completed') continue;
    const started = Number.isFinite(run.createdMs) ? run.createdMs : nowMs;
    const typical = typicalRunMs(snapshot.runs, run.role);
    const due = expectedEnd({ started, typical, nowMs });
    const overdue = overdueAtMs(run);
    const at = overdue === null ? due : Math.min(due, Math.max(overdue, nowMs));
    waits.push({ inMs: at - nowMs, why: `${run.role} run ${run.id}`, run: true });
  }
  for (const pull of snapshot.pulls) {
    if (pull.state !== 'open') continue;
    const computing = pull.mergeState === 'unknown';
    if (!computing && pull.checks.state !== 'pending') continue;
    // Neither says when it began: it is timed from the head's push, which a session's end follows.
    const opened = Number.isFinite(pull.createdMs) ? pull.createdMs : nowMs;
    const since = headPushedAt(snapshot.runs, pull.worker) ?? opened;
    waits.push({
      inMs: expectedEnd({ started: since, typical: null, nowMs }) - nowMs,
      why: computing ? `the mergeability of #${pull.number}` : `checks on #${pull.number}`,
    });
  }
  return waits.reduce<AwaitedWork | null>(
    (soonest, wait) => (soonest && soonest.inMs <= wait.inMs ? soonest : wait),
    null,
  );
}

/**
 * When work started at `started` should be looked at: a grace after it
 * typically ends (`LOOK_GRACE_SHARE`), and past that (or with no typical length) once its age
 * has doubled, within `LOOK_MIN_MS` and `LOOK_MAX_MS` of now.
 */
export function expectedEnd({
  started,
  typical,
  nowMs,
}: {
  started: number;
  typical: number | null;
  nowMs: number;
}): number {
  if (typical !== null && started + typical > nowMs + LOOK_MIN_MS) {
    const grace = Math.max(typical * LOOK_GRACE_SHARE, LOOK_MIN_MS);
    return Math.min(started + typical + grace, nowMs + LOOK_MAX_MS);
  }
  return nowMs + Math.min(Math.max(nowMs - started, LOOK_MIN_MS), LOOK_MAX_MS);
}

/**
 * How long a run of `role` is expected to take: the median of the build's
 * successful runs of that role; before any has ended, the shortest such median
 * of another role (every session pays for its runner, its checkout and its
 * publish, so none is expected sooner than the quickest role's); null when no
 * run of the build has ended. A role's first run is so looked at after the
 * quickest role's length and its grace, not from its first seconds on, when
 * each look would find only that GitHub created and started it.
 */
export function typicalRunMs(runs: TimedRun[], role: SessionRole): number | null {
  const own = medianLength(runs.filter((run) => run.role === role));
  if (own !== null) return own;
  const others = [...new Set(runs.map((run) => run.role))].flatMap((other) => {
    const length = medianLength(runs.filter((run) => run.role === other));
    return length === null ? [] : [length];
  });
  return others.length > 0 ? Math.min(...others) : null;
}

/** The median length of `runs` that succeeded; null when none has. */
function medianLength(runs: TimedRun[]): number | null {
  const lengths = runs
    .filter((run) => run.conclusion === 'success')
    .map((run) => run.updatedMs - run.createdMs)
    .filter((ms) => ms > 0)
    .sort((a, b) => a - b);
  return lengths[Math.floor(lengths.length / 2)] ?? null;
}

/** When the newest session run of a worker ended (a push of its head comes just before). */
function headPushedAt(runs: TimedRun[], worker: string): number | null {
  const ended = runs
    .filter((run) => run.worker === worker && run.status === 'completed')
    .map((run) => Math.max(run.updatedMs, 0));
  return ended.length > 0 ? Math.max(...ended) : null;
}
