import type { RepoContext } from '../../client/types.js';
import type { BuildRef } from './locate-build.js';

/**
 * How long the resync goes by a repository's builds as this process knows
 * them before it lists the build branches again (`KnownBuilds`).
 */
export const RELIST_MS = 60 * 60_000;

/**
 * The builds of each repository the periodic resync reconciles: those its
 * last listing of build branches found (`git/matching-refs/heads/baton/`), and
 * those this process has reconciled since, for any event. The listing holds
 * every worker branch and changes with each branch made and each merge, so
 * during a build it is seldom answered 304: it is asked at the first resync
 * and then once it is `RELIST_MS` old, not at every resync. Only a build this
 * process never heard of (one started since the listing whose every event
 * went to another replica) waits for the next listing.
 *
 * Pacing, not state: after a restart nothing is known, and the first resync
 * lists every repository.
 */
export class KnownBuilds {
  readonly #repos = new Map<
    string,
    { listedAt: number; builds: Map<string, { ref: BuildRef; seenAt: number }> }
  >();
  readonly #clock: () => number;
  readonly #relistMs: number;

  constructor({ clock = Date.now, relistMs = RELIST_MS } = {}) {
    this.#clock = clock;
    this.#relistMs = relistMs;
  }

  /** A reconcile of `ref` was asked for: the repository's next resyncs include it. */
  saw(ctx: Pick<RepoContext, 'owner' | 'repo'>, ref: BuildRef): void {
    this.#repos.get(repoOf(ctx))?.builds.set(ref.build, { ref, seenAt: this.#clock() });
  }

  /**
   * The builds to resync: the repository's listing (`list`) when it is due,
   * with the builds seen while it was read; else those known.
   */
  async of(
    ctx: Pick<RepoContext, 'owner' | 'repo'>,
    list: () => Promise<BuildRef[]>,
  ): Promise<BuildRef[]> {
    const key = repoOf(ctx);
    const startedAt = this.#clock();
    let known = this.#repos.get(key);
    if (!known) {
      // Events of the repository from now on are noted while it is listed.
      known = { listedAt: Number.NEGATIVE_INFINITY, builds: new Map() };
      this.#repos.set(key, known);
    }
    if (startedAt - known.listedAt >= this.#relistMs) {
      const listed = await list();
      const seenSince = [...known.builds.values()].filter((build) => build.seenAt >= startedAt);
      known.listedAt = startedAt;
      known.builds = new Map(
        [...listed.map((ref) => ({ ref, seenAt: startedAt })), ...seenSince].map((build) => [
          build.ref.build,
          build,
        ]),
      );
    }
    return [...known.builds.values()].map((build) => build.ref);
  }
}

function repoOf(ctx: Pick<RepoContext, 'owner' | 'repo'>): string {
  return `${ctx.owner}/${ctx.repo}`;
}
