/**
 * A build that has ended: delivered (its final PR merged) or cancelled, and,
 * once it is over, the hidden refs that only guarded its writes cleaned up.
 */
import type { Action, RuleAction } from '../context/action.js';
import type { DecideContext, Decision } from '../context/decide-context.js';
import { decideLearn } from '../rules/decide-learn.js';
import { notified } from '../rules/decide-notices.js';
import { decideCancelledMirrors } from '../rules/sub-issues.js';
import type { BuildSnapshot } from '../snapshot/snapshot.js';
import { baseGoneText } from '../status/render-progress.js';
import type { BaseGone, Cancellation } from '../status/status-view.js';
import { compareWorkerIds, integrationBranch, workerBranch } from '../vocabulary/ids.js';
import { mentions, noticeMarker } from '../vocabulary/notice.js';
import { snapshotProgress } from '../workers/build-progress.js';

/**
 * A build stops when a writer says `/cancel` or closes its issue; a delivered
 * build is done instead. A close counts only when whoever closed it steers
 * builds (write, maintain or admin, or Baton), or when GitHub closed it
 * through the build's final pull request: on a public repository the issue's
 * author may close it too, and may not stop a writer's build. Only a writer's
 * reopen undoes a writer's close (`cancellingClose`).
 */
export function isCancelled(ctx: DecideContext): boolean {
  return ctx.commands.cancelled !== null || ctx.cancellingClose !== null;
}

/**
 * A build that has ended, with what is left to do and the clean-up of its
 * refs (`withCleanUp`); null while it has not. Delivered (its final PR merged):
 * its learn session (`decideLearn`) and its status remain. Cancelled (`isCancelled`): it dispatches
 * nothing more; its open worker PRs are closed, its worker branches deleted,
 * its unfinished runs cancelled and its mirror sub-issues closed. The build
 * branch and its record stay, so the work done so far is not lost. Either
 * way the status shows the workers as they ended, worked out once.
 */
export function decideEnded(ctx: DecideContext): Decision<RuleAction | Action> | null {
  const delivered = ctx.snapshot.finalPull?.state === 'merged';
  const stopped = delivered ? null : baseGone(ctx.snapshot);
  if (!delivered && !stopped && !isCancelled(ctx)) return null;
  const { build } = ctx.snapshot;
  const ended = delivered
    ? { phase: 'done' as const, build }
    : {
        phase: 'cancelled' as const,
        build,
        cancelledBy: stopped ? null : cancelledBy(ctx),
        ...(stopped ? { stopped } : {}),
      };
  return withCleanUp(ctx, {
    // A delivered build's one learn session (docs/memory.md).
    actions: delivered
      ? decideLearn(ctx)
      : [...cancelActions(ctx), ...(stopped ? baseGoneNotice(ctx, stopped) : [])],
    view: { ...ended, progress: snapshotProgress(ctx) },
  });
}

/**
 * Why a build on a pull request's branch (the pull-label door) can go no further
 * before its final pull request opened: its base branch is gone, or the pull
 * request it lives on was closed (merged or not). Null for any other build.
 */
export function baseGone(
  snapshot: Pick<BuildSnapshot, 'base' | 'finalPull' | 'issue'>,
): BaseGone | null {
  const { base } = snapshot;
  if (!base || snapshot.finalPull) return null;
  if (base.sha === null) return { why: 'deleted', pull: base.pull, branch: base.branch };
  if (snapshot.issue.state === 'closed')
    return { why: 'closed', pull: base.pull, branch: base.branch };
  return null;
}

/** The one notice that names why the build stopped, to whoever asked (or `notify`). */
function baseGoneNotice(ctx: DecideContext, stopped: BaseGone): Action[] {
  const key = `base-gone-${stopped.why}`;
  if ((ctx.snapshot.notices ?? []).includes(key)) return [];
  const text = `🛑 Baton stopped this build: ${baseGoneText(stopped)} Open worker pull requests are closed and unfinished sessions cancelled; the build branch \`${integrationBranch(ctx.snapshot.build)}\` is kept.`;
  const body = [noticeMarker(ctx.snapshot.build, key), `${mentions(notified(ctx))}${text}`];
  return [{ kind: 'notice', key, body: body.join('\n') }];
}

/** Who cancelled the build: a `/cancel`, else the close that cancels (not always the latest). */
function cancelledBy(ctx: DecideContext): Cancellation | null {
  const cancel = ctx.commands.cancelled;
  const closed = ctx.cancellingClose;
  if (cancel) return { by: cancel.author, at: cancel.createdAt };
  return closed?.by && closed.at ? { by: closed.by, at: closed.at, closed: true } : null;
}

/** What stops a cancelled build's work: its open PRs, worker branches, unfinished runs, mirrors. */
function cancelActions(ctx: DecideContext): Action[] {
  const { snapshot } = ctx;
  return [
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
}

/**
 * Once a build is finished, its hidden refs that only guarded its writes go:
 * delivered (its final PR merged), cancelled (`/cancel` or a writer closing its issue),
 * or its final PR closed without merging while nothing is to start. Asked only
 * while the status comment is in sight (its lock has done its work) and never
 * beside a dispatch (whose lock must hold).
 *
 * - The token-exchange refs (`refs/baton-exchanges/<run>/<attempt>`) of its
 *   completed runs, up to the attempt each reached: the token endpoint turns a
 *   completed run away by itself, so the ref no longer keeps anything from
 *   happening twice. A run queued or in progress keeps its ref: without it,
 *   its attempt could trade its OIDC token again.
 * - Its lock refs, once no run of it is queued or in progress. Until then they
 *   stay, and their presence tells a later reconcile that there is more to
 *   delete; once they are gone, a finished build's reconcile costs one listing.
 *
 * What stops twins once the locks are gone is what `decide` reads: the runs
 * (no (role, worker, trigger) is dispatched twice), the notices' markers, the
 * status comment and the mirrors found on the issue. The usage and adaptation
 * records stay: every spend figure is counted from them.
 */
export function withCleanUp<A extends RuleAction>(
  ctx: DecideContext,
  decision: Decision<A>,
): Decision<A | Action> {
  const { snapshot } = ctx;
  if (!snapshot.statusComment) return decision;
  if (decision.actions.some((action) => action.kind === 'dispatch')) return decision;
  const completed = snapshot.runs.filter((run) => run.status === 'completed');
  const cleanUp: Action = {
    kind: 'clean-up-refs',
    runs: completed.map((run) => ({ id: run.id, attempt: run.attempt ?? 1 })),
    locks: completed.length === snapshot.runs.length,
  };
  return { ...decision, actions: [...decision.actions, cleanUp] };
}
