import type { Config } from '../config/config.js';
import type { ConfigProblem, IgnoredSetting } from '../config/config-problems.js';
import type { RepeatRate } from '../memory/repeat-rate.js';
import type { Plan } from '../plan/plan.js';
import type { SessionRole } from '../sessions/session.js';
import type { DailyCapHold } from '../snapshot/daily-spend.js';
import type { BuildEstimate } from '../snapshot/estimate.js';
import type { Tally } from '../snapshot/ledger.js';
import type { MemoryPull, PullInfo } from '../snapshot/snapshot.js';
import type { ContractState } from '../verification/contract-state.js';
import type { Engine } from '../vocabulary/engine-names.js';

/** A link to a run or PR, as the status comment shows it. */
export interface Link {
  label: string;
  url: string;
}

/** Where files of the build record can be linked: `<repoUrl>/blob/<branch>/<path>`. */
export interface RepoLinks {
  repoUrl: string;
  /** A commit sha where known (a permalink), else a branch name. */
  branch: string;
}

/**
 * What the status comment shows, one variant per phase of a build.
 * `renderStatus(view)` turns it into markdown with the hidden marker.
 */
export type StatusView = PhaseView & {
  /** In an improvement series (`/improve`), its loops, shown under the phase. */
  series?: SeriesView;
  /** `session.network: open`: the model's commands may reach any host, and the comment says so. */
  networkOpen?: boolean;
  /** The organisation's policy (docs/governance.md): the repository's settings it ignored, and where it lives. */
  policyIgnored?: { source: string; ignored: IgnoredSetting[] };
  /** The issue is closed, but not by anyone who steers the build: it goes on, and the comment says why. */
  ignoredClose?: IgnoredClose;
  /** A change set (docs/change-sets.md): its repositories, one line each, under the phase. */
  changeSet?: ChangeSetView;
};

/** A change set's repositories, as the set's status shows them (docs/change-sets.md). */
export interface ChangeSetView {
  /** The repository of the set's issue, `owner/name`. */
  home: string;
  /** Every repository of the set, in the order their final pull requests land. */
  repositories: SetRepositoryLine[];
  /** Planning reads the other repositories; false: the issue's repository alone, and why. */
  planning?: { across: boolean; repositories: string[]; why?: string };
  /** `/rollback` taken: by whom, and when. */
  rollback?: { by: string; at: string } | null;
}

/** One repository of a change set, one line of the status. */
export interface SetRepositoryLine {
  /** `owner/name`. */
  name: string;
  url: string;
  /** Its workers, and how many are merged or skipped. */
  workers: number;
  done: number;
  /** What its workers will likely cost (the plan's estimate), before the set runs. */
  estimateUsd?: number;
  /** The repositories it lands after. */
  after: string[];
  /** Its member build's branch, once made. */
  branch: Link | null;
  /** Where it stands, in a word (`SetRepositoryState`), and why, in a few. */
  state: SetRepositoryState;
  note: string | null;
  final: { number: number; url: string; state: 'open' | 'closed' | 'merged' } | null;
  /** `baton/change-set` released its final pull request. */
  released: boolean;
  revert: { number: number; url: string; state: 'open' | 'closed' | 'merged' } | null;
}

/**
 * `planned`: before the set is approved; `starting`: its part is being copied
 * over; `running`: its workers are at work; `held`: what it depends on
 * elsewhere failed or is cancelled; `attention`: a worker needs a person or
 * failed; `landing`: its final pull request is open; `merged`; `cancelled`.
 */
export type SetRepositoryState =
  | 'planned'
  | 'starting'
  | 'running'
  | 'held'
  | 'attention'
  | 'landing'
  | 'merged'
  | 'cancelled';

/** One variant per phase of a build. */
export type PhaseView =
  /** An improvement series between plans: researching, summarising, or ended without work. */
  | { phase: 'improving'; build: string }
  | {
      phase: 'planning';
      build: string;
      run: Link | null;
      replan: boolean;
      /** The daily caps that hold the plan's session from starting; absent when none does. */
      daily?: DailyCapHold[];
      /** The budget stopped the plan's session: what it needs to run again by itself. */
      money?: string;
    }
  | { phase: 'plan-failed'; build: string; run: Link }
  | { phase: 'plan-invalid'; build: string; problems: string[]; links: RepoLinks }
  | {
      phase: 'plan-ready';
      build: string;
      plan: Plan;
      config: Config;
      links: RepoLinks;
      /** What the workers will likely cost (src/core/snapshot/estimate.ts), and what planning cost. */
      estimate: BuildEstimate;
      spent: Tally;
    }
  | { phase: 'config-invalid'; build: string; file: string; problems: ConfigProblem[] }
  | { phase: 'missing-workflow'; build: string; workflowPath: string; setupPull: Link | null }
  | ProgressStatusView;

/** How one worker stands, as the running build's status shows it. */
export type WorkerDisplayState =
  | 'waiting'
  | 'ready'
  | 'queued'
  | 'working'
  | 'reviewing'
  | 'fixing'
  | 'checks'
  | 'approved'
  | 'needs-human'
  /** Its session stopped short of the brief and handed in what works as a draft PR: `/continue` goes on. */
  | 'partial'
  /** The budget or the day's cap stopped its session: it runs again once there is money. */
  | 'awaiting-budget'
  | 'failed'
  /** Its session said a criterion cannot be met: nothing more runs for it until a person answers. */
  | 'impossible'
  | 'merged'
  | 'skipped';

/** One row of the workers table. */
export interface WorkerRow {
  id: string;
  title: string;
  dependsOn: string[];
  state: WorkerDisplayState;
  /** Why it failed or waits, in a few words. */
  note: string | null;
  /** What a person can type next, such as `/retry W1.2`. */
  hint: string | null;
  /** It waits for a person by risk (`verification.autonomy`): news once the build stands for it. */
  waitsByRisk?: true;
  /** Approved, and GitHub holds its merge until a person does what it asks (src/core/workers/merge-hold.ts). */
  heldByGitHub?: true;
  /** The worker's latest session run. */
  run: Link | null;
  pull: Link | null;
  /** Work sessions started for it. */
  attempts: number;
  /** Every token its sessions (work, review, fix) spent, from the build's ledger; null before any. */
  tokens: number | null;
  /** What its sessions cost, from the same ledger; null before any. */
  costUsd: number | null;
  /** Its sessions of every role the ledger counts (work, review, fix, continuations): 0 before any. */
  sessions: number;
  /** Its PR's review history, oldest first. */
  rounds: ReviewRound[];
  /** The engine of its latest work or fix session, or the one its next would run on. */
  engine: Engine;
  /** In a change set, the repository it changes (`owner/name`). */
  repository?: string;
}

/** A worker's row before anything has run for it: waiting, nothing run or spent. */
export function waitingWorkerRow({
  id,
  title,
  dependsOn,
  engine,
}: Pick<WorkerRow, 'id' | 'title' | 'dependsOn' | 'engine'>): WorkerRow {
  return {
    id,
    title,
    dependsOn,
    state: 'waiting',
    note: null,
    hint: null,
    run: null,
    pull: null,
    attempts: 0,
    tokens: null,
    costUsd: null,
    sessions: 0,
    rounds: [],
    engine,
  };
}

/** One step of a worker PR's review: a verdict, or a new head that answered a request. */
export type ReviewRound = 'changes-requested' | 'fixed' | 'approved';

/** One command taken, for the short history under the table. */
export interface CommandEntry {
  author: string;
  /** The command as written, shortened: `/retry W1.2 use the new API`. */
  text: string;
  at: string;
}

/** Everything the status of a build past its plan shows. */
export interface BuildProgress {
  build: string;
  issue: number;
  /** The plan's title. */
  title: string;
  workers: WorkerRow[];
  /** Counts of workers, and the build's spend from its ledger (src/core/snapshot/ledger.ts). */
  totals: {
    merged: number;
    skipped: number;
    total: number;
    tokens: number;
    costUsd: number;
    /** Sessions counted, and how many of them are estimates (no usage record). */
    sessions: number;
    estimated: number;
    /** Spend by role: plan, work, review, fix. */
    byRole: Record<SessionRole, Tally>;
    /** Records under the build's usage refs tied to no run of it Baton dispatched: not counted. */
    uncounted?: number;
  };
  /** Set while `/pause` is in force. */
  paused: { by: string; at: string } | null;
  /** `reached`: the build's sessions cost `maxUsd` or more, so nothing new is dispatched. */
  budget: {
    maxUsd: number | null;
    reached: boolean;
    /** The daily caps reached (the repository's, the installation's); absent when none is. */
    daily?: DailyCapHold[];
  };
  finalPull: {
    number: number;
    url: string;
    state: 'open' | 'closed' | 'merged';
    /** Whether GitHub would merge it now; absent: not known. */
    mergeState?: PullInfo['mergeState'];
  } | null;
  /** The learn session's pull request and how many lessons it proposes, once opened. */
  memoryPull?: MemoryPull;
  /** The findings of Baton's reviews given lessons, and those that repeat one; absent: no such review. */
  repeats?: RepeatRate;
  /**
   * Follow-up questions the newest synthesis of a research build proposed (the
   * ids of the workers it would run), waiting for `/approve` or skipped by
   * `/skip follow-ups`; absent in other builds.
   */
  followUps?: { round: number; workers: string[]; state: 'proposed' | 'skipped' } | null;
  /** A research build's synthesis session, once dispatched; absent in other builds. */
  synthesis?: {
    /**
     * `retrying`: the newest attempt failed and a `/retry synthesis` waits to start (a pause or the budget holds it);
     * `awaiting-budget`: the budget stopped it, and it runs again by itself once there is money (`money` says what it needs).
     */
    state: 'running' | 'succeeded' | 'failed' | 'retrying' | 'awaiting-budget';
    money?: string;
    /** The newest attempt's run. */
    url: string;
    /** Synthesis runs so far. */
    attempts: number;
  } | null;
  /** The last commands taken, oldest first. */
  history: CommandEntry[];
  links: RepoLinks;
  /** Briefs revised (or being revised) after a merged worker's learnings, by source worker. */
  adaptations?: AdaptationView[];
  /** The contract's state (docs/verification.md), where the plan names criteria or a contract exists. */
  contract?: ContractState;
  /** The newest messages to workers' sessions (`/steer`, `/queue`) and where each stands; absent when none. */
  messages?: MessageView[];
  /** Each milestone's validation against the contract, oldest first; absent in a build without a contract. */
  validations?: ValidationView[];
  /** Records under the build's validation refs that no validation run of Baton's wrote, ignored; absent: none. */
  ignoredValidations?: number;
  /**
   * The workers waiting for a person by risk (`verification.autonomy`), once the build cannot
   * go on without them (src/core/rules/autonomy-holds.ts); absent while anything else goes on.
   */
  waitsForPerson?: string[];
}

/**
 * A milestone's validation (docs/verification.md): `running` (dispatched, no
 * record yet), `passed`, `failed` with the checks that failed and the fix
 * worker each was given (null: none could be added; `unproven`: passed before the work), or
 * `session-failed` (the session ended without a record; a new build branch
 * head starts another), or `awaiting-budget` (the budget or the day's cap
 * stopped it; it runs again once there is money).
 */
export interface ValidationView {
  milestone: number;
  /**
   * `accepted`: every failure a check not proven whose contract fix a person skipped.
   * `breach`: the contract it ran is not the one Baton's publish sealed (src/core/verification/seal-binding.ts).
   */
  state:
    | 'running'
    | 'passed'
    | 'accepted'
    | 'failed'
    | 'breach'
    | 'session-failed'
    | 'awaiting-budget';
  /** `awaiting-budget`: what the session's wait for money says (src/core/context/money-waits.ts); `breach`: what broke the seal's binding. */
  note?: string;
  /** The head validated (a record's) or being validated. */
  head: string;
  url: string | null;
  /** Each check that failed or is not proven, its fix worker, and who skipped that worker. */
  failed: { check: string; worker: string | null; unproven?: true; skippedBy?: string }[];
}

/**
 * A message to a worker's sessions: `sent` to the session running (no receipt
 * yet), `queued` for its next session, `taken` in by a session at `turn`, or
 * `unread` (its worker merged or was skipped first).
 */
export interface MessageView {
  worker: string;
  kind: 'steer' | 'queue';
  author: string;
  /** The comment that carries it. */
  url: string;
  state: 'sent' | 'queued' | 'taken' | 'unread';
  /** `taken`: the turn (model request, from 1) that first read it, and the session's run. */
  turn?: number;
  run?: Link;
  /** A `/steer` kept for the next session: no session of its worker ran, or the one running ended first. */
  queuedSteer?: 'no-session' | 'session-ended';
}

/**
 * One adaptation: a merged worker's completion named workers not started yet,
 * and a plan session in adapt mode revises their briefs before they start.
 * `pending`: no session may start yet (the budget or a daily cap is reached);
 * `revising`: the session is running; `awaiting-approval`: revised, held for
 * `/approve`; `applied`: revised and released; `unchanged`: the session
 * changed no brief; `failed`: the workers start with their old briefs.
 */
export interface AdaptationView {
  source: string;
  state: 'pending' | 'revising' | 'awaiting-approval' | 'applied' | 'unchanged' | 'failed';
  /** The workers it is for: the briefs changed once recorded, else the ones named. */
  workers: string[];
  run: Link | null;
  /** A compare URL from the build branch before the revision to the commit with it. */
  diff: string | null;
}

/** Who stopped a build: a `/cancel` comment, or null when the issue was closed. */
export interface Cancellation {
  by: string;
  at: string;
  /** Cancelled by closing the issue, not by `/cancel`. */
  closed?: true;
}

/**
 * A build on a pull request's branch (the pull-label door) stopped before its final
 * pull request: the branch was deleted, or the pull request closed.
 */
export interface BaseGone {
  why: 'deleted' | 'closed';
  pull: number;
  branch: string;
}

/** The issue closed by someone who cannot steer the build (or by no one GitHub names): it goes on. */
export interface IgnoredClose {
  by: string | null;
  at: string | null;
}

/** The phases `renderProgress` draws (src/core/status/render-progress.ts). */
export type ProgressStatusView =
  | { phase: 'running'; build: string; progress: BuildProgress }
  | { phase: 'done'; build: string; progress: BuildProgress | null }
  | {
      phase: 'cancelled';
      build: string;
      progress: BuildProgress | null;
      cancelledBy: Cancellation | null;
      /** Stopped because its base went (the pull-label door), not by a person. */
      stopped?: BaseGone;
    };

/** Where one improvement loop stands. */
export type LoopStage =
  | 'researching'
  | 'research-failed'
  /** The budget stopped the loop's research: it runs again by itself once there is money. */
  | 'research-awaiting-budget'
  | 'nothing-worth-doing'
  | 'planning'
  | 'working'
  | 'summarizing'
  | 'summary-failed'
  /** The budget stopped the loop's summary: it runs again by itself once there is money. */
  | 'summary-awaiting-budget'
  | 'done';

/** One loop of an improvement series, as the status comment lists it. */
export interface LoopView {
  loop: number;
  stage: LoopStage;
  /** The loop's latest research, plan or summary run. */
  run: Link | null;
  /** Record paths, once the research (findings) or the summary session wrote them. */
  findings: string | null;
  summary: string | null;
  /** The workers its plan added. */
  workers: string[];
}

/** An improvement series: what `/improve` asked for, and each loop so far. */
export interface SeriesView {
  /** Loops asked for. */
  asked: number;
  /** Who wrote the `/improve`. */
  by: string;
  loops: LoopView[];
  /** Why no further loop starts: research found nothing worth doing, or every loop ran. */
  ended: 'nothing-worth-doing' | 'all-loops' | null;
  /** A `/pause` holds the next session of the series. */
  paused: boolean;
  /** The budget (`budget.maxUsd`, for the whole series) is spent: no session starts. */
  budgetReached: boolean;
  /** The loop's research or summary the budget stopped: what it needs to run again by itself. */
  money?: string;
  links: RepoLinks;
}

/**
 * Whether this status is the first to show the build's final pull request:
 * that edit is made at once, past the pacing of status edits and the write
 * budget's deferral, because the final pull request's notice sends people to
 * the status comment, and no later change of the build would carry it.
 */
export function firstShowsFinalPull(view: StatusView, shownBody: string | undefined): boolean {
  if (view.phase !== 'running') return false;
  const final = view.progress.finalPull;
  return final !== null && !(shownBody ?? '').includes(final.url);
}
