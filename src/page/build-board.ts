import type { BuildRead } from '../core/overview/build-read.js';
import { BoundedMap } from '../github/client/bounded-map.js';

/** How many builds the board keeps at most: the least recently read go first. */
export const BOARD_LIMIT = 1_000;

/**
 * Every build as this process's reconciles last read it: what the page shows,
 * so a page view reads no build from GitHub (the reconciles, the resync and
 * the looks read each one anyway). Pacing, not state: after a restart the
 * board fills as the first resync reads every open build (`RESYNC_MAX_BUILDS`
 * a repository each pass), and each row says when it was read. With replicas,
 * each keeps the builds it reconciled (docs/mission-control.md).
 */
export class BuildBoard {
  readonly #reads: BoundedMap<BuildRead>;
  readonly #keys = new Set<string>();

  constructor(limit = BOARD_LIMIT) {
    this.#reads = new BoundedMap(limit);
  }

  /**
   * A reconcile read `read`'s build whole: it replaces the build's last read.
   * The status comment's body (up to 64 KB, and rendered from the same view)
   * is not kept.
   */
  note(read: BuildRead): void {
    const key = keyOf(read.repository, read.snapshot.build);
    const { statusComment } = read.snapshot;
    const snapshot = statusComment
      ? { ...read.snapshot, statusComment: { ...statusComment, body: '' } }
      : read.snapshot;
    this.#reads.set(key, { ...read, snapshot });
    this.#keys.add(key);
  }

  /** Every build kept, in no order. */
  reads(): BuildRead[] {
    const reads: BuildRead[] = [];
    for (const key of this.#keys) {
      const read = this.#reads.get(key);
      if (read) reads.push(read);
      else this.#keys.delete(key);
    }
    return reads;
  }

  get size(): number {
    return this.reads().length;
  }

  clear(): void {
    this.#reads.clear();
    this.#keys.clear();
  }
}

function keyOf(repository: string, build: string): string {
  return `${repository}/${build}`.toLowerCase();
}
