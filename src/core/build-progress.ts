import type { Command } from './command.js';
import type { Completion } from './completion.js';
import { type DecideContext, repoLinks, runLink } from './decide-context.js';
import type { Plan } from './plan.js';
import type { CommandInfo } from './snapshot.js';
import type { BuildProgress, CommandEntry, WorkerRow } from './status-view.js';
import { deriveWorkers, type WorkerState } from './worker-state.js';

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
  return {
    build: snapshot.build,
    issue: snapshot.issue.number,
    title: plan.title,
    workers: rows,
    totals: {
      merged: rows.filter((row) => row.state === 'merged').length,
      skipped: rows.filter((row) => row.state === 'skipped').length,
      total: rows.length,
      tokens: rows.reduce((sum, row) => sum + (row.tokens ?? 0), 0),
      costUsd: ctx.spentUsd,
    },
    paused: commands.paused ? { by: commands.paused.author, at: commands.paused.createdAt } : null,
    budget: { maxUsd: ctx.config.budget.maxUsd, reached: ctx.budgetReached },
    finalPull: final ? { number: final.number, url: final.url, state: final.state } : null,
    history: commands.history.map(commandEntry),
    links: repoLinks(snapshot),
  };
}

function workerRow(ctx: DecideContext, state: WorkerState): WorkerRow {
  const { worker, pull } = state;
  const run = state.state === 'failed' ? state.latestWork : state.latestRun;
  const reviewCost = reviewCostOf(ctx, worker.id);
  const completionCost = state.completion?.usage.cost_usd ?? null;
  return {
    id: worker.id,
    title: worker.title,
    dependsOn: worker.depends_on,
    state: state.state,
    note: state.note,
    hint: hintFor(state),
    run: run ? runLink(run) : null,
    pull: pull ? { label: `#${pull.number}`, url: pull.url } : null,
    attempts: state.attempts,
    tokens: state.completion ? tokensOf(state.completion) : null,
    costUsd:
      completionCost === null && reviewCost === 0 ? null : (completionCost ?? 0) + reviewCost,
  };
}

/** Every token a session counted: input, output, and the prompt cache's reads and writes. */
export function tokensOf(completion: Completion): number {
  const usage = completion.usage;
  return (
    usage.input_tokens +
    usage.output_tokens +
    usage.cache_read_input_tokens +
    usage.cache_creation_input_tokens
  );
}

function reviewCostOf(ctx: DecideContext, worker: string): number {
  return ctx.snapshot.pulls
    .filter((pull) => pull.worker === worker)
    .flatMap((pull) => pull.reviews)
    .reduce((sum, review) => sum + (review.byBaton ? (review.costUsd ?? 0) : 0), 0);
}

function hintFor(state: WorkerState): string | null {
  const id = state.worker.id;
  if (state.state === 'failed') return `/retry ${id}`;
  if (state.state === 'needs-human')
    return `/retry ${id} <instructions> · /merge ${id} · /skip ${id}`;
  return null;
}

function commandEntry(info: CommandInfo): CommandEntry {
  return { author: info.author, text: commandText(info.command), at: info.createdAt };
}

/** A command as it would be written, shortened for the history. */
export function commandText(command: Command): string {
  const text = commandWords(command).filter(Boolean).join(' ');
  return text.length > COMMAND_TEXT_MAX ? `${text.slice(0, COMMAND_TEXT_MAX - 1)}…` : text;
}

function commandWords(command: Command): string[] {
  switch (command.name) {
    case 'replan':
      return ['/replan', command.feedback];
    case 'retry':
      return ['/retry', command.worker, command.instructions];
    case 'skip':
    case 'merge':
      return [`/${command.name}`, command.worker];
    case 'improve':
      return ['/improve', String(command.loops)];
    case 'approve':
    case 'pause':
    case 'resume':
    case 'cancel':
    case 'status':
      return [`/${command.name}`];
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

/** The progress of a build whose plan is valid, or null when there is none to show. */
export function snapshotProgress(ctx: DecideContext): BuildProgress | null {
  const read = ctx.snapshot.plan;
  if (read.kind !== 'valid') return null;
  return buildProgress({ ctx, plan: read.plan, workers: deriveWorkers(ctx, read.plan) });
}
