import type { PacerRegistry } from '../client/pacing/pace-requests.js';
import { createLookSchedule, type Look, type LookSchedule } from './look-schedule.js';

/**
 * What several processes of the app must share, behind one seam: the
 * installations' pacing (request spacing, the write budget: writes made,
 * what builds owe, waiters and turns), when each build is looked at again,
 * the builds' last reads,
 * which replica reconciles a build, which handles a webhook delivery, and
 * which runs the periodic resync. GitHub stays the database: none of it is a
 * build's truth, and losing all of it costs requests, never a wrong write.
 *
 * Two implementations: one process keeps everything in memory (the default,
 * nothing else to run), and `REDIS_URL` shares it through Redis
 * (src/github/store/redis-store.ts).
 */
export interface BatonStore {
  readonly kind: 'memory' | 'redis';
  /** The installations' pacing (`paceRequests`), shared by every replica that uses this store. */
  readonly pacing: PacerRegistry;
  /** When each build is looked at again without an event. */
  readonly looks: LookSchedule;
  /** The builds' last reads, shared by replicas (`LastReads`); in one process, its own. */
  readonly reads?: SharedReads;
  /**
   * Hands every look that falls due on this replica to `run`, wherever it was set (a replica
   * may die with looks set), as the build's key alone and whether it is a wake (a waiting
   * dispatch the write budget woke on another replica); in one process looks queue their
   * reconcile themselves.
   */
  takeLooks(run: (key: string, woken: boolean) => void): void;
  /**
   * Holds build `key` for one reconcile, across replicas; null when another replica holds
   * it (ask again shortly). Either way `look` is kept for the build, so that a replica
   * that dies mid-reconcile delays it by the lease at most. Without `look` (a held status
   * edit, which leaves nothing to look at should it die), no look is kept.
   */
  holdBuild(key: string, look?: Look): Promise<BuildHold | null>;
  /** Whether this replica handles the webhook delivery `id` (`X-GitHub-Delivery`): the first to ask does. */
  claimDelivery(id: string): Promise<boolean>;
  /** Whether this replica leads (runs the periodic resync) for the next `forMs`; asked at each resync. */
  lead(forMs: number): Promise<boolean>;
  /** What `/readyz` and `baton doctor` say of the store: null when it answers, else why not. */
  problem(): Promise<string | null>;
  close(): Promise<void>;
}

/**
 * Where replicas share the builds' last reads (`LastReads`, which says what a read is): the
 * replica a delivery reaches judges it against the build's newest read, whichever replica made
 * it. Pacing, not state: a read only ever spares a reconcile's reads, never makes a write.
 */
export interface SharedReads {
  /** Keeps build `key`'s read taken `at` for `keepMs`, unless one taken later is kept; null forgets it. */
  save(key: string, read: { at: number } | null, keepMs: number): void;
  /** The newest read of build `key` kept, as JSON parsed (read as anyone may have written it), or null. */
  load(key: string): Promise<unknown>;
}

/** A build held for one reconcile. */
export interface BuildHold {
  /**
   * Whether this replica surely holds the build still: its lease was taken or last renewed
   * less than half a lease ago, and no renewal found another replica holding it. A write
   * that must not happen twice with no lock GitHub keeps for it (a dispatch) is sent only
   * while it does: a lapsed lease's build may be another replica's now, which sends it
   * itself. Absent: held until released (one process's queue).
   */
  held?(): boolean;
  release(): Promise<void>;
}

const HELD: BuildHold = { release: async () => undefined };

/**
 * One process: the pacing of its clients, looks as timers, and every build,
 * delivery and resync its own (its build queue runs one reconcile of a build
 * at a time).
 */
export function createMemoryStore({
  pacing,
  looks = createLookSchedule(),
}: {
  pacing: PacerRegistry;
  looks?: LookSchedule;
}): BatonStore {
  return {
    kind: 'memory',
    pacing,
    looks,
    takeLooks: () => undefined,
    holdBuild: async () => HELD,
    claimDelivery: async () => true,
    lead: async () => true,
    problem: async () => null,
    close: async () => looks.stop(),
  };
}
