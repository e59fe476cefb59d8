import type { Command, CommandError } from '../commands/command.js';
import { COMMANDS, type WorkerApplies } from '../commands/command-table.js';
import { renderSteersQueued } from '../commands/render-message-replies.js';
import { renderCommandErrors } from '../commands/render-replies.js';
import type { Config } from '../config/config.js';
import type { Action } from '../context/action.js';
import { type DecideContext, makeContext } from '../context/decide-context.js';
import { buildTypeOf } from '../plan/plan.js';
import { decideAdaptations } from '../rules/decide-adapt.js';
import { engineProblem, readEngineSettings } from '../sessions/engines.js';
import { isWorkRole } from '../sessions/session.js';
import { instantOf } from '../snapshot/normalize-snapshot.js';
import type { BuildSnapshot, TimedRun } from '../snapshot/snapshot.js';
import { parseLoopSubject } from '../vocabulary/ids.js';
import { commandText } from '../workers/build-progress.js';
import { deriveWorkers } from '../workers/derive-workers.js';
import type { WorkerState } from '../workers/worker-state.js';
import { type CommandsAt, partialProblem, queuedSteers } from './check-messages.js';
import { findSeries } from './decide-series.js';

/** A comment's commands, taken from an event, to be answered if they cannot apply. */
export interface CommandAnswer {
  commentId: number;
  /** The issue or PR the comment is on. */
  number: number;
  commands: Command[];
  /**
   * The comment still waits for Baton's 👀 (a command on the issue of a
   * repository that lists change sets): the reconcile judges it on its read
   * and gives the 👀 only if it takes it (`takeComments`). Its author and
   * time, as the read of an accepted comment would give them.
   */
  awaiting?: { author: string; createdAt: string };
}

/**
 * The replies a build owes the comments whose commands it took (each once, by
 * its key): the commands that cannot apply, each with how to do it right, and
 * the `/steer`s kept for a session not running yet. Each comment is judged as
 * the build stood when it was written, not when this reconcile runs.
 */
export function commandAnswers({
  answers,
  snapshot,
  config,
  now,
}: {
  answers: readonly CommandAnswer[];
  snapshot: BuildSnapshot;
  config: Config;
  now: string;
}): Action[] {
  return answers.flatMap((answer): Action[] => {
    const at = snapshot.commands.find((info) => info.commentId === answer.commentId)?.createdAt;
    const judged = { commands: answer.commands, snapshot, config, now, ...(at ? { at } : {}) };
    const problems = checkCommands(judged);
    const queued = queuedSteers(judged).filter(
      (worker) => !problems.some((problem) => problem.line.startsWith(`/steer ${worker}`)),
    );
    const reply = (kind: 'queued' | 'answer', body: string): Action => ({
      kind: 'comment',
      number: answer.number,
      key: `${kind}-${answer.commentId}`,
      body,
    });
    return [
      ...(queued.length > 0 ? [reply('queued', renderSteersQueued(queued))] : []),
      ...(problems.length > 0 ? [reply('answer', renderCommandErrors(problems))] : []),
    ];
  });
}

/**
 * Commands that parsed but cannot apply to the build as it stands: an unknown
 * worker, nothing to approve, a worker that is still running. Each problem
 * says how to do it right; `decide` ignores such commands anyway, so this only
 * decides what the person is told.
 *
 * A command is judged against the build as it was when it was written (`at`):
 * work that started after it, maybe started by this very `/approve` in a
 * reconcile that ran first, does not make it late.
 */
export function checkCommands({
  commands,
  snapshot,
  config,
  now,
  at = now,
}: CommandsAt): CommandError[] {
  const ctx = makeContext({ snapshot, config, now });
  const atMs = instantOf(at);
  const { runs } = ctx.snapshot;
  // Follow-up questions not approved are no workers yet.
  const { plan } = ctx.snapshot;
  // In an improvement series `/approve` and `/replan` are about the loop under way when written.
  const loop = findSeries(ctx) ? loopAt(runs, atMs) : null;
  const mine =
    plan.kind !== 'valid' || loop === null
      ? null
      : new Set(plan.plan.workers.filter((w) => w.loop === loop).map((w) => w.id));
  const workStarted = runs.some(
    (run) =>
      isWorkRole(run.role) && run.createdMs < atMs && (mine === null || mine.has(run.worker ?? '')),
  );
  // Workers as they stood when it was written: not yet asked by it, nor moved by what it started.
  const written = makeContext({ snapshot: asWritten(snapshot, atMs), config, now });
  const all = plan.kind === 'valid' ? deriveWorkers(written, plan.plan) : null;
  const planned = loop === null ? all !== null : (mine?.size ?? 0) > 0;
  const started = runs.some((run) => run.createdMs < atMs);
  const improving = ctx.commands.improves.some((info) => info.createdMs < atMs);
  // A revised brief waiting for `/approve` makes a running build's `/approve` apply.
  const adaptWaits =
    all !== null &&
    decideAdaptations(written, all).views.some((view) => view.state === 'awaiting-approval');
  const judging: Judging = {
    ctx,
    atMs,
    workers: all,
    planned,
    workStarted: workStarted && !adaptWaits,
    started,
    improving,
  };
  return commands.flatMap((command): CommandError[] => {
    const engine = 'engine' in command ? command.engine : undefined;
    const message =
      (engine ? engineProblem(readEngineSettings(config.session.engine), engine) : null) ??
      problemOf(command, judging);
    return message ? [{ line: commandText(command), message }] : [];
  });
}

/**
 * The build as it stood when a comment was written at `atMs`: the commands
 * written before it (not itself, nor any later one) and the runs created by
 * then. What it asks is not yet in it, so an accepted `/continue` is not
 * judged "being continued already" by the continuation it asked for.
 */
function asWritten(snapshot: BuildSnapshot, atMs: number): BuildSnapshot {
  return {
    ...snapshot,
    commands: snapshot.commands.filter((info) => instantOf(info.createdAt) < atMs),
    runs: snapshot.runs.filter((run) => instantOf(run.createdAt) <= atMs),
  };
}

/** What `/rollback` is told on a build of one repository (a change set answers it itself). */
export const ROLLBACK_ONLY_IN_SETS =
  "`/rollback` backs out a change set across repositories (docs/change-sets.md); this build's final pull request can be reverted with GitHub's Revert button.";

/** The loop of a series under way at `at`: the newest with a research run by then. */
function loopAt(runs: TimedRun[], atMs: number): number {
  const loops = runs
    .filter((run) => run.role === 'research' && run.createdMs <= atMs)
    .map((run) => parseLoopSubject(run.worker) ?? 0);
  return Math.max(1, ...loops);
}

/** The build as a command is judged against: as it stood when the command was written. */
interface Judging {
  ctx: DecideContext;
  atMs: number;
  workers: WorkerState[] | null;
  /** A valid plan (of the loop under way, in a series) is there to approve. */
  planned: boolean;
  /** Work has started on it (and no revised brief waits for `/approve`). */
  workStarted: boolean;
  /** Any session has started. */
  started: boolean;
  /** Improvement loops were asked for already. */
  improving: boolean;
}

/** What keeps a command from applying, by what its table entry says must hold (`applies`). */
function problemOf(command: Command, judging: Judging): string | null {
  const { ctx, atMs, workers, planned, workStarted } = judging;
  const applies = COMMANDS[command.name].applies;
  switch (applies) {
    case 'anytime':
      return null;
    case 'a-plan-to-approve':
      // An `/approve` of proposed follow-up questions, or the one that started them, applies.
      if (answersFollowUps(ctx, atMs)) return null;
      if (!planned)
        return 'there is no valid plan to approve yet; wait for the plan, or `/replan <what to change>`.';
      return workStarted ? 'the build is already running.' : null;
    case 'before-work':
      return workStarted
        ? 'the plan is settled once workers have started; steer a worker with `/retry W1.2 <instructions>` or `/skip W1.2`.'
        : null;
    case 'a-new-issue':
      return improveProblem(judging);
    case 'a-failed-synthesis':
      return synthesisProblem(ctx, atMs);
    case 'proposed-follow-ups':
      return followUpProblem(ctx, atMs);
    case 'a-change-set':
      return ROLLBACK_ONLY_IN_SETS;
    case 'a-worker':
    case 'an-unmerged-worker':
    case 'an-open-pull':
    case 'a-stopped-worker':
      return 'worker' in command ? workerProblem(command.worker, applies, workers) : null;
    case 'partial-work':
      return 'worker' in command
        ? (workerProblem(command.worker, applies, workers) ??
            partialProblem(command.worker, workers))
        : null;
    default: {
      const _exhaustive: never = applies;
      return _exhaustive;
    }
  }
}

/**
 * `/retry synthesis` runs a research build's synthesis again only once its
 * newest attempt, as it stood when the comment was written, has failed.
 */
function synthesisProblem(ctx: DecideContext, atMs: number): string | null {
  const { plan } = ctx.snapshot;
  if (plan.kind !== 'valid' || buildTypeOf(plan.plan) !== 'research')
    return 'only a research build has a synthesis to run again; steer a worker with `/retry W1.2 <instructions>`.';
  if (ctx.snapshot.finalPull) return 'the synthesis has succeeded: the final pull request is open.';
  const before = ctx.snapshot.runs.filter(
    (run) => run.role === 'synthesis' && run.worker === null && run.createdMs < atMs,
  );
  const latest = before.at(-1);
  if (!latest)
    return 'the synthesis has not run yet: it starts once every worker is merged or skipped.';
  const outcome = latest.outcome;
  if (outcome === 'active' || atMs <= latest.updatedMs)
    return 'the synthesis is still running; `/retry synthesis` runs it again once it has failed.';
  if (outcome === 'succeeded')
    return 'the synthesis has succeeded; the final pull request opens with its report.';
  return null;
}

/** Whether an `/approve` written at `at` answers follow-up questions: proposed, or approved by it. */
function answersFollowUps(ctx: DecideContext, atMs: number): boolean {
  const followUps = ctx.followUps;
  if (!followUps) return false;
  if (followUps.since && followUps.since.createdMs === atMs) return true;
  const proposed = followUps.proposed;
  return proposed !== null && (!proposed.declined || proposed.declined.createdMs >= atMs);
}

/** `/skip follow-ups` answers follow-up questions a synthesis proposed, once. */
function followUpProblem(ctx: DecideContext, atMs: number): string | null {
  const proposed = ctx.followUps?.proposed;
  if (!proposed)
    return "no follow-up questions wait for an answer; a research build's synthesis proposes them, and the status comment lists them.";
  const declined = proposed.declined;
  if (declined && declined.createdMs < atMs)
    return 'the follow-up questions were skipped already; the final pull request goes out without them.';
  return null;
}

/** `/improve` starts a series only on an issue where no session has run yet. */
function improveProblem({ started, improving }: Judging): string | null {
  if (improving)
    return 'improvement loops are already running on this issue; `/cancel` stops them.';
  if (started)
    return 'improvement loops start on an issue with no build: write `/improve N <focus>` on a new issue.';
  return null;
}

function workerProblem(
  id: string,
  applies: WorkerApplies,
  workers: WorkerState[] | null,
): string | null {
  if (!workers) return 'there is no valid plan yet, so no workers to steer.';
  const found = workers.find((state) => state.worker.id === id);
  if (!found) {
    const ids = workers.map((state) => state.worker.id).join(', ');
    return `${id} is not a worker of this build; its workers are ${ids}.`;
  }
  const { state } = found;
  const openPull = found.pull?.state === 'open';
  if (state === 'merged') return `${id} is merged already.`;
  if (state === 'skipped' && applies !== 'an-unmerged-worker') return `${id} was skipped.`;
  if (applies === 'an-open-pull' && !openPull) return `${id} has no open pull request to merge.`;
  const active = state === 'queued' || state === 'working';
  if (applies === 'a-stopped-worker' && active && !openPull) {
    return `${id} is still running; \`/retry\` works on a failed worker or on an open pull request.`;
  }
  return null;
}
