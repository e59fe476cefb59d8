import type { Action, RuleAction, SessionAsk } from '../context/action.js';
import type { DecideContext } from '../context/decide-context.js';
import { pickDispatches } from '../plan/schedule.js';
import { isRunning, type WorkerState } from '../workers/worker-state.js';

/** What the rules that order workers read: the context, every worker's state, and each one's chain of dependents. */
export interface ScheduleInput {
  ctx: DecideContext;
  workers: WorkerState[];
  chains: Map<string, number>;
}

/**
 * Starts work sessions: every ready worker (first attempts, and failed ones a
 * `/retry` asked for again), most urgent first, while fewer than `maxParallel`
 * are running. Nothing starts while paused or over budget.
 */
export function decideWorkers({ ctx, workers, chains }: ScheduleInput): RuleAction[] {
  if (!ctx.canDispatchWork) return [];
  const ready = new Map(
    workers.filter((state) => state.state === 'ready').map((state) => [state.worker.id, state]),
  );
  const picked = pickDispatches({
    ready: [...ready.keys()],
    running: workers.filter(isRunning).length,
    maxParallel: ctx.config.maxParallel,
    chains,
  });
  return picked.map((id): RuleAction => {
    const retry = ready.get(id)?.retry;
    const request: SessionAsk = retry
      ? { role: 'work', worker: id, trigger: `comment-${retry.commentId}` }
      : { role: 'work', worker: id };
    return { kind: 'dispatch', request, chain: chains.get(id) ?? 1 };
  });
}

/**
 * A skipped worker is done without merging: its open PR is closed and its
 * unfinished runs are cancelled, so it holds no slot. Its branch stays.
 */
export function decideSkips(ctx: DecideContext, workers: WorkerState[]): Action[] {
  return workers
    .filter((state) => state.state === 'skipped')
    .flatMap((state) => {
      const id = state.worker.id;
      const pulls = ctx.snapshot.pulls.filter(
        (pull) => pull.worker === id && pull.state === 'open',
      );
      const runs = ctx.snapshot.runs.filter(
        (run) => run.worker === id && run.status !== 'completed',
      );
      return [
        ...pulls.map((pull): Action => ({ kind: 'close-pull', pull: pull.number })),
        ...runs.map((run): Action => ({ kind: 'cancel-run', runId: run.id })),
      ];
    });
}
