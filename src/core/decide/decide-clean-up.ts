import type { Action, RuleAction } from '../context/action.js';
import type { DecideContext, Decision } from '../context/decide-context.js';

/**
 * Once a build is finished, its hidden refs that only guarded its writes go:
 * delivered (its final PR merged), cancelled (`/cancel` or its issue closed),
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
