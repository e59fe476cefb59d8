import { type Config, DEFAULT_SESSION_TIMEOUT_MINUTES } from '../config/config.js';
import { buildTypeOf } from '../plan/plan.js';
import {
  DEFAULT_RUNNER,
  type SessionRequest,
  type SessionRole,
  type SessionTrigger,
} from '../sessions/session.js';
import { type CommandState, foldCommands } from '../snapshot/command-state.js';
import { spentOnDay, utcDay } from '../snapshot/daily-spend.js';
import { effectivePlanRead, type FollowUps, foldFollowUps } from '../snapshot/follow-ups.js';
import { buildLedger, type Ledger } from '../snapshot/ledger.js';
import { normalizeSnapshot } from '../snapshot/normalize-snapshot.js';
import { findOverdueRuns, type OverdueReason } from '../snapshot/overdue-runs.js';
import type { BuildSnapshot, RunInfo } from '../snapshot/snapshot.js';
import type { DailyCapHold, Link, RepoLinks, StatusView } from '../status/status-view.js';
import { integrationBranch } from '../vocabulary/ids.js';
import type { Action } from './action.js';

/** What one phase of `decide` returns: the actions, and the view for the status comment. */
export interface Decision {
  actions: Action[];
  view: StatusView;
}

/** Everything the rules of `decide` read, worked out once per call. */
export interface DecideContext {
  /** The snapshot in canonical order, without repeats. */
  snapshot: BuildSnapshot;
  config: Config;
  now: string;
  commands: CommandState;
  /** Unfinished runs given up on, by run id. */
  overdue: Map<number, OverdueReason>;
  /** Every session's spend so far: the one count status, report and budget read. */
  ledger: Ledger;
  /** What the build's sessions have cost so far, in US dollars (`ledger.total.costUsd`). */
  spentUsd: number;
  budgetReached: boolean;
  /**
   * The daily caps reached today (UTC): the repository's (`budget.dailyUsd`) and
   * the installation's (`BATON_INSTALLATION_DAILY_USD`). Any one: no session starts.
   */
  dailyHolds: DailyCapHold[];
  /** Review and fix sessions may start (the budget is not spent). */
  canDispatchSessions: boolean;
  /** New work sessions may start (neither paused nor over budget). */
  canDispatchWork: boolean;
  /**
   * A research build's follow-up rounds (docs/build-types.md); null in other
   * builds. `snapshot.plan` holds only the approved rounds' workers: a
   * proposal is shown, never run.
   */
  followUps: FollowUps | null;
  /**
   * In an improvement loop's planning, the loop (`L2`): its plan sessions carry
   * it in the worker slot of their run name.
   */
  subject?: string;
}

/** Normalizes the snapshot and works out commands, overdue runs and the budget once. */
export function makeContext({
  snapshot,
  config,
  now,
}: {
  snapshot: BuildSnapshot;
  config: Config;
  now: string;
}): DecideContext {
  const normal = normalizeSnapshot(snapshot);
  const commands = foldCommands(normal.commands);
  const overdue = findOverdueRuns({ runs: normal.runs, session: config.session, now });
  const followUps = followUpsOf(normal, commands, overdue);
  const truth = followUps
    ? { ...normal, plan: effectivePlanRead(normal.plan, followUps.approvedRounds) }
    : normal;
  const ledger = buildLedger(truth);
  const spentUsd = ledger.total.costUsd;
  const { maxUsd } = config.budget;
  const budgetReached = maxUsd !== null && spentUsd >= maxUsd;
  const dailyHolds = dailyCapsReached(config, truth, now);
  const daily = dailyHolds.length > 0;
  return {
    snapshot: truth,
    config,
    now,
    commands,
    overdue,
    ledger,
    followUps,
    spentUsd,
    budgetReached,
    dailyHolds,
    canDispatchSessions: !budgetReached && !daily,
    canDispatchWork: !budgetReached && !daily && commands.paused === null,
  };
}

/**
 * The day's caps that are set and reached: the repository's across its builds
 * (`budget.dailyUsd`), and the installation's across its repositories (set on
 * the app; a repository cannot set it). A cap of 0 is no cap, as in the config.
 */
function dailyCapsReached(config: Config, snapshot: BuildSnapshot, now: string): DailyCapHold[] {
  const holds: DailyCapHold[] = [];
  const day = utcDay(now);
  const repoCap = config.budget.dailyUsd;
  if (repoCap !== null && repoCap > 0) {
    const spent = spentOnDay(snapshot.repoUsage ?? [], now);
    if (spent >= repoCap)
      holds.push({ scope: 'repository', capUsd: repoCap, spentUsd: spent, day });
  }
  const installation = snapshot.installationUsage;
  if (installation && installation.capUsd > 0) {
    const spent = spentOnDay(installation.records, now);
    if (spent >= installation.capUsd)
      holds.push({ scope: 'installation', capUsd: installation.capUsd, spentUsd: spent, day });
  }
  return holds;
}

/** The follow-up rounds of a research build with a valid plan; null for any other. */
function followUpsOf(
  snapshot: BuildSnapshot,
  commands: CommandState,
  overdue: Map<number, OverdueReason>,
): FollowUps | null {
  const read = snapshot.plan;
  if (read.kind !== 'valid' || buildTypeOf(read.plan) !== 'research') return null;
  const succeeded = snapshot.runs.filter(
    (run) =>
      run.role === 'synthesis' &&
      run.worker === null &&
      !overdue.has(run.id) &&
      run.status === 'completed' &&
      run.conclusion === 'success',
  );
  return foldFollowUps({
    plan: read.plan,
    succeeded,
    approvals: commands.approvals,
    declines: commands.followUpSkips,
  });
}

/** `active`: queued or running within its time; `failed` covers every conclusion but success. */
export type RunOutcome = 'active' | 'succeeded' | 'failed';

/** Where a run stands; an overdue run counts as failed already. */
export function runOutcome(ctx: DecideContext, run: RunInfo): RunOutcome {
  if (ctx.overdue.has(run.id)) return 'failed';
  if (run.status !== 'completed') return 'active';
  return run.conclusion === 'success' ? 'succeeded' : 'failed';
}

/** The run that answers one request, matched on role, worker and trigger. */
export function findRun(
  ctx: DecideContext,
  key: { role: SessionRole; worker: string | null; trigger: SessionTrigger | null },
): RunInfo | null {
  const match = ctx.snapshot.runs.filter(
    (run) => run.role === key.role && run.worker === key.worker && run.trigger === key.trigger,
  );
  return match.at(-1) ?? null;
}

/** A `dispatch` action for this build. */
export function dispatch(
  ctx: DecideContext,
  request: { role: SessionRole; worker?: string; pr?: number; trigger?: SessionTrigger },
): Action {
  const full: SessionRequest = {
    ...(ctx.subject ? { worker: ctx.subject } : {}),
    ...request,
    build: ctx.snapshot.build,
    issue: ctx.snapshot.issue.number,
    ...(ctx.config.session.runsOn === DEFAULT_RUNNER ? {} : { runner: ctx.config.session.runsOn }),
    ...(ctx.config.session.timeoutMinutes === DEFAULT_SESSION_TIMEOUT_MINUTES
      ? {}
      : { timeoutMinutes: ctx.config.session.timeoutMinutes }),
  };
  return { kind: 'dispatch', request: full };
}

/** A run as the status links it: `work run`, `review run`, … */
export function runLink(run: RunInfo): Link {
  return { label: `${run.role} run`, url: run.url };
}

/**
 * Links to the build record: at the build branch's head commit (a permalink,
 * which outlives the branch once the final PR is merged and the branch
 * deleted), or at the branch before it exists. The repository's web address
 * comes from the issue's.
 */
export function repoLinks(snapshot: BuildSnapshot): RepoLinks {
  const fromIssue = /^(https?:\/\/.+?)\/issues\/\d+\/?$/.exec(snapshot.issue.url)?.[1];
  const repoUrl = fromIssue ?? `https://github.com/${snapshot.repo.owner}/${snapshot.repo.name}`;
  return { repoUrl, branch: snapshot.integration?.sha ?? integrationBranch(snapshot.build) };
}
