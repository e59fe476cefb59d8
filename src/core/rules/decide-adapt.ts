import type { RuleAction } from '../context/action.js';
import type { DecideContext } from '../context/decide-context.js';
import { findRun, type JudgedRun, runLink } from '../context/runs.js';
import type { AdaptationView } from '../status/status-view.js';
import type { WorkerState } from '../workers/worker-state.js';
import type { Holds } from './worker-holds.js';

/** The adaptations of a running build, what they start, and which workers they hold back. */
export interface AdaptDecision {
  actions: RuleAction[];
  views: AdaptationView[];
  /** Workers that must not start yet, with the note their row shows (`worker-holds.ts`). */
  holds: Holds;
}

/**
 * Briefs that adapt: a merged worker's completion may name workers (`affects`)
 * that have not started (no branch, no run). For each such completion one plan
 * session in adapt mode (trigger `adapt-<source>`, guarded by its lock ref, so
 * once across replicas and redeliveries) may revise those briefs. The named
 * workers wait until it ends: succeeded (with `approval: plan` and a changed
 * brief, until an `/approve` given after it) or failed (then they start with
 * their old briefs). Only ids are read, never a brief or a completion's prose.
 */
export function decideAdaptations(ctx: DecideContext, workers: WorkerState[]): AdaptDecision {
  const byId = new Map(workers.map((state) => [state.worker.id, state]));
  const decision: AdaptDecision = { actions: [], views: [], holds: new Map() };
  for (const state of workers) {
    if (state.state !== 'merged' || !state.completion) continue;
    const source = state.worker.id;
    const targets = state.completion.affects.filter(
      (id) => id !== source && isUnstarted(ctx, byId.get(id)),
    );
    const run = findRun(ctx.snapshot.runs, {
      role: 'plan',
      worker: null,
      trigger: `adapt-${source}`,
    });
    if (!run && targets.length === 0) continue;
    // Once started (after a failed adaptation), the workers are still the ones it was for.
    const named = state.completion.affects.filter((id) => id !== source && byId.has(id));
    adaptOne({ ctx, decision, source, targets, named, run });
  }
  return decision;
}

function adaptOne({
  ctx,
  decision,
  source,
  targets,
  named,
  run,
}: {
  ctx: DecideContext;
  decision: AdaptDecision;
  source: string;
  targets: string[];
  named: string[];
  run: JudgedRun | null;
}): void {
  if (!run && ctx.canDispatchSessions) {
    decision.actions.push({
      kind: 'dispatch',
      request: { role: 'plan', trigger: `adapt-${source}` },
    });
  }
  const {
    state,
    workers = targets.length > 0 ? targets : named,
    diff = null,
    hold = null,
  } = stateOf(ctx, source, run);
  if (hold) for (const id of targets) if (!decision.holds.has(id)) decision.holds.set(id, hold);
  decision.views.push({ source, state, workers, run: run ? runLink(run) : null, diff });
}

/** Where one adaptation stands, and the note of the workers it holds, if it holds them. */
function stateOf(
  ctx: DecideContext,
  source: string,
  run: JudgedRun | null,
): { state: AdaptationView['state']; workers?: string[]; diff?: string; hold?: string } {
  // Not started, and no session may start (the budget or a daily cap is reached): the workers
  // wait for it, but nothing holds the build branch still for a session that is not running.
  if (!run && !ctx.canDispatchSessions) {
    return { state: 'pending', hold: `its brief will be revised after ${source}'s learnings` };
  }
  const outcome = run ? run.outcome : 'active';
  if (outcome === 'active') {
    return { state: 'revising', hold: `its brief is being revised after ${source}'s learnings` };
  }
  if (outcome === 'failed' || !run) return { state: 'failed' };
  const record = (ctx.snapshot.adaptations ?? []).find((entry) => entry.source === source);
  if (!record || record.workers.length === 0) return { state: 'unchanged' };
  const diff = `${ctx.links.repoUrl}/compare/${record.base}...${record.head}`;
  if (!isAwaitingApproval(ctx, run)) return { state: 'applied', workers: record.workers, diff };
  return {
    state: 'awaiting-approval',
    workers: record.workers,
    diff,
    hold: 'its revised brief waits for `/approve`',
  };
}

/** With `approval: plan`, a revision counts once an `/approve` comes after its session began. */
function isAwaitingApproval(ctx: DecideContext, run: JudgedRun): boolean {
  if (ctx.config.approval === 'none') return false;
  return !ctx.commands.approvals.some((info) => info.createdMs > run.createdMs);
}

/** A plan worker with no branch, no run and no pull request yet. */
function isUnstarted(ctx: DecideContext, state: WorkerState | undefined): boolean {
  if (!state || (state.state !== 'waiting' && state.state !== 'ready')) return false;
  const id = state.worker.id;
  return (
    state.attempts === 0 &&
    state.latestRun === null &&
    state.pull === null &&
    ctx.snapshot.branches[id] === undefined
  );
}
