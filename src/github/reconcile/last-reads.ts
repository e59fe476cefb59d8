import type { ParsedConfig } from '../../core/config/config.js';
import { decide } from '../../core/decide/decide.js';
import type { BuildSnapshot, RunInfo } from '../../core/snapshot/snapshot.js';

/**
 * What this process last read of each build, so that the completion of one
 * of its session runs can be judged by what the webhook carries instead of
 * reading the build again (the build query and the run listing).
 *
 * A `workflow_run.completed` payload carries the run whole: its name (role,
 * worker, trigger), conclusion and times. Put into the last read in place of
 * what that read saw of the run, it asks `decide` what the completion alone
 * changes. When that is nothing (no write, no look again, the same status) the
 * event starts no reconcile: its news was already in sight (a work run whose
 * pull request a CI event's reconcile saw and had reviewed). Anything else
 * (a run that ended without its result, a failure, a status that changes) is
 * read afresh, as every event was before. Any other change since the last
 * read comes with an event of its own, and a lost one is healed by the resync
 * as ever.
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
}

/** A read older than this stands for nothing: a reconcile reads the build afresh. */
export const MAX_AGE_MS = 10 * 60_000;

export class LastReads {
  readonly #reads = new Map<string, LastRead>();
  readonly #limit: number;
  readonly #clock: () => number;

  constructor({ limit = 200, clock = Date.now }: { limit?: number; clock?: () => number } = {}) {
    this.#limit = limit;
    this.#clock = clock;
  }

  /** Build `key` was read whole, as `read` says; null forgets it (a read whose writes failed). */
  note(key: string, read: Omit<LastRead, 'at'> | null): void {
    this.#reads.delete(key);
    if (!read) return;
    this.#reads.set(key, { ...read, at: this.#clock() });
    if (this.#reads.size > this.#limit) {
      const oldest = this.#reads.keys().next().value;
      if (oldest !== undefined) this.#reads.delete(oldest);
    }
  }

  /**
   * Whether the completion of `run`, as its webhook carries it, changes nothing
   * of build `key` as this process last read it; if so, the read takes it in.
   */
  completionChangesNothing(key: string, run: RunInfo, now: string): boolean {
    const read = this.#reads.get(key);
    if (!read || this.#clock() - read.at > MAX_AGE_MS || !read.config.ok) return false;
    const seen = read.snapshot.runs.find((one) => one.id === run.id);
    // A run the read did not know (another replica dispatched it) is news.
    if (!seen || seen.role !== run.role || seen.worker !== run.worker) return false;
    const snapshot = {
      ...read.snapshot,
      runs: read.snapshot.runs.map((one) => (one.id === run.id ? { ...one, ...run } : one)),
    };
    const actions = decide({ snapshot, config: read.config, now });
    const nothing = actions.every(
      (action) => action.kind === 'render-status' && JSON.stringify(action.view) === read.view,
    );
    if (nothing) this.#reads.set(key, { ...read, snapshot });
    return nothing;
  }
}
