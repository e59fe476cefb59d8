/**
 * Merge autonomy by risk (docs/verification.md), a guard beside the holds of
 * `worker-holds.ts`: an approved worker whose evidence shows a class of
 * `verification.autonomy.waitFor` waits for a person instead of merging, its
 * row says why, and its pull request gets the small guide once per head. A
 * person's approval of the head or a `/merge` of it (given after the pull
 * request opened, with no fix session since: `forced`) lets it go on.
 */
import type { Action } from '../context/action.js';
import type { DecideContext } from '../context/decide-context.js';
import { autonomyWait, waitNote } from '../verification/autonomy.js';
import { contractVettingOf } from '../verification/risk.js';
import { renderWaitComment, waitCommentKey } from '../verification/wait-comment.js';
import type { WorkerState } from '../workers/worker-state.js';
import { notified } from './decide-notices.js';

/**
 * The workers with the waits applied (a waiting one is `needs-human`, no
 * longer `approved`, so no rule merges it), and the comments they need.
 */
export function applyAutonomy(
  ctx: DecideContext,
  workers: WorkerState[],
): { workers: WorkerState[]; actions: Action[] } {
  const actions: Action[] = [];
  const held = workers.map((state): WorkerState => {
    const { pull, assessment } = state;
    if (state.state !== 'approved' || pull?.state !== 'open' || !assessment) return state;
    if (assessment.forced) return state;
    const wait = autonomyWait(pull, ctx.config.verification, {
      contract: contractVettingOf(ctx.snapshot, pull.worker),
    });
    if (!wait) return state;
    actions.push({
      kind: 'comment',
      number: pull.number,
      key: waitCommentKey(wait),
      body: renderWaitComment(wait, { people: notified(ctx) }),
    });
    return { ...state, state: 'needs-human', note: waitNote(wait) };
  });
  return { workers: held, actions };
}
