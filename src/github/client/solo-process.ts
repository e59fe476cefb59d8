import type { SessionRequest } from '../../core/sessions/session.js';
import type { RunInfo } from '../../core/snapshot/snapshot.js';
import { BoundedMap } from './bounded-map.js';

/** How long a dispatch may take from taking its lock to being sent; past it, it is not sent. */
export const SEND_WITHIN_MS = 90_000;
/**
 * How long a lock must stand with no run to show for it, as this process saw it, before
 * this process takes the dispatch over: the holder's `SEND_WITHIN_MS`, and half a minute
 * for a request on its way and GitHub's listing of the run it made.
 */
export const ORPHAN_GRACE_MS = SEND_WITHIN_MS + 30_000;
/** How far GitHub's times and this process's clock may differ, for telling its runs from others'. */
const CLOCK_SKEW_MS = 60_000;
/** How often the log says again that another process dispatches too. */
const WARN_EVERY_MS = 60 * 60_000;

/** A log that can warn. */
interface WarnLog {
  warn(details: object, message: string): void;
}

/**
 * A process of the app that shares no store with others (`REDIS_URL` unset:
 * src/github/store/store.ts): nothing holds a build for it across processes,
 * so it cannot tell a lock another process took a moment ago from one whose
 * process died before it dispatched. It keeps to two rules, and says when it
 * sees that it is not alone:
 *
 * - it sends a dispatch within `SEND_WITHIN_MS` of taking its lock, or never
 *   (a rate limit may hold the request back for minutes): `deadline`;
 * - it takes over a lock with no run only once it has seen it so for
 *   `ORPHAN_GRACE_MS` (`orphanFor`), and then through a takeover ref only one
 *   process creates (src/github/act/dispatch-session.ts).
 *
 * What it remembers saves nothing and decides nothing that is done: forgotten
 * (a restart), a lock's grace starts again and a warning may come again.
 */
export class SoloProcess {
  readonly sendWithinMs: number;
  readonly graceMs: number;
  readonly #now: () => number;
  readonly #deadline: () => AbortSignal;
  readonly #startedAt: number;
  /** When this process first saw each lock with no run (ms, its clock). */
  readonly #orphans = new BoundedMap<number>(2_000);
  /** The runs this process dispatched, by id, and the dispatches whose run it could not tell, by name. */
  readonly #mine = new BoundedMap<true>(5_000);
  #warnedAt: number | null = null;

  constructor({
    now = Date.now,
    sendWithinMs = SEND_WITHIN_MS,
    graceMs = ORPHAN_GRACE_MS,
    deadline,
  }: {
    now?: () => number;
    sendWithinMs?: number;
    graceMs?: number;
    /** The signal that ends a dispatch's time to be sent (tests); default a timer of `sendWithinMs`. */
    deadline?: () => AbortSignal;
  } = {}) {
    this.#now = now;
    this.sendWithinMs = sendWithinMs;
    this.graceMs = graceMs;
    this.#deadline = deadline ?? (() => AbortSignal.timeout(sendWithinMs));
    this.#startedAt = now();
  }

  /** A dispatch's time to be sent, from the moment its lock is taken. */
  deadline(): AbortSignal {
    return this.#deadline();
  }

  /** How long this process has seen lock `ref` with no run to show for it (0 the first time). */
  orphanFor(ref: string): number {
    const now = this.#now();
    const first = this.#orphans.get(ref);
    if (first === undefined) this.#orphans.set(ref, now);
    return now - (first ?? now);
  }

  /** Whether this process saw lock `ref` taken before. */
  sawTaken(ref: string): boolean {
    return this.#orphans.has(ref);
  }

  /**
   * Lock `ref` is no orphan (its run is listed, or this process took it): a later sight
   * of it with no run starts its grace afresh, as another process may have taken it anew.
   */
  forget(ref: string): void {
    this.#orphans.delete(ref);
  }

  /** This process dispatched `request`: its run, or, where GitHub did not say which, its name. */
  dispatched(request: SessionRequest, run: { id: number } | null): void {
    this.#mine.set(run ? `run ${run.id}` : nameOf(request), true);
  }

  /**
   * Looks at a build's runs for one this app dispatched since this process
   * started that it did not: another process of the app on the same
   * installation, with no store to share. Says so, at most once an hour.
   */
  sawRuns({ build, runs, log }: { build: string; runs: RunInfo[]; log: WarnLog }): void {
    const since = this.#startedAt + CLOCK_SKEW_MS;
    const other = runs.find(
      (run) =>
        run.byBaton !== false &&
        Date.parse(run.createdAt) > since &&
        !this.#mine.has(`run ${run.id}`) &&
        !this.#mine.has(nameOf({ ...run, build })),
    );
    const now = this.#now();
    if (!other || (this.#warnedAt !== null && now - this.#warnedAt < WARN_EVERY_MS)) return;
    this.#warnedAt = now;
    log.warn(
      { buildId: build, run: other.id },
      `baton: another process of this app dispatched run ${other.id} of build ${build}, and this process shares no store with it: each paces GitHub's limits alone (together they can pass the installation's), and a dispatch one of them locked waits ${Math.round(this.graceMs / 1000)} s before the other takes it over. Set REDIS_URL to one Redis for every process of the app (docs/deploy.md "Replicas and Redis"), or run one process`,
    );
  }
}

/** A dispatch's name, as far as telling a run of it goes: build, role, worker, trigger. */
function nameOf(request: {
  build: string;
  role: string;
  worker?: string | null | undefined;
  trigger?: string | null | undefined;
}): string {
  return `name ${request.build} ${request.role} ${request.worker ?? '-'} ${request.trigger ?? '-'}`;
}
