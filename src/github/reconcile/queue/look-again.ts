import type { ActLog, ActOutcome } from '../../act/act.js';
import { withReason } from '../../client/request-reason.js';
import type { RepoContext } from '../../client/types.js';
import { readRuns } from '../../observe/read-runs.js';
import { type Look, type LookSchedule, type LookTime, soonest } from '../../store/look-schedule.js';
import { type LastReads, MAX_AGE_MS } from '../pass/last-reads.js';

/**
 * What a reconcile leaves for its build's next look without an event
 * (`LookSchedule`): the soonest of a session settling (`decide`'s
 * `look-again`), work GitHub is finishing (`nextLook`), and a write, or the
 * reconcile itself, that GitHub failed. No event may follow any of them.
 */
export function leaveNextLook(
  deps: { looks?: LookSchedule | undefined; failedPasses?: Map<string, number> | undefined },
  {
    key,
    outcomes,
    look,
    log,
    held = true,
  }: {
    key: string;
    /** What the reconcile did; null when it failed as a whole (a read GitHub answered 5xx). */
    outcomes: ActOutcome[] | null;
    look: Look;
    log: Pick<ActLog, 'info'>;
    /**
     * Whether the reconcile still surely holds its build (`BuildHold.held`): one whose lease
     * lapsed read what the replica that took the build over may have moved past.
     */
    held?: boolean;
  },
): void {
  const retry = failedWriteRetryMs(deps, key, passOf(outcomes));
  const failure = retry === null ? [] : [{ ms: retry, why: 'GitHub failed a write or a read' }];
  const times = [
    ...(outcomes ?? []).flatMap((outcome): LookTime[] =>
      outcome.result === 'deferred' && outcome.action.kind === 'look-again'
        ? [lookTimeOf(outcome)]
        : [],
    ),
    // A dispatch whose lock another process may still be sending for is looked at past its grace.
    ...(outcomes ?? []).flatMap((outcome): LookTime[] =>
      outcome.result === 'stood-down' && outcome.retryInMs !== undefined
        ? [{ ms: outcome.retryInMs, why: 'a dispatch another process locked' }]
        : [],
    ),
    ...failure,
  ];
  // A reconcile that failed as a whole leaves what the last one awaited, unless it retries sooner;
  // one whose build another replica took meanwhile brings a look sooner, and never puts off or
  // forgets the look the other left (a failed write's retry, a session settling: no event follows).
  if (outcomes === null) for (const time of failure) deps.looks?.within(key, time, look);
  else if (!held) for (const time of times) deps.looks?.within(key, time, look);
  else deps.looks?.set(key, times, look);
  const next = soonest(times);
  if (next) log.info({ inMs: next.ms, awaits: next.why }, 'baton: looks at the build again');
}

/** The first wait before a reconcile whose write GitHub failed is made again; each further one is four times longer. */
export const FAILED_WRITE_RETRY_MS = 5_000;
/** The longest wait between such reconciles: the periodic resync's interval. */
const FAILED_WRITE_RETRY_MAX_MS = 10 * 60_000;

/**
 * How a pass went, for its retry: `clean` (nothing GitHub failed), `progress`
 * (a write GitHub failed beside others it made: a fault of the moment), or
 * `stuck` (the read failed, or every write it tried failed: GitHub may be down).
 */
type Pass = 'clean' | 'progress' | 'stuck';

function passOf(outcomes: ActOutcome[] | null): Pass {
  if (outcomes === null) return 'stuck';
  const failed = outcomes.filter(isRetriedFailure);
  if (failed.length === 0) return 'clean';
  return outcomes.some((outcome) => outcome.result === 'done') ? 'progress' : 'stuck';
}

/**
 * When to reconcile again after a pass GitHub failed (a write answered 5xx
 * or not at all, a merge refused, the read itself), or null: 5 s after it,
 * and, while passes in a row are stuck (nothing GitHub failed went through
 * beside it), 20 s, 80 s … up to ten minutes. A pass that made progress
 * beside its failure waits 5 s and starts the count again: a sporadic 502 is
 * no outage, and one in twenty requests failing made a build wait 80 s now
 * and then. No event may follow a write that did not happen, so without this
 * the build would wait for the resync. Pacing, not state: the count is this
 * process's, and forgotten past 1,000 builds.
 */
function failedWriteRetryMs(
  deps: { failedPasses?: Map<string, number> | undefined },
  key: string,
  pass: Pass,
): number | null {
  deps.failedPasses ??= new Map();
  const failed = deps.failedPasses;
  if (pass === 'clean') {
    failed.delete(key);
    return null;
  }
  const passes = pass === 'stuck' ? (failed.get(key) ?? 0) : 0;
  failed.delete(key);
  if (failed.size >= 1_000) failed.delete(failed.keys().next().value ?? '');
  failed.set(key, passes + 1);
  return Math.min(FAILED_WRITE_RETRY_MS * 4 ** passes, FAILED_WRITE_RETRY_MAX_MS);
}

/**
 * A write that failed where a later try may go: GitHub answered 5xx or nothing, or refused
 * a merge (405), as it does while the base branch moves under another merge.
 */
function isRetriedFailure(outcome: ActOutcome): boolean {
  return outcome.result === 'failed' && (outcome.transient || outcome.action.kind === 'merge-pull');
}

/** A `look-again` outcome's look: work GitHub is finishing (`nextLook`), else a session settling. */
export function lookTimeOf(outcome: ActOutcome): LookTime {
  const ms = outcome.retryInMs ?? 0;
  return outcome.detail
    ? { ms, why: outcome.detail, awaited: true }
    : { ms, why: 'a session settling' };
}

/**
 * A look that falls due without an event, judged before its read. When the
 * build as this process last read it waits on GitHub for its runs alone
 * (`LastReads.awaitsOnlyRuns`: a session under way, no pull request's CI or
 * mergeability), and its runs as the repository lists them now (asked
 * conditionally: an unchanged listing is a 304, which GitHub does not count)
 * change nothing of it (`LastReads.runsChangeNothing`), the look finds no news
 * and reads nothing more. It then leaves the build's next look by the read
 * (`LastReads.nextLook`, as the reconcile would have), so no build is left
 * waiting on an event. A read older than ten minutes, or none, is read whole.
 */
export function timedLookNoNews(
  ctx: RepoContext,
  {
    key,
    build,
    reads,
    now,
    rearm,
  }: {
    key: string;
    build: string;
    reads: LastReads;
    now: () => string;
    /** Sets the build's next look. */
    rearm: (next: LookTime) => void;
  },
): { judge: () => Promise<boolean>; why: string } {
  return {
    judge: async () => {
      const since = reads.runsSince(key, MAX_AGE_MS);
      if (!since || !reads.awaitsOnlyRuns(key, MAX_AGE_MS)) return false;
      const seen = { key, build, since, freshFrom: Date.now(), reads, now, withinMs: MAX_AGE_MS };
      if (!(await withReason('look', () => listedRunsChangeNothing(ctx, seen)))) return false;
      const next = reads.nextLook(key, now());
      if (next) rearm(lookTimeOf(next));
      return true;
    },
    why: 'a look found the runs as the last read saw them',
  };
}

/**
 * Whether build `key`'s runs as its repository lists them now (conditionally,
 * from `since`; a listing begun at `freshFrom` or later is shared) change
 * nothing of its last read within `withinMs` (`LastReads.runsChangeNothing`,
 * which then takes them in): the judgement of a timed look and of the resync.
 */
export async function listedRunsChangeNothing(
  ctx: RepoContext,
  {
    key,
    build,
    since,
    freshFrom,
    reads,
    now,
    withinMs,
  }: {
    key: string;
    build: string;
    since: string;
    freshFrom: number;
    reads: Pick<LastReads, 'runsChangeNothing'>;
    now: () => string;
    withinMs: number;
  },
): Promise<boolean> {
  const listed = await readRuns(ctx, { build, since, freshFrom });
  return listed.installed && reads.runsChangeNothing(key, listed.runs, now(), withinMs);
}
