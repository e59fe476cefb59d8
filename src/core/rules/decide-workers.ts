/**
 * The rules that order a build's workers by their chains of dependents, the
 * longest first: which approved PRs merge (`decideMerge`) and which workers
 * start (`decideWorkers`); and a skipped worker's clean-up (`decideSkips`).
 */
import type { Action, RuleAction, SessionAsk } from '../context/action.js';
import type { DecideContext } from '../context/decide-context.js';
import { workRoleOf } from '../plan/contract.js';
import { compareByPriority, pickDispatches } from '../plan/schedule.js';
import { asksUpToDate } from '../snapshot/up-to-date-rule.js';
import { mergesNow } from '../workers/merge-hold.js';
import { isRunning, type WorkerState } from '../workers/worker-state.js';

/** What the rules that order workers read: the context, every worker's state, and each one's chain of dependents. */
export interface ScheduleInput {
  ctx: DecideContext;
  workers: WorkerState[];
  chains: Map<string, number>;
}

/**
 * Starts work sessions: every ready worker (first attempts, failed ones a
 * `/retry` asked for again, and ones the budget stopped once it is raised), most urgent first, while fewer than `maxParallel`
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
    const state = ready.get(id);
    const retry = state?.retry;
    const resume = state?.resume;
    const request: SessionAsk = retry
      ? { role: workRoleOf(id), worker: id, trigger: `comment-${retry.commentId}` }
      : resume
        ? {
            role: workRoleOf(id),
            worker: id,
            ...(resume.trigger ? { trigger: resume.trigger } : {}),
            resume: resume.id,
          }
        : { role: workRoleOf(id), worker: id };
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

/**
 * Merges the approved, green PRs GitHub calls mergeable into the build
 * branch, the most urgent first, each with the head that was judged. All of
 * them go in one pass (act stops at the first that does not go: a conflict
 * the earlier merges made waits for the next look), unless the build branch
 * asks for up-to-date PRs: a ruleset of it says so (`upToDateRule`, read
 * before any merge), or a PR of the build has fallen behind (what branch
 * protection's rule, which only admins can read, shows). Then every merge
 * puts the others behind, and GitHub would refuse the next one of the pass
 * (405): one goes at a time. When none can merge,
 * the first one that fell behind is brought up to date; PRs are not updated
 * after every merge, which would cost a CI run each time.
 */
export function decideMerge({ ctx, workers, chains }: ScheduleInput): Action[] {
  const line = workers
    .filter((state) => state.state === 'approved' && state.pull?.state === 'open')
    .sort((a, b) => compareByPriority(chains)(a.worker.id, b.worker.id))
    .flatMap((state) => (state.pull ? [state.pull] : []));
  const upToDateRule = asksUpToDate(
    ctx.snapshot.integration,
    workers.flatMap((state) => (state.pull ? [state.pull] : [])),
  );
  const { requireChecks } = ctx.config.merge;
  const ready = line.filter((pull) => mergesNow(pull, { requireChecks }));
  if (ready.length > 0) {
    return ready.slice(0, upToDateRule ? 1 : ready.length).map((pull) => ({
      kind: 'merge-pull',
      pull: pull.number,
      worker: pull.worker,
      sha: pull.headSha,
      method: ctx.config.merge.method,
    }));
  }
  const behind = line.find((pull) => pull.mergeState === 'behind');
  return behind
    ? [{ kind: 'update-pull-branch', pull: behind.number, expectedHeadSha: behind.headSha }]
    : [];
}
