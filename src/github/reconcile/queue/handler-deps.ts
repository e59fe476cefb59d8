import type { AuditEvent } from '../../../core/audit/audit-event.js';
import type { ParsedConfig } from '../../../core/config/config.js';
import type { CommandAnswer } from '../../../core/decide/check-commands.js';
import type { BuildRead } from '../../../core/overview/build-read.js';
import type { AskRecord } from '../../../core/snapshot/ask-record.js';
import type { ActedBuild, ActLog, ActOutcome } from '../../act/act.js';
import type { HeldStatusEdits } from '../../act/held-status-edit.js';
import type { StatusPacer } from '../../act/status-pacer.js';
import type { BuildQueue } from '../../client/build-queue.js';
import type { WriteBudget } from '../../client/pacing/write-budget.js';
import type { SoloProcess } from '../../client/solo-process.js';
import type { RepoContext } from '../../client/types.js';
import type { SetupPullHook } from '../../setup/onboarding.js';
import type { LookSchedule } from '../../store/look-schedule.js';
import type { BatonStore } from '../../store/store.js';
import type { LastReads } from '../pass/last-reads.js';
import type { KnownBuilds } from './known-builds.js';
import type { RecentReconciles } from './recent-reconciles.js';

/** What an event's repository is read with (`repoContext`): the app's login and the installation's other clients. */
export interface ContextDeps {
  botLogin: () => Promise<string>;
  /**
   * The installation's client for another of its repositories, where an event's client covers
   * only its own (the conductor's, docs/serverless.md): a change set acts in several.
   */
  octokitFor?: RepoContext['octokitFor'];
  /** The installation's read-only client, where an event's client sees only its own repository. */
  installationReader?: RepoContext['installationReader'];
  /** A change set's members' read-only client, where an event's client sees only its own repository. */
  membersReader?: RepoContext['membersReader'];
}

/** What a queued reconcile waits beside (`scheduleReconcile`): the queue and what the asks leave for it. */
export interface QueueDeps {
  queue: BuildQueue;
  now: () => string;
  /** Commands taken but not yet checked against their build, by queue key. */
  answers: Map<string, CommandAnswer[]>;
  /**
   * Builds a writer asked to start (`askForBuild`) whose reconcile has not run yet, by queue
   * key: only such a reconcile may create a build; any other reconcile of a build GitHub does not
   * show (no build branch, no status comment) does nothing.
   */
  starts?: Set<string>;
  /**
   * The record of the ask (`askForBuild`) that goes with a start, by queue key, the first
   * one heard: the reconcile that creates the build's status comment writes it there.
   */
  asks?: Map<string, AskRecord>;
  /** The settings a handler read for a build's next reconcile, by queue key: read once an event. */
  configs?: Map<string, ParsedConfig>;
  /**
   * Why each reconcile waiting in the queue was asked for, by queue key: an event the
   * last read may hold already (`NoNews`), or null for any other. Taken by the reconcile
   * when it starts: it reads the build only if one of them may bring news.
   */
  asked?: Map<string, (NoNews | null)[]>;
  /** Holds a build for one reconcile across replicas (`BatonStore.holdBuild`); none: this process's queue alone. */
  holdBuild?: BatonStore['holdBuild'];
  /** Hears what each reconcile did, keyed `owner/repo#build` (metrics). */
  onReconciled?: (key: string, outcomes: ActOutcome[]) => void;
  /**
   * Reconcile a build again at once after a pass that wrote, at most `limit` times in a
   * row per build: for a door that hears none of the events its own writes cause (the
   * conductor workflow's job, src/conductor/), where the hosted app waits for them.
   */
  againAfterWrites?: { limit: number; passes: Map<string, number> };
}

/** How a reconcile's writes are paced: the status comment's edits and the installation's write budget. */
export interface PaceDeps {
  /** Paces status comment edits per build; none: every change is edited at once. */
  statusPacer?: StatusPacer;
  /** The status edits the pacer deferred, made when their time comes without a new read. */
  heldEdits: HeldStatusEdits;
  /** One write budget for every installation (tests); else each client's own (`writeBudgetOf`). */
  writeBudget?: WriteBudget;
}

/** What this process remembers of the builds it read, and when it looks at each again. */
export interface ReadDeps {
  /** When this process last read each build whole: the resync passes over one read lately. */
  recent?: RecentReconciles;
  /** The builds of each repository this process knows, which the resync goes by between listings. */
  known?: KnownBuilds;
  /** What this process last read of each build: a run's completion that changes nothing starts no reconcile. */
  lastReads?: LastReads;
  /** When each build is looked at again without an event (`nextLook`, a failed write); none: never. */
  looks?: LookSchedule;
  /** Per build, how many passes in a row had a write GitHub failed (`failedWriteRetryMs`). */
  failedPasses?: Map<string, number>;
}

/** What the reconcile itself is handed besides the build (`ReconcileRequest`). */
export interface ReconcileDeps {
  /** Onboarding, when on: a build whose workflow is missing links the setup PR. */
  setupPull?: SetupPullHook;
  /** The installation's daily cap (`BATON_INSTALLATION_DAILY_USD`); none: no such cap. */
  installationDailyUsd?: number | null;
  /** Hears each build a reconcile read whole, as its status rendered it (the page's board, src/page/). */
  onRead?: (read: BuildRead) => void;
  /** Hears each build's pass once it is done, with what it did (the traces, src/telemetry/). */
  onActed?: (acted: ActedBuild) => void;
  /**
   * Hears the audit trail's events of a write made beside a build's pass, once it went:
   * a command's 👀, a refusal's note, a change set's revert (the audit stream, src/telemetry/).
   */
  onAudit?: (events: readonly AuditEvent[]) => void;
  /**
   * Hears each build a reconcile read whole, once the reconcile is done, and is awaited
   * (a tracker's issue kept current, src/server/trackers/tracker-echo.ts); it never throws.
   */
  afterRead?: (read: BuildRead) => Promise<void>;
  /**
   * This process shares no store with other processes of the app, which may run all the same
   * (`SoloProcess`: how it dispatches beside them, and says it sees them); none: whatever
   * reconciles a build holds it alone (Redis's lease, the conductor's concurrency group).
   */
  solo?: SoloProcess;
}

/** Everything a queued reconcile of a build needs, from its queueing to its next look. */
export type ScheduleDeps = QueueDeps & PaceDeps & ReadDeps & ReconcileDeps;

/** What a comment's handler remembers besides (`onIssueComment`). */
export interface CommentDeps {
  /** People refused on an issue already (`owner/repo#issue login`): refused once, then ignored. */
  refused?: Set<string>;
}

/** What the app hands every handler: each takes the part of it that it uses. */
export type HandlerDeps = ContextDeps & ScheduleDeps & CommentDeps;

/**
 * An event that may bring nothing the build's last read lacks (`LastReads`): `judge`
 * says so, when the reconcile it asks for would start; `why` is logged when it does.
 */
export interface NoNews {
  judge: () => boolean | Promise<boolean>;
  why: string;
}

/** The little of a Probot context the adapter needs. */
export interface EventContext {
  /** The webhook delivery's id (`X-GitHub-Delivery`). */
  id: string;
  octokit: RepoContext['octokit'];
  repo(): { owner: string; repo: string };
  /** The app's installation GitHub delivered the event for. */
  payload?: { installation?: { id: number } | null | undefined };
}

/** A logger that can carry fields on every line it writes (pino's child loggers). */
export interface BuildLog extends ActLog {
  child(bindings: Record<string, unknown>): BuildLog;
}

/** The repository an event is of, as every handler reads and writes it. */
export async function repoContext(context: EventContext, deps: ContextDeps): Promise<RepoContext> {
  const { owner, repo } = context.repo();
  const installationId = context.payload?.installation?.id;
  return {
    octokit: context.octokit,
    owner,
    repo,
    botLogin: await deps.botLogin(),
    ...(installationId ? { installationId } : {}),
    ...(deps.octokitFor ? { octokitFor: deps.octokitFor } : {}),
    ...(deps.installationReader ? { installationReader: deps.installationReader } : {}),
    ...(deps.membersReader ? { membersReader: deps.membersReader } : {}),
  };
}
