/**
 * What every rule of `decide` reads, worked out once per call as numbered
 * steps: the snapshot in canonical order, the commands folded, each run judged
 * (`runs.ts`), the follow-up rounds, the spend against the budget and the
 * day's caps. The rules return `RuleAction`s (`action.ts`): the sessions they
 * ask for are framed once, at the end of `decide`.
 */

import type { Config } from '../config/config.js';
import type { UsageRecord } from '../records/usage.js';
import { type EngineSettings, engineFor, readEngineSettings } from '../sessions/engines.js';
import type { SessionRole } from '../sessions/session.js';
import { type CommandState, foldCommands } from '../snapshot/command-state.js';
import { type DailyCapHold, dailyCapsReached, spentOnDay } from '../snapshot/daily-spend.js';
import { effectivePlanRead, type FollowUps, followUpsOf } from '../snapshot/follow-ups.js';
import { cancellingClose } from '../snapshot/issue-close.js';
import { buildLedger, type Ledger } from '../snapshot/ledger.js';
import { normalizeSnapshot, timeOf } from '../snapshot/normalize-snapshot.js';
import { findOverdueRuns, type OverdueReason } from '../snapshot/overdue-runs.js';
import type { BuildSnapshot, IssueClose, NormalSnapshot } from '../snapshot/snapshot.js';
import { isRunOwnRecord } from '../snapshot/usage-ties.js';
import type { IgnoredClose, RepoLinks, StatusView } from '../status/status-view.js';
import type { Engine } from '../vocabulary/engine-names.js';
import { integrationBranch } from '../vocabulary/ids.js';
import type { RuleAction } from './action.js';
import { type BudgetSource, withAskBudget } from './ask-budget.js';
import { type JudgedRun, judgeRuns } from './runs.js';
import { type SynthesisState, synthesisState } from './synthesis-state.js';

/** What one phase of `decide` returns: the actions, and the view for the status comment. */
export interface Decision<A extends RuleAction = RuleAction> {
  actions: A[];
  view: StatusView;
}

/** A build's truth as the rules read it: in canonical order, each run judged once. */
export interface DecidedSnapshot extends Omit<NormalSnapshot, 'runs'> {
  runs: JudgedRun[];
}

/** Everything the rules of `decide` read, worked out once per call. */
export interface DecideContext {
  /** The snapshot in canonical order, without repeats, its runs judged. */
  snapshot: DecidedSnapshot;
  /** The settings, the budget as the build's ask sets it (`withAskBudget`). */
  config: Config;
  now: string;
  commands: CommandState;
  /** Unfinished runs given up on, by run id. */
  overdue: Map<number, OverdueReason>;
  /** Every session's spend so far: the one count status, report and budget read. */
  ledger: Ledger;
  /** The usage record of each run's newest attempt that wrote one, by run id. */
  records: Map<number, UsageRecord>;
  /** What the build's sessions have cost so far, in US dollars (`ledger.total.costUsd`). */
  spentUsd: number;
  budgetReached: boolean;
  /** Where `config.budget.maxUsd` came from: the repository's, or the schedule that fired the build. */
  budgetSource: BudgetSource;
  /**
   * The daily caps reached today (UTC): the repository's (`budget.dailyUsd`) and
   * the installation's (`BATON_INSTALLATION_DAILY_USD`). Any one: no session starts.
   */
  dailyHolds: DailyCapHold[];
  /**
   * What the build's sessions may still spend now: the least of what
   * `budget.maxUsd` (a change set's, with its other builds' spend) and the
   * repository's `budget.dailyUsd` have left, never below 0; null with no cap.
   */
  roomUsd: number | null;
  /** Review and fix sessions may start (the budget is not spent). */
  canDispatchSessions: boolean;
  /** New work sessions may start (neither paused nor over budget). */
  canDispatchWork: boolean;
  /**
   * The close of the issue that cancels the build (`cancellingClose`): by someone
   * who steers builds, and not undone by a reopen. Null: no close cancels it.
   */
  cancellingClose: IssueClose | null;
  /** The issue is closed and its close cancels nothing (`ignoredCloseOf`): the status says so. */
  ignoredClose: IgnoredClose | null;
  /** The engine each session of the build runs on (`sessionEngines`). */
  engineOf: EngineOf;
  /**
   * A research build's follow-up rounds (docs/build-types.md); null in other
   * builds. `snapshot.plan` holds only the approved rounds' workers: a
   * proposal is shown, never run.
   */
  followUps: FollowUps | null;
  /** A research build's synthesis: its newest attempt and a retry not answered yet; null in other builds. */
  synthesis: SynthesisState | null;
  /** Where the status links the build record and its branch. */
  links: RepoLinks;
  /**
   * In an improvement loop's planning, the loop (`L2`): its plan sessions carry
   * it in the worker slot of their run name.
   */
  subject?: string;
}

/** Works out, once, what every rule of `decide` reads. */
export function makeContext({
  snapshot,
  config: repository,
  now,
}: {
  snapshot: BuildSnapshot;
  config: Config;
  now: string;
}): DecideContext {
  // 0. The build's budget as its ask sets it: a schedule's own, where lower.
  const { config, source: budgetSource } = withAskBudget(repository, snapshot.ask);
  // 1. The truth in one canonical order, without repeats, its times and now's parsed.
  const normal = normalizeSnapshot(snapshot);
  const nowMs = timeOf(now);
  // 2. What people asked for, folded in the order they asked; a `/retry` that names an
  //    engine the config does not allow is not taken (checkCommands answers it why).
  const allowed = readEngineSettings(config.session.engine).allow;
  const commands = foldCommands(
    normal.commands.filter(
      ({ command }) =>
        command.name !== 'retry' || !command.engine || allowed.includes(command.engine),
    ),
  );
  // 3. Every run judged once: those overdue are given up on.
  const overdue = findOverdueRuns({ runs: normal.runs, session: config.session, nowMs });
  const runs = judgeRuns({ runs: normal.runs, overdue, nowMs });
  // 4. A research build's approved follow-up rounds join its plan, and its synthesis is judged.
  const followUps = followUpsOf(normal.plan, runs, commands);
  const plan = followUps ? effectivePlanRead(normal.plan, followUps.approvedRounds) : normal.plan;
  const synthesis = followUps ? synthesisState({ runs, followUps, commands }) : null;
  const truth: DecidedSnapshot = { ...normal, runs, plan };
  // 5. What the sessions cost, against the build's budget and the day's caps.
  const ledger = buildLedger(truth);
  const spentUsd = ledger.total.costUsd;
  const { maxUsd } = config.budget;
  // A change set has one budget: a member build counts what the set's other builds spent too.
  const elsewhere = truth.changeSet?.spentElsewhereUsd ?? 0;
  const budgetReached = maxUsd !== null && spentUsd + elsewhere >= maxUsd;
  const dailyHolds = dailyCapsReached({
    repoCapUsd: config.budget.dailyUsd,
    repoUsage: truth.repoUsage,
    installationUsage: truth.installationUsage,
    askerUsage: truth.askerUsage,
    now,
  });
  const daily = dailyHolds.length > 0;
  const roomUsd = roomOf([
    maxUsd === null ? null : maxUsd - spentUsd - elsewhere,
    dayLeft(config.budget.dailyUsd, truth.repoUsage, now),
    truth.askerUsage ? dayLeft(truth.askerUsage.capUsd, truth.askerUsage.records, now) : null,
  ]);
  // 6. The issue's close that cancels the build, if it is closed and one does; else a close ignored.
  const cancelledByClose = cancellingClose(truth, config);
  const ignoredClose = ignoredCloseOf(truth, cancelledByClose);
  const links = repoLinks(truth);
  const records = newestRecords(truth.usage ?? []);
  // 7. The engine each session runs on, from the settings read once.
  // Validation sessions run on `verification.validation.engine`, which a worker may not choose by that alone.
  const settings = readEngineSettings(config.session.engine, config.verification.validation.engine);
  const engineOf = sessionEngines({ snapshot: truth, commands, settings });
  return {
    snapshot: truth,
    config,
    now,
    commands,
    overdue,
    ledger,
    records,
    followUps,
    synthesis,
    spentUsd,
    budgetReached,
    budgetSource,
    dailyHolds,
    roomUsd,
    canDispatchSessions: !budgetReached && !daily,
    canDispatchWork: !budgetReached && !daily && commands.paused === null,
    cancellingClose: cancelledByClose,
    ignoredClose,
    engineOf,
    links,
  };
}

/** The least of the caps' rooms that are set, never below 0; null when none is. */
function roomOf(rooms: (number | null)[]): number | null {
  const set = rooms.filter((room): room is number => room !== null);
  return set.length === 0 ? null : Math.max(0, Math.min(...set));
}

/** What the repository's day has left under `budget.dailyUsd` (0: no cap); null when no cap or no read. */
function dayLeft(
  capUsd: number | null,
  usage: BuildSnapshot['repoUsage'],
  now: string,
): number | null {
  if (capUsd === null || capUsd <= 0 || !usage) return null;
  return capUsd - spentOnDay(usage, now);
}

/** The issue is closed, and the close cancels nothing: what the status says of it. */
function ignoredCloseOf(
  snapshot: BuildSnapshot,
  cancelling: IssueClose | null,
): IgnoredClose | null {
  if (snapshot.issue.state !== 'closed' || cancelling) return null;
  // A delivered build is done: whoever closes its issue afterwards changes nothing.
  if (snapshot.finalPull?.state === 'merged') return null;
  return { by: snapshot.issue.closed?.by ?? null, at: snapshot.issue.closed?.at ?? null };
}

/**
 * Links to the build record: at the build branch's head commit (a permalink,
 * which outlives the branch once the final PR is merged and the branch
 * deleted), or at the branch before it exists. The repository's web address
 * comes from the issue's.
 */
function repoLinks(snapshot: BuildSnapshot): RepoLinks {
  const fromIssue = /^(https?:\/\/.+?)\/issues\/\d+\/?$/.exec(snapshot.issue.url)?.[1];
  const repoUrl = fromIssue ?? `https://github.com/${snapshot.repo.owner}/${snapshot.repo.name}`;
  return { repoUrl, branch: snapshot.integration?.sha ?? integrationBranch(snapshot.build) };
}

/** Each run's usage record of its newest attempt, by run id: its own session's, not the review after it. */
function newestRecords(usage: UsageRecord[]): Map<number, UsageRecord> {
  const newest = new Map<number, UsageRecord>();
  for (const record of usage) {
    if (!isRunOwnRecord(record)) continue;
    const found = newest.get(record.run_id);
    if (!found || found.attempt <= record.attempt) newest.set(record.run_id, record);
  }
  return newest;
}

/** Which engine a session of this build runs on, given its role and worker. */
export type EngineOf = (session: {
  role: SessionRole;
  worker?: string | null | undefined;
}) => Engine;

/**
 * The engine a session of this build runs on (`engineFor`): the worker's
 * latest `/retry` that named one, the plan's `engine` for the worker, the
 * role's, the default. The settings are read once, when the context is made;
 * the same answer serves the dispatch and the status row.
 */
export function sessionEngines(read: {
  snapshot: Pick<BuildSnapshot, 'plan'>;
  commands: CommandState;
  settings: EngineSettings;
}): EngineOf {
  const { settings } = read;
  const { plan } = read.snapshot;
  return ({ role, worker }) => {
    const planned =
      worker && plan.kind === 'valid'
        ? plan.plan.workers.find((entry) => entry.id === worker)?.engine
        : undefined;
    const latest = worker ? read.commands.retries.get(worker)?.at(-1)?.command : undefined;
    const retried = latest?.name === 'retry' ? latest.engine : undefined;
    return engineFor({ settings, role, planned, retried });
  };
}
