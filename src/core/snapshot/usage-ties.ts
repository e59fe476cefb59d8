import { parseUsageMessage, type UsageRecord } from '../records/usage.js';
import { isReviewedInRun, parseRunName, type SessionRole } from '../sessions/session.js';

/**
 * Usage records are hidden refs any writer of a repository can push, and
 * a workflow token with `contents: write` too: only a record tied to a run
 * Baton dispatched in that repository counts, dated by that run. The tie:
 * the ref's name is `<build>/usage/<run>-<attempt>` for a run of that build (`…-review`
 * for the review a work, contract or fix session's run makes after it)
 * the app dispatched (its run name; its actor the app), at an attempt the run
 * reached, and the record's message names that same run, attempt, role and
 * worker. A run id is GitHub's across every repository, so a record in one
 * repository naming another's run ties to nothing there.
 */

/** A run of the Baton workflow, as far as a usage record is tied to it. */
export interface UsageRun {
  id: number;
  build: string;
  role: SessionRole;
  worker: string | null;
  /** The attempts the run reached. */
  attempt: number;
  createdAt: string;
}

/** A run of the Baton workflow as GitHub's REST listing gives it, as far as a record is tied to it. */
export interface ListedWorkflowRun {
  id: number;
  display_title: string;
  created_at: string;
  run_attempt?: number | null | undefined;
  actor?: { login: string } | null | undefined;
}

/**
 * The run as usage records are tied to it when Baton dispatched it (its actor
 * is Baton's bot `botLogin`, its name a Baton run name); null for any other run.
 * The app's reads and a session's read of the day's spend list runs alike.
 */
export function dispatchedRunOf(run: ListedWorkflowRun, botLogin: string): UsageRun | null {
  const name = parseRunName(run.display_title);
  if (!name || run.actor?.login !== botLogin) return null;
  return {
    id: run.id,
    build: name.build,
    role: name.role,
    worker: name.worker,
    attempt: run.run_attempt ?? 1,
    createdAt: run.created_at,
  };
}

/** A record's ref (its name under `refs/baton/`) and its commit's message. */
export interface ListedUsage {
  ref: string;
  message: string;
}

/** A usage record that does not count, and why. */
export interface UncountedUsage {
  ref: string;
  reason: string;
}

const NAME = /^([^/]+)\/usage\/(\d+)-(\d+)(-review)?$/;

/**
 * The run a record's ref names, or why it names none: `null` run when the ref
 * names a run the list does not hold (an older day's, or none at all).
 */
export function runOfUsageRef(
  ref: string,
  runs: ReadonlyMap<number, UsageRun>,
): { run: UsageRun; attempt: number; reviewInRun: boolean } | { run: null; reason: string } {
  const named = NAME.exec(ref);
  if (!named) return { run: null, reason: 'not named <build>/usage/<run>-<attempt>' };
  const [, build, id, attempt, review] = named;
  const run = runs.get(Number(id));
  if (!run) return { run: null, reason: `no run ${id} Baton dispatched here` };
  if (run.build !== build) return { run: null, reason: `run ${id} is of build ${run.build}` };
  if (Number(attempt) < 1 || Number(attempt) > run.attempt)
    return { run: null, reason: `run ${id} has no attempt ${attempt}` };
  if (review && !isReviewedInRun(run.role))
    return {
      run: null,
      reason: `run ${id} is a ${run.role} session's, which reviews nothing after it`,
    };
  return { run, attempt: Number(attempt), reviewInRun: Boolean(review) };
}

/** Why a record's message is not the record of that run's attempt; null when it is. */
export function usageRecordProblem(
  record: UsageRecord | null,
  run: UsageRun,
  attempt: number,
  /** The ref is the record of the review in the run (`…-review`), after its session. */
  reviewInRun = false,
): string | null {
  if (!record) return 'its message is not a usage record';
  if (record.run_id !== run.id || record.attempt !== attempt)
    return `it names run ${record.run_id} attempt ${record.attempt}`;
  if (record.worker !== run.worker)
    return `it names a ${record.role} session of ${record.worker ?? 'no worker'}, not the run's`;
  if (reviewInRun) {
    if (record.role !== 'review' || record.after !== run.role)
      return `it names a ${record.role} session${record.after ? ` after ${record.after}` : ''}, not the review after the run's ${run.role} session`;
    return null;
  }
  if (record.role !== run.role || record.after !== undefined)
    return `it names a ${record.role} session of ${record.worker ?? 'no worker'}, not the run's`;
  return null;
}

/**
 * Whether a record is its run's own session's, not the review that followed it in
 * the run (`UsageRecord.after`): what is said of a run (how it ended, what stopped it,
 * the messages it took) is said by its own.
 */
export function isRunOwnRecord(record: UsageRecord): boolean {
  return record.after === undefined;
}

/** One session's key among records: its run and attempt, and the review after it apart. */
export function sessionKeyOf(record: UsageRecord): string {
  return `${record.run_id}-${record.attempt}${record.after ? '-review' : ''}`;
}

/**
 * The records of one build tied to its runs (`runs`: every run of the build):
 * those that count, with their run, and those that do not, with why.
 */
export function tieUsage(
  listed: readonly ListedUsage[],
  runs: ReadonlyMap<number, UsageRun>,
): { counted: { ref: string; run: UsageRun; record: UsageRecord }[]; uncounted: UncountedUsage[] } {
  const counted: { ref: string; run: UsageRun; record: UsageRecord }[] = [];
  const uncounted: UncountedUsage[] = [];
  for (const { ref, message } of listed) {
    const named = runOfUsageRef(ref, runs);
    if (named.run === null) {
      uncounted.push({ ref, reason: named.reason });
      continue;
    }
    const record = parseUsageMessage(message);
    const problem = usageRecordProblem(record, named.run, named.attempt, named.reviewInRun);
    if (problem || !record) uncounted.push({ ref, reason: problem ?? 'unreadable' });
    else counted.push({ ref, run: named.run, record });
  }
  return { counted, uncounted };
}

/** A run of the build as the listing shows it (the snapshot's `RunInfo`), as far as usage needs it. */
export interface ListedRun {
  id: number;
  role: SessionRole;
  worker: string | null;
  attempt?: number;
  createdAt: string;
  /** False: not a run the app dispatched (its actor is someone else). */
  byBaton?: boolean;
}

/**
 * The usage records of the build's sessions that are tied to its runs Baton
 * dispatched (`tieUsage`), and the refs under its usage prefix that are not,
 * with why: a writer's or a workflow's forged record moves no budget.
 */
export function usageOf(
  build: string,
  listed: ListedUsage[],
  runs: readonly ListedRun[],
): { usage: UsageRecord[]; uncountedUsage?: UncountedUsage[] } {
  const byId = new Map(
    runs
      .filter((run) => run.byBaton !== false)
      .map((run): [number, UsageRun] => [
        run.id,
        {
          id: run.id,
          build,
          role: run.role,
          worker: run.worker,
          attempt: run.attempt ?? 1,
          createdAt: run.createdAt,
        },
      ]),
  );
  const { counted, uncounted } = tieUsage(listed, byId);
  return {
    usage: counted.map((tie) => tie.record),
    ...(uncounted.length > 0 ? { uncountedUsage: uncounted } : {}),
  };
}
