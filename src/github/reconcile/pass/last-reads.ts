import type { ParsedConfig } from '../../../core/config/config.js';
import type { Action } from '../../../core/context/action.js';
import { decide } from '../../../core/decide/decide.js';
import { isWorkRole } from '../../../core/sessions/session.js';
import type { BuildSnapshot, PullInfo, RunInfo } from '../../../core/snapshot/snapshot.js';
import type { ActOutcome } from '../../act/act.js';
import { nextLook } from '../../act/next-look.js';
import type { DecidedRead } from '../../change-set/set-look.js';
import type { SharedReads } from '../../store/store.js';

/**
 * What this process last read of each build, so that the completion of one
 * of its session runs can be judged by what the webhook carries instead of
 * reading the build again (the build query and the run listing).
 *
 * A `workflow_run.completed` payload carries the run whole: its name (role,
 * worker, trigger), conclusion and times. Put into the last read in place of
 * what that read saw of the run, it asks `decide` what the completion alone
 * changes. Only a run whose session's writes the last read saw whole can be
 * no news: a run the read saw completed, as the payload says (the same
 * conclusion and attempt), since publish writes before the run completes,
 * unless its session's writes are events left to its completion (a work,
 * review or fix session's pull request, review or draft marked ready): the
 * read takes the pull requests before the runs, so it may list such a run
 * completed beside a pull request as it was before the run's last write; or a
 * run whose session's last write the read saw already (`sawSessionOutput`: a
 * work session's pull request, a review session's review), as when CI's
 * completion on the pull request was read first. Any other run is news.
 * When decide then asks for nothing (no write, no look again, the same
 * status) the event starts no reconcile: a completion delivered after another
 * event's reconcile read what it brings, or delivered twice. Anything else is
 * read afresh, as every event was before. Any other change since the last read
 * comes with an event of its own, and a lost one is healed by the resync as
 * ever. What the read saw is what every replica would read: the judgement
 * holds however deliveries are shared between processes.
 *
 * Pacing, not state: a restart, a build read more than `MAX_AGE_MS` ago, or a
 * build this process never read costs the usual reconcile.
 */
export interface LastRead {
  snapshot: BuildSnapshot;
  config: ParsedConfig;
  /** The status view the read rendered (JSON): what the comment shows, or is about to. */
  view: string;
  /** When it was read (ms). */
  at: number;
  /**
   * What `decide` still asked for after the read's reconcile acted (JSON): writes
   * it deferred (a first dispatch waiting for the write budget, which wakes it) or
   * made without their result in sight yet. Asked again, they are no news.
   */
  asked?: string[];
  /**
   * Build-branch heads this process's merges made in the read's reconcile, whose
   * consequences it decided there (`actOnMerges`): their pushes are no news.
   */
  settled?: string[];
  /** When the build's issue was opened: where a listing of its runs starts (`readRuns`). */
  runsSince?: string;
  /**
   * The look the read's reconcile left awaits a session run, whose end the run
   * listing shows (`awaitsOnlyRuns`): not a branch GitHub updates, CI, or a
   * session settling.
   */
  awaitsRun?: boolean;
}

/**
 * Whether `snapshot` holds the last write of the session `run` ran, so that
 * everything `decide` reads of what the session wrote was in sight: a first
 * attempt that succeeded (a re-run's writes may follow the read), and
 *
 * - a work session opens its worker's pull request last, after its push: an
 *   open pull request of the worker created since the run was;
 * - a review session posts its review last: a review of Baton's on the
 *   worker's open pull request submitted since the run was created.
 *
 * Other roles write on (a fix updates its pull request's body after its push,
 * a plan session's record is its push): their completion is news.
 */
export function sawSessionOutput(snapshot: BuildSnapshot, run: RunInfo): boolean {
  if (run.conclusion !== 'success' || (run.attempt ?? 1) !== 1 || !run.worker) return false;
  const since = Date.parse(run.createdAt);
  const pull = snapshot.pulls.find((one) => one.worker === run.worker && one.state === 'open');
  if (!pull) return false;
  if (isWorkRole(run.role)) return Date.parse(pull.createdAt) >= since;
  if (run.role === 'review')
    return pull.reviews.some((review) => review.byBaton && Date.parse(review.submittedAt) >= since);
  return false;
}

/**
 * The merge states of a pull request that a session's own jobs may make:
 * GitHub counts them among the head's checks (each job is a check run), so
 * while one runs on the head, or after one failed there, the pull request is
 * `unstable` (or `blocked`, where the job's check is required), and `unknown`
 * while GitHub works it out again after a check changed.
 */
const HELD_BY_CHECKS: ReadonlySet<PullInfo['mergeState']> = new Set([
  'unstable',
  'blocked',
  'unknown',
]);

/**
 * Whether a run the read saw unfinished has ended in `runs` while the read saw
 * its worker's open pull request held in one of those states: the state the
 * read rests on may have been the run's own doing (a twin review run's jobs,
 * say, left the approved pull request `unstable`), and has changed since, so
 * the read cannot stand for the build: it is read again, never judged no news
 * on a merge state that is gone.
 */
function endedUnderHeldPull(snapshot: BuildSnapshot, runs: RunInfo[]): boolean {
  const ended = runs.filter(
    (run) =>
      run.status === 'completed' &&
      snapshot.runs.some((seen) => seen.id === run.id && seen.status !== 'completed'),
  );
  return ended.some((run) =>
    snapshot.pulls.some(
      (pull) =>
        pull.state === 'open' && pull.worker === run.worker && HELD_BY_CHECKS.has(pull.mergeState),
    ),
  );
}

/**
 * Whether `actions`, asked of a build as last read with one event's news in
 * it, ask for nothing the read's reconcile did not: the same status, and no
 * write but those it deferred or made already (`LastRead.asked`).
 */
function asksNothingNew(read: LastRead, actions: Action[]): boolean {
  const asked = new Set(read.asked ?? []);
  return actions.every((action) =>
    action.kind === 'render-status'
      ? JSON.stringify(action.view) === read.view
      : asked.has(JSON.stringify(action)),
  );
}

/** A read older than this stands for nothing: a reconcile reads the build afresh. */
export const MAX_AGE_MS = 10 * 60_000;

export class LastReads {
  /** Oldest read first: `note` moves a build's read to the end. */
  readonly #reads = new Map<string, LastRead>();
  readonly #limit: number;
  readonly #keepMs: number;
  readonly #clock: () => number;

  /**
   * At most `limit` builds, each for `keepMs` (the longest any caller asks a
   * read to stand for: `MAX_AGE_MS`, or the resync's look at the runs):
   * a build read whole is a snapshot of all its workers, let go once it can
   * stand for nothing, so an ended build's is not kept until 200 others came.
   */
  readonly #shared: SharedReads | undefined;

  constructor({
    limit = 200,
    keepMs = MAX_AGE_MS,
    clock = Date.now,
    shared,
  }: { limit?: number; keepMs?: number; clock?: () => number; shared?: SharedReads } = {}) {
    this.#limit = limit;
    this.#keepMs = Math.max(keepMs, MAX_AGE_MS);
    this.#clock = clock;
    this.#shared = shared;
  }

  /**
   * Takes in the newest read of build `key` another replica shared, if newer than this
   * process's own; before a delivery or a look is judged against it. At once without sharing.
   */
  async refresh(key: string): Promise<void> {
    const theirs = sharedReadOf(await this.#shared?.load(key).catch(() => null));
    if (!theirs) return;
    const mine = this.#reads.get(key);
    if (mine && mine.at >= theirs.at) return;
    this.#reads.delete(key);
    this.#reads.set(key, theirs);
  }

  /** How many builds' reads are kept. */
  get size(): number {
    return this.#reads.size;
  }

  /** Build `key` was read whole, as `read` says; null forgets it (a read whose writes failed). */
  note(key: string, read: Omit<LastRead, 'at'> | null): void {
    this.#reads.delete(key);
    const now = this.#clock();
    for (const [old, { at }] of this.#reads) {
      if (now - at <= this.#keepMs && this.#reads.size < this.#limit) break;
      this.#reads.delete(old);
    }
    const kept = read ? { ...read, at: now } : null;
    if (kept) this.#reads.set(key, kept);
    this.#shared?.save(key, kept, this.#keepMs);
  }

  /**
   * Build `key` was read whole and acted on by another's reconcile (a change set's member,
   * by its set's): noted as `decide` renders it (`decided`, the caller's), its status view
   * and what it still asks for, as its own reconcile would; null forgets it.
   */
  noteDecided(key: string, read: DecidedRead | null): void {
    const decided = read?.decided ?? [];
    const view = decided.at(-1);
    this.note(
      key,
      read && view?.kind === 'render-status'
        ? {
            snapshot: read.snapshot,
            config: read.config,
            view: JSON.stringify(view.view),
            runsSince: read.runsSince,
            asked: decided.slice(0, -1).map((action) => JSON.stringify(action)),
          }
        : null,
    );
  }

  /**
   * Whether a push that moved build `key`'s build branch to `after` is no
   * news: the last read saw the branch there already, or the read's reconcile
   * made that commit by a merge and decided what it unlocks. The read was of
   * the tree the push made, so a reconcile would read what it read; what
   * GitHub works out after a push (whether other pull requests now conflict)
   * comes with their own events, as before.
   */
  pushChangesNothing(key: string, after: string): boolean {
    const read = this.#fresh(key);
    if (!read) return false;
    return read.snapshot.integration?.sha === after || (read.settled ?? []).includes(after);
  }

  /**
   * When the runs of build `key` are listed from, if this process read it whole
   * within `withinMs`: what the resync's look at the runs needs (`runsChangeNothing`).
   */
  runsSince(key: string, withinMs: number): string | null {
    return this.#fresh(key, withinMs)?.runsSince ?? null;
  }

  /**
   * Whether the build's runs as GitHub lists them now change nothing of build
   * `key` as last read (within `withinMs`): `decide` on the read with these
   * runs asks for no write and renders the same status. If so, the read takes
   * them in. The periodic resync asks this before reading a build whole: a
   * lost event of a run (its completion, a retry) shows in the listing.
   */
  runsChangeNothing(key: string, runs: RunInfo[], now: string, withinMs: number): boolean {
    const read = this.#fresh(key, withinMs);
    return read !== null && this.#takesIn(key, read, runs, now);
  }

  /**
   * Whether build `key`, as last read (within `withinMs`), waits on GitHub for
   * nothing but its runs: its reconcile's look awaits a run (`awaitsRun`), and
   * no open pull request's CI is under way or its mergeability computed. Its
   * runs alone then say whether a look at it would find news (`runsChangeNothing`).
   */
  awaitsOnlyRuns(key: string, withinMs: number): boolean {
    const read = this.#fresh(key, withinMs);
    return (
      read?.awaitsRun === true &&
      !read.snapshot.pulls.some(
        (pull) =>
          pull.state === 'open' &&
          (pull.mergeState === 'unknown' || pull.checks.state === 'pending'),
      )
    );
  }

  /**
   * The look build `key` as last read awaits at `now` (`nextLook`): what a
   * look that found no news leaves for the next one; null when it awaits
   * nothing of GitHub's, or the read stands for nothing.
   */
  nextLook(key: string, now: string): ActOutcome | null {
    const read = this.#fresh(key);
    return read
      ? nextLook({ snapshot: read.snapshot, config: read.config, outcomes: [], now })
      : null;
  }

  /** Whether the last read of build `key` saw its final pull request `number` (its `pull_request.opened` is then no news). */
  finalPullSeen(key: string, number: number): boolean {
    return this.#fresh(key)?.snapshot.finalPull?.number === number;
  }

  /** The last read of build `key`, unless it is too old to stand for the build or its config failed. */
  #fresh(key: string, withinMs = MAX_AGE_MS): LastRead | null {
    const read = this.#reads.get(key);
    if (!read || this.#clock() - read.at > withinMs || !read.config.ok) return null;
    return read;
  }

  /**
   * Whether the completion of `run`, as its webhook carries it, changes nothing
   * of build `key` as this process last read it; if so, the read takes it in.
   */
  completionChangesNothing(key: string, run: RunInfo, now: string): boolean {
    const read = this.#fresh(key);
    if (!read) return false;
    const seen = read.snapshot.runs.find((one) => one.id === run.id);
    // A run the read did not know (another replica dispatched it) is news.
    if (!seen || seen.role !== run.role || seen.worker !== run.worker) return false;
    // So is a run the read saw unfinished: what its session wrote before it
    // completed (a pull request, a review, a draft marked ready) may have come
    // after the read, and that write's own event was left to this completion
    // (echoes.ts); unless the read saw its session's last write, and so all it
    // wrote. For a session whose writes are such echoes, a read that listed
    // the run completed is no proof either: it reads the pull requests first
    // and the runs after, so it may hold a fix's draft as it was before
    // publish marked it ready, beside its run completed.
    const echoed = isWorkRole(run.role) || run.role === 'review' || run.role === 'fix';
    const sawItEnd =
      !echoed &&
      seen.status === 'completed' &&
      seen.conclusion === run.conclusion &&
      (seen.attempt ?? 1) === (run.attempt ?? 1);
    if (!sawItEnd && !sawSessionOutput(read.snapshot, run)) return false;
    const runs = read.snapshot.runs.map((one) => (one.id === run.id ? { ...one, ...run } : one));
    return this.#takesIn(key, read, runs, now);
  }

  /**
   * Whether `read` with `runs` in place of its own asks for nothing new
   * (`asksNothingNew`); if so, the read of build `key` takes them in.
   */
  #takesIn(key: string, read: LastRead, runs: RunInfo[], now: string): boolean {
    if (endedUnderHeldPull(read.snapshot, runs)) return false;
    const snapshot = { ...read.snapshot, runs };
    const nothing = asksNothingNew(read, decide({ snapshot, config: read.config, now }));
    if (nothing) {
      const kept = { ...read, snapshot };
      this.#reads.set(key, kept);
      this.#shared?.save(key, kept, this.#keepMs);
    }
    return nothing;
  }
}

/**
 * A read another replica shared, as Redis holds it (anyone who reaches it may have written it):
 * null unless it has a read's shape.
 */
export function sharedReadOf(parsed: unknown): LastRead | null {
  if (!isObject(parsed)) return null;
  const { snapshot, config, view, at, asked, settled, runsSince } = parsed;
  if (!isObject(snapshot) || !Array.isArray(snapshot.runs) || !Array.isArray(snapshot.pulls))
    return null;
  if (!isObject(config) || typeof config.ok !== 'boolean') return null;
  if (typeof view !== 'string' || typeof at !== 'number' || !Number.isFinite(at)) return null;
  if (![asked, settled].every((list) => list === undefined || isStrings(list))) return null;
  if (runsSince !== undefined && typeof runsSince !== 'string') return null;
  return parsed as unknown as LastRead;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStrings(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
