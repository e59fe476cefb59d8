import type { Command } from '../commands/command.js';
import { writeCommand } from '../commands/parse-commands.js';
import type { DecideContext } from '../context/decide-context.js';
import { moneyWaitOf, moneyWaitText } from '../context/money-waits.js';
import { runLink } from '../context/runs.js';
import { repeatRate, reviewLessonsOf } from '../memory/repeat-rate.js';
import { buildTypeOf, type Plan } from '../plan/plan.js';
import type { CommandInfo, PullInfo } from '../snapshot/snapshot.js';
import type { BuildProgress, CommandEntry, ReviewRound, WorkerRow } from '../status/status-view.js';
import { contractState } from '../verification/contract-state.js';
import { deriveWorkers } from './derive-workers.js';
import type { WorkerState } from './worker-state.js';

const COMMAND_TEXT_MAX = 80;

/** The status of a build past its plan: one row per worker, totals, pause, budget, history. */
export function buildProgress({
  ctx,
  plan,
  workers,
}: {
  ctx: DecideContext;
  plan: Plan;
  workers: WorkerState[];
}): BuildProgress {
  const rows = workers.map((state) => workerRow(ctx, state));
  const { snapshot, commands } = ctx;
  const final = snapshot.finalPull;
  const contract = contractState(plan, snapshot.contract);
  const repeats = repeatRate(reviewLessonsOf(snapshot));
  return {
    build: snapshot.build,
    issue: snapshot.issue.number,
    title: plan.title,
    workers: rows,
    totals: {
      merged: rows.filter((row) => row.state === 'merged').length,
      skipped: rows.filter((row) => row.state === 'skipped').length,
      total: rows.length,
      tokens: ctx.ledger.total.tokens,
      costUsd: ctx.spentUsd,
      sessions: ctx.ledger.total.sessions,
      estimated: ctx.ledger.total.estimated,
      byRole: ctx.ledger.byRole,
      ...(snapshot.uncountedUsage?.length ? { uncounted: snapshot.uncountedUsage.length } : {}),
    },
    paused: commands.paused ? { by: commands.paused.author, at: commands.paused.createdAt } : null,
    budget: {
      maxUsd: ctx.config.budget.maxUsd,
      reached: ctx.budgetReached,
      ...(ctx.dailyHolds.length > 0 ? { daily: ctx.dailyHolds } : {}),
    },
    finalPull: final
      ? {
          number: final.number,
          url: final.url,
          state: final.state,
          ...(final.mergeState ? { mergeState: final.mergeState } : {}),
        }
      : null,
    ...(snapshot.memoryPull ? { memoryPull: snapshot.memoryPull } : {}),
    ...(repeats.rate === null ? {} : { repeats }),
    ...(buildTypeOf(plan) === 'research'
      ? { synthesis: synthesisOf(ctx), followUps: followUpsOf(ctx) }
      : {}),
    history: commands.history.map(commandEntry),
    links: ctx.links,
    ...(contract ? { contract } : {}),
  };
}

function workerRow(ctx: DecideContext, state: WorkerState): WorkerRow {
  const { worker, pull } = state;
  // A merged row links its PR, which holds the review and the merge; no run is news any more.
  const run =
    state.state === 'merged'
      ? null
      : state.state === 'failed' || state.state === 'impossible'
        ? state.latestWork
        : state.latestRun;
  const spent = ctx.ledger.byWorker[worker.id];
  return {
    id: worker.id,
    title: worker.title,
    dependsOn: worker.depends_on,
    state: state.state,
    note: state.note,
    hint: hintFor(state),
    ...(state.wait ? { waitsByRisk: true as const } : {}),
    run: run ? runLink(run) : null,
    pull: pull ? { label: `#${pull.number}`, url: pull.url } : null,
    attempts: state.attempts,
    tokens: spent ? spent.tokens : null,
    costUsd: spent ? spent.costUsd : null,
    sessions: spent?.sessions ?? 0,
    rounds: reviewRounds(pull),
    engine: ctx.ledger.engines[worker.id] ?? ctx.engineOf({ role: 'work', worker: worker.id }),
  };
}

/**
 * The review verdicts of its PR in order, each head counted once, with a
 * `fixed` between a request for changes and the next verdict on a new head:
 * `changes requested → fixed → approved`.
 */
export function reviewRounds(pull: PullInfo | null): ReviewRound[] {
  if (!pull) return [];
  const rounds: ReviewRound[] = [];
  let lastSha: string | null = null;
  for (const review of pull.reviews) {
    if (review.verdict === 'comment') continue;
    const round: ReviewRound = review.verdict === 'approve' ? 'approved' : 'changes-requested';
    if (review.commitSha === lastSha && rounds.at(-1) === round) continue;
    if (rounds.at(-1) === 'changes-requested' && review.commitSha !== lastSha) rounds.push('fixed');
    rounds.push(round);
    lastSha = review.commitSha;
  }
  return rounds;
}

function hintFor(state: WorkerState): string | null {
  const id = state.worker.id;
  if (state.state === 'failed') return `/retry ${id}`;
  if (state.state === 'impossible') return `/retry ${id} <instructions> · /skip ${id} · /replan`;
  if (state.state === 'partial')
    return `/continue ${id} · /retry ${id} <instructions> · /skip ${id}`;
  if (state.state === 'needs-human')
    return `/retry ${id} <instructions> · /merge ${id} · /skip ${id}`;
  return null;
}

function commandEntry(info: CommandInfo): CommandEntry {
  return { author: info.author, text: commandText(info.command), at: info.createdAt };
}

/** A command as it would be written, shortened for the history. */
export function commandText(command: Command): string {
  const text = writeCommand(command);
  return text.length > COMMAND_TEXT_MAX ? `${text.slice(0, COMMAND_TEXT_MAX - 1)}…` : text;
}

/** The progress of a build whose plan is valid, or null when there is none to show. */
export function snapshotProgress(ctx: DecideContext): BuildProgress | null {
  const read = ctx.snapshot.plan;
  if (read.kind !== 'valid') return null;
  return buildProgress({ ctx, plan: read.plan, workers: deriveWorkers(ctx, read.plan) });
}

/** The follow-up questions waiting for a person, as the status shows them. */
function followUpsOf(ctx: DecideContext): NonNullable<BuildProgress['followUps']> | null {
  const proposed = ctx.followUps?.proposed;
  if (!proposed) return null;
  const state = proposed.declined ? 'skipped' : 'proposed';
  return { round: proposed.round, workers: proposed.workers, state };
}

/** The synthesis of a research build, as the status shows it: its newest attempt. */
function synthesisOf(ctx: DecideContext): NonNullable<BuildProgress['synthesis']> | null {
  if (!ctx.synthesis) return null;
  const { latest, outcome, attempts, retry } = ctx.synthesis;
  if (!latest || !outcome) return null;
  const wait = outcome === 'failed' && !retry ? moneyWaitOf(ctx, latest) : null;
  if (wait)
    return { state: 'awaiting-budget', url: latest.url, attempts, money: moneyWaitText(ctx, wait) };
  const state = retry ? 'retrying' : outcome === 'active' ? 'running' : outcome;
  return { state, url: latest.url, attempts };
}
