/**
 * A build's snapshot, and beside it in this folder what is read straight off
 * one: its canonical order, the commands folded, the runs given up on, each
 * pull request's verdict, the ledger of spend, the plan's estimate and a
 * research build's follow-up rounds.
 */
import type { Command } from '../commands/command.js';
import type { ConfigProblem } from '../config/config-problems.js';
import type { Contract } from '../plan/contract.js';
import type { Plan } from '../plan/plan.js';
import type { ValidationRecord } from '../plan/validation.js';
import type { AdaptationRecord } from '../records/adaptation.js';
import type { Completion } from '../records/completion.js';
import type { ResearchRead } from '../records/research.js';
import type { UsageRecord } from '../records/usage.js';
import type { Evidence } from '../sessions/evidence.js';
import type { MessageRef } from '../sessions/messages.js';
import type { SessionRole, SessionTrigger } from '../sessions/session.js';
import type { ReviewLessons } from '../sessions/verdict-marker.js';
import type { PolicySource } from '../vocabulary/trailers.js';
import type { AskRecord } from './ask-record.js';
import type { DatedUsage } from './daily-spend.js';
import type { UncountedUsage } from './usage-ties.js';

/**
 * One build as GitHub shows it at one moment: everything `decide()` may look
 * at. `observeBuild` (src/github) fills it; the core never sees an Octokit shape.
 * Times are ISO 8601 strings, as GitHub gives them; `normalizeSnapshot` parses
 * once those the rules compare (`NormalSnapshot`). `now` is passed to `decide` separately.
 */
export interface BuildSnapshot {
  build: string;
  issue: IssueInfo;
  repo: { owner: string; name: string; defaultBranch: string; defaultSha: string };
  /** Whether `.github/workflows/baton.yml` exists on the default branch. */
  workflowInstalled: boolean;
  /** Baton's open "Set up Baton" pull request, if any: the status points to it while the workflow is missing. */
  setupPull?: { number: number; url: string } | null;
  /**
   * The build branch head, or null before it is created. `upToDateRule`: a
   * ruleset of the build branch asks for pull requests tested with its latest
   * code, so a merge puts every other pull request behind.
   */
  integration: { sha: string; containsDefault: boolean; upToDateRule?: boolean } | null;
  /**
   * The build's base where it is not the default branch (`buildBaseBranch`: a build asked
   * through the pull-label door): the branch, its head (null: the branch is gone) and the
   * pull request whose branch it is. `integration.containsDefault` and `finalPull` are then
   * read against this branch. Read through `buildBase`.
   */
  base?: { branch: string; sha: string | null; pull: number };
  plan: PlanRead;
  /**
   * `contract.json` on the build branch (src/core/plan/contract.ts), size-capped
   * like the plan. Absent: none there (read as `missing`).
   */
  contract?: ContractRead;
  /** Completion reports found on the build branch, by worker id. */
  completions: Record<string, CompletionRead>;
  /** The research results of an improvement series (`loops/<n>.json`), by loop number. */
  research?: Record<number, ResearchRead>;
  /** Head sha of each worker branch that exists, by worker id. */
  branches: Record<string, string>;
  pulls: PullInfo[];
  /** Runs of the Baton workflow for this build, oldest first. */
  runs: RunInfo[];
  /** Commands from people allowed to give them, oldest first. */
  commands: CommandInfo[];
  /** The build's final PR, once opened. */
  finalPull: {
    number: number;
    state: 'open' | 'closed' | 'merged';
    url: string;
    /** Whether auto-merge is already enabled on it (absent: unknown, so it is asked for). */
    autoMerge?: boolean;
    /** Whether GitHub would merge it now, as for a worker's pull request; absent: not known. */
    mergeState?: PullInfo['mergeState'];
  } | null;
  /**
   * The learn session's pull request, "What build #N taught" (docs/memory.md), once opened:
   * `lessons` is how many files it changes (each a proposed lesson under `.baton/memory/`,
   * as publish allows nothing else), counted by GitHub. Absent: none opened.
   */
  memoryPull?: MemoryPull;
  /**
   * Baton's status comment, and when it was last edited (GitHub's `updatedAt`, where it is
   * not when the comment was posted): absent where never edited or not read.
   */
  statusComment: { id: number; body: string; editedAt?: string } | null;
  /**
   * The ledger parts Baton posted when the status comment's ledger outgrew it
   * (`src/core/status/ledger-archive.ts`): the highest part's number and the comment
   * ids of the commands they hold (also in `commands`). Absent: none.
   */
  ledgerParts?: { last: number; commandIds: number[] };
  /** Keys of the notices Baton has posted on the issue for this build, from their hidden markers. */
  notices?: string[];
  /**
   * The notes (`comment` actions, posted once by key) Baton's comments on the issue and
   * the open worker pull requests carry, as the build query read them: one seen here is
   * not looked for again. Absent: none read.
   */
  notes?: { number: number; key: string }[];
  /**
   * Baton's notices on the issue and notes on the issue and worker pull requests, each with
   * where and when it was posted: what the audit trail reads of the holds, budget stops,
   * failures and refusals Baton said (docs/governance.md). Absent: none read.
   */
  posted?: PostedComment[];
  /**
   * Who added which label to the issue, oldest first (REST logins), as far as GitHub lists:
   * only those with write access (anyone with triage permission may add a label).
   */
  labelledBy?: { label: string; login: string; at?: string }[];
  /**
   * The ask that started the build, as its status comment records it (`ask-record.ts`):
   * who asked, which way, when, for what. Absent: a build started before the record, or
   * one whose status comment is not written yet; the build label's event stands in.
   */
  ask?: AskRecord;
  /**
   * The usage records sessions' publish jobs left (`refs/baton/<build>/usage/<run>`),
   * one per run: what each session spent, failed ones included. Only records tied to
   * a run of the build that Baton dispatched (src/core/snapshot/usage-ties.ts).
   */
  usage?: UsageRecord[];
  /** Records under the build's usage refs that are not counted, and why (none: absent). */
  uncountedUsage?: UncountedUsage[];
  /**
   * With `budget.dailyUsd` set: every usage record of every build of the
   * repository, dated (src/core/snapshot/daily-spend.ts), for the day's spend.
   */
  repoUsage?: DatedUsage[];
  /**
   * With `BATON_INSTALLATION_DAILY_USD` set on the app: that cap, and every usage
   * record of every repository of the installation, dated, for the day's spend.
   */
  installationUsage?: { capUsd: number; records: DatedUsage[] };
  /**
   * With an organisation's policy that sets a daily cap per asker: that cap, the
   * build's asker, and every usage record of the installation's builds that
   * person asked for, dated, for their day's spend.
   */
  askerUsage?: { asker: string; capUsd: number; records: DatedUsage[] };
  /**
   * The organisation's policy the build runs under (its `.github` repository and
   * the commit its `baton-policy.yml` was read at); absent: the repository's own settings.
   */
  policy?: PolicySource;
  /**
   * The messages to workers' sessions the app recorded and no session has taken
   * yet (`refs/baton/<build>/message/<worker>/<comment>`, src/core/sessions/messages.ts).
   * Absent: none.
   */
  messageRefs?: MessageRef[];
  /**
   * What adapt sessions' publish jobs recorded (`refs/baton/<build>/adapt/<source>`):
   * which briefs each changed, and the commits to compare.
   */
  adaptations?: AdaptationRecord[];
  /**
   * What milestones' validation sessions' publish jobs recorded
   * (`refs/baton/<build>/validation/M<k>/<head>`, src/core/plan/validation.ts).
   */
  validations?: ValidationRecord[];
  /**
   * Records under the build's validation refs not bound to Baton's validation run of their
   * milestone and head (src/core/snapshot/validation-ties.ts), and why; none: absent.
   */
  ignoredValidations?: UncountedUsage[];
  /**
   * A change set's member build (docs/change-sets.md): its set, and what its
   * workers depend on in the set's other repositories. Absent in any other build.
   */
  changeSet?: MemberOfSet;
}

/** What a member build of a change set knows of its set, as the set read it. */
export interface MemberOfSet {
  /** The set's issue, in the repository the set lives in. */
  issue: { repository: string; number: number; url: string };
  /** Every repository of the set, in the order their final pull requests land. */
  repositories: string[];
  /** The repositories this one lands after. */
  after: string[];
  /** What its workers depend on in other repositories. */
  outside: OutsideWorkers;
  /**
   * What the set's other builds (its plan's, the other repositories') spent, in
   * US dollars: the set has one budget, the issue's repository's `budget.maxUsd`.
   */
  spentElsewhereUsd: number;
  /**
   * The repositories of the set whose last milestone's validation has not
   * passed yet (this one's included): every final pull request of the set waits
   * for them (docs/change-sets.md). Absent: none.
   */
  unvalidated?: string[];
}

/** A member build's view of the workers it depends on in other repositories of its change set. */
export interface OutsideWorkers {
  /** Those done for this build: merged there with their report on this build branch, or skipped. */
  done: string[];
  /** Each one's repository, `owner/name`. */
  repositories: Record<string, string>;
  /** Each worker's longest chain of dependents across the whole set, itself included. */
  chains: Record<string, number>;
}

export interface IssueInfo {
  number: number;
  title: string;
  state: 'open' | 'closed';
  labels: string[];
  url: string;
  /**
   * The issue's sub-issues (numbers and states, never their bodies); read only
   * for a build whose plan carries out sub-issues, else absent.
   */
  subIssues?: SubIssueInfo[];
  /** Who closed it, from its latest close on GitHub's timeline; read only while it is closed. */
  closed?: IssueClose;
  /**
   * Its closes and reopens on GitHub's timeline, oldest first, from the newest one
   * by an account that steers builds (or GitHub's close through a pull request) on;
   * every one read when none is (`closeCancels`). Absent: only `closed` is known.
   */
  stateChanges?: IssueStateChange[];
  /**
   * Closes and reopens older than `stateChanges` were left unread (more than Baton
   * reads, none of them by an account that steers builds): `closeCancels` holds the
   * build as cancelled.
   */
  stateChangesCut?: boolean;
}

/** The latest close of a build's issue, as its timeline shows it. */
export interface IssueClose {
  /** The account that closed it (REST login); null when GitHub shows no close event. */
  by: string | null;
  at: string | null;
  /** The pull request whose merge closed it ("Closes #n"), when a merge did. */
  byPull: number | null;
  /** Whether `by` steers builds (write, maintain or admin, or Baton itself), asked when Baton read it. */
  maySteer: boolean;
}

/** A close or a reopen of a build's issue, as its timeline shows it (a reopen has no `byPull`). */
export interface IssueStateChange extends IssueClose {
  kind: 'closed' | 'reopened';
}

export interface SubIssueInfo {
  number: number;
  /** GitHub's id of the issue, which the sub-issue and dependency routes take. */
  id?: number;
  state: 'open' | 'closed';
  /** Why it is closed, or that it was reopened, as GitHub says (`state_reason`); absent when GitHub gives none. */
  stateReason?: 'completed' | 'not_planned' | 'duplicate' | 'reopened';
  title?: string;
  /** The worker a sub-issue mirrors, from Baton's hidden marker in a sub-issue Baton opened. */
  mirrorOf?: string;
}

export type PlanRead =
  | { kind: 'missing' }
  /** Read but not usable: too large, not JSON, or failing `validatePlan`. */
  | { kind: 'invalid'; problems: string[]; sha: string }
  | { kind: 'valid'; plan: Plan; sha: string };

export type ContractRead =
  | { kind: 'missing' }
  /** Read but not usable: too large, not JSON, or not a `Contract`. */
  | { kind: 'invalid'; problems: string[] }
  | { kind: 'valid'; contract: Contract };

/** A learn session's pull request as the app sees it: metadata, never the lessons' text. */
export interface MemoryPull {
  number: number;
  state: 'open' | 'closed' | 'merged';
  url: string;
  lessons: number;
}

export type CompletionRead =
  | { kind: 'valid'; completion: Completion }
  | { kind: 'invalid'; problems: string[] };

export type RunStatus = 'queued' | 'in_progress' | 'completed';
export type RunConclusion =
  | 'success'
  | 'failure'
  | 'cancelled'
  | 'timed_out'
  | 'skipped'
  | 'neutral'
  | 'action_required'
  | 'stale'
  | 'startup_failure';

/** One run of the Baton workflow, told apart by its run name. */
export interface RunInfo {
  id: number;
  role: SessionRole;
  worker: string | null;
  trigger: SessionTrigger | null;
  status: RunStatus;
  conclusion: RunConclusion | null;
  createdAt: string;
  updatedAt: string;
  /** When the run left the queue (`run_started_at`); `createdAt` stands in when absent. */
  startedAt?: string;
  /** The run's latest attempt (`run_attempt`), which `status` is of; absent: 1. */
  attempt?: number;
  url: string;
  /**
   * Dispatched by the app (the run's `actor` is Baton's bot); false for a run a
   * person or another token started with a Baton run name. Absent: not known (taken as Baton's).
   */
  byBaton?: boolean;
}

export type Verdict = 'approve' | 'changes-requested' | 'comment';

export interface ReviewInfo {
  id: number;
  author: string;
  /** Written by Baton's review session (the app itself); else a person's. */
  byBaton: boolean;
  verdict: Verdict;
  /** The head the review was given on. */
  commitSha: string;
  submittedAt: string;
  /** What Baton's review session cost, from its hidden marker; counts towards `budget.maxUsd`. */
  costUsd?: number;
  /** What Baton's review said of the lessons it was given, from its marker; absent: it was given none. */
  memory?: ReviewLessons;
}

/** The rolled-up state of the checks on a PR's head, Baton's own excluded. */
export interface ChecksInfo {
  state: 'success' | 'failure' | 'pending' | 'none';
  /** Actions runs on this head with failed jobs, and whether each was re-run already. */
  failedRuns: { id: number; attempt: number }[];
}

export interface PullInfo {
  number: number;
  worker: string;
  headSha: string;
  state: 'open' | 'closed' | 'merged';
  /**
   * A draft: Baton opens one only for partial work (a session that stopped
   * short of its brief), so a draft worker PR waits for `/continue` rather
   * than a review. Absent: not a draft.
   */
  draft?: boolean;
  /** `dirty` means it conflicts with the build branch; `unknown` while GitHub computes. */
  mergeState: 'clean' | 'behind' | 'dirty' | 'blocked' | 'unstable' | 'unknown';
  reviews: ReviewInfo[];
  checks: ChecksInfo;
  /**
   * Baton's own session jobs on its head (a review's, a fix's `baton agent`), which GitHub
   * counts as checks: `pending` while one runs, `failure` when one that ended did not pass,
   * else `success`. Absent: none.
   */
  ownChecks?: 'pending' | 'failure' | 'success';
  /**
   * GitHub's `reviewDecision`, where a rule of its base asks for reviews: `review-required`
   * until a person with write access approves, `changes-requested` while one's review asks
   * for changes. Absent: no rule asks for a review.
   */
  reviewDecision?: 'approved' | 'changes-requested' | 'review-required';
  labels: string[];
  url: string;
  createdAt: string;
  /** When it was merged (a merged pull request's; absent otherwise, or where not read). */
  mergedAt?: string;
  /** The commit its merge made on the build branch (GraphQL's `mergeCommit`); absent where not merged or not read. */
  mergeSha?: string;
  /**
   * The `baton/review` check run already published on this PR, if any: its head
   * and the verdict it carries. Absent or null: none, so `decide` publishes one.
   */
  reviewCheck?: { sha: string; verdict: Verdict } | null;
  /**
   * When the head commit only merges the build branch into an earlier head (what
   * `update-pull-branch` makes), the heads beneath it, newest first: each update
   * Baton made in a row, then the head the first of them was made on. Verdicts
   * and evidence given on any of them still hold (`workHeads`). Absent or empty: none.
   */
  updatedFrom?: readonly string[];
  /**
   * What publish found in its diff (src/core/sessions/evidence.ts): the last
   * evidence marker of its body, read only on a pull request the app opened.
   * Its `head` says which head it judged. Absent: none.
   */
  evidence?: Evidence;
  /**
   * Who pushed its head, read only for an open pull request with no evidence for it
   * (src/github/observe/read-pusher.ts): a head no evidence speaks for is one a person
   * read only when a person pushed it. Absent: not read.
   */
  headPusher?: HeadPusher;
}

/** Who pushed a head: the account GitHub names (null: it names none) and whether it is a person's. */
export interface HeadPusher {
  login: string | null;
  person: boolean;
}

/** A notice or note of Baton's, where and when it was posted. */
export interface PostedComment {
  kind: 'notice' | 'note';
  /** Its notice key (`failed/W1.2/1`) or note key (`refused-mallory`). */
  key: string;
  /** The issue or pull request it is on, and its id there. */
  number: number;
  id: number;
  /** When it was posted (ISO 8601). */
  at: string;
}

export interface CommandInfo {
  commentId: number;
  author: string;
  createdAt: string;
  /** Where it was written: the issue, or a worker's PR. */
  source: { kind: 'issue' } | { kind: 'pull'; number: number; worker: string };
  command: Command;
}

/**
 * The snapshot as `normalizeSnapshot` leaves it: every list in canonical order,
 * and the times of its runs, pull requests and commands parsed once into
 * milliseconds since the epoch, so that rules compare and subtract numbers.
 * A time GitHub's text does not give is `-Infinity`: it sorts first.
 */
export interface NormalSnapshot extends Omit<BuildSnapshot, 'runs' | 'pulls' | 'commands'> {
  runs: TimedRun[];
  pulls: TimedPull[];
  commands: TimedCommand[];
}

export interface TimedRun extends RunInfo {
  createdMs: number;
  updatedMs: number;
  /** When it left the queue: `startedAt`, else `createdAt`. */
  startedMs: number;
}

export interface TimedPull extends PullInfo {
  createdMs: number;
}

export interface TimedCommand extends CommandInfo {
  createdMs: number;
}

export type { ConfigProblem };

/**
 * The branch a build starts from, is kept in sync with and delivers into, and its head:
 * the base observe read (`buildBaseBranch` of the build's ask), else the default branch.
 * A base that is gone has no head (`''`): the build stops before anything is made from it.
 */
export function buildBase(snapshot: Pick<BuildSnapshot, 'repo' | 'base'>): {
  branch: string;
  sha: string;
} {
  const { base, repo } = snapshot;
  return base
    ? { branch: base.branch, sha: base.sha ?? '' }
    : { branch: repo.defaultBranch, sha: repo.defaultSha };
}
