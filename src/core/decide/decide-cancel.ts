import type { Action } from '../context/action.js';
import type { DecideContext, Decision } from '../context/decide-context.js';
import { decideCancelledMirrors } from '../rules/mirror.js';
import { compareWorkerIds, workerBranch } from '../vocabulary/ids.js';
import { snapshotProgress } from '../workers/build-progress.js';

/** A build stops when its issue is closed or someone says `/cancel`; a delivered build is done instead. */
export function isCancelled(ctx: DecideContext): boolean {
  return ctx.snapshot.issue.state === 'closed' || ctx.commands.cancelled !== null;
}

/**
 * A cancelled build dispatches nothing more: its open worker PRs are closed,
 * its worker branches deleted, its unfinished runs cancelled and its mirror
 * sub-issues closed. The build branch and its record stay, so the work done
 * so far is not lost.
 */
export function decideCancelled(ctx: DecideContext): Decision {
  const { snapshot, commands } = ctx;
  const actions: Action[] = [
    ...snapshot.pulls
      .filter((pull) => pull.state === 'open')
      .map((pull): Action => ({ kind: 'close-pull', pull: pull.number })),
    ...Object.keys(snapshot.branches)
      .sort(compareWorkerIds)
      .map(
        (worker): Action => ({
          kind: 'delete-branch',
          branch: workerBranch(snapshot.build, worker),
        }),
      ),
    ...snapshot.runs
      .filter((run) => run.status !== 'completed')
      .map((run): Action => ({ kind: 'cancel-run', runId: run.id })),
    ...decideCancelledMirrors(snapshot, ctx.config),
  ];
  const cancel = commands.cancelled;
  return {
    actions,
    view: {
      phase: 'cancelled',
      build: snapshot.build,
      progress: snapshotProgress(ctx),
      cancelledBy: cancel ? { by: cancel.author, at: cancel.createdAt } : null,
    },
  };
}

/** The final PR merged: the build is delivered, and only its status remains to show. */
export function decideDone(ctx: DecideContext): Decision {
  return {
    actions: [],
    view: { phase: 'done', build: ctx.snapshot.build, progress: snapshotProgress(ctx) },
  };
}
