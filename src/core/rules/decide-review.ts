import { NEEDS_HUMAN_LABEL } from '../config/labels.js';
import type { Action, RuleAction } from '../context/action.js';
import type { DecideContext } from '../context/decide-context.js';
import type { PullInfo, Verdict } from '../snapshot/snapshot.js';
import { awaitsReviewCheck, isMergeHold } from '../workers/merge-hold.js';
import type { PullAssessment } from '../workers/pull-state.js';
import { needsHumanText } from '../workers/worker-note.js';
import type { WorkerState } from '../workers/worker-state.js';

/**
 * The review loop of every open worker PR: publish the verdict as the
 * `baton/review` check, re-run failed CI once, start the review or fix
 * session it needs, or hand it to a person with a label and one comment.
 */
export function decideReviews(ctx: DecideContext, workers: WorkerState[]): RuleAction[] {
  return workers.flatMap((state) => {
    const { pull, assessment } = state;
    if (pull?.state !== 'open' || !assessment) return [];
    return [
      ...labelActions(ctx, state, pull, assessment),
      ...reviewCheckActions(pull, assessment),
      ...rerunActions(assessment),
      ...sessionActions(ctx, pull, assessment),
    ];
  });
}

function labelActions(
  ctx: DecideContext,
  state: WorkerState,
  pull: PullInfo,
  { need }: PullAssessment,
): Action[] {
  const labelled = pull.labels.includes(NEEDS_HUMAN_LABEL);
  if (need.kind !== 'needs-human') {
    return labelled
      ? [{ kind: 'remove-label', number: pull.number, label: NEEDS_HUMAN_LABEL }]
      : [];
  }
  // Once labelled, people have been told; the comment goes first so a failed post is tried again.
  if (labelled) return [];
  const id = state.worker.id;
  // GitHub holds an approved one: only what it asks moves it, or a skip.
  const ways = isMergeHold(need.reason)
    ? ['- do what GitHub asks on this pull request; Baton merges it then,']
    : [
        '- push a fix to this branch; Baton reviews the new head,',
        `- reply \`/retry ${id} <instructions>\` for a fix session that follows them,`,
        `- reply \`/merge ${id}\` to merge it as it is (checks must still pass),`,
      ];
  const body = [
    `🙋 **${id} needs a person:** ${needsHumanText(ctx, need.reason)}.`,
    '',
    'You can:',
    ...ways,
    `- reply \`/skip ${id}\` to close it and let the build go on without it.`,
  ].join('\n');
  const key = `needs-human:${id}:${need.reason}:${pull.headSha}`;
  return [
    { kind: 'comment', number: pull.number, key, body },
    { kind: 'add-label', number: pull.number, label: NEEDS_HUMAN_LABEL },
  ];
}

/**
 * The check run `baton/review` carries an approval where GitHub holds the PR
 * (`blocked`: a rule of the build branch asks for something, maybe this
 * check), so branch protection can require Baton's review like any other
 * check; and a check already on the head follows a new verdict. Elsewhere it
 * would be a write no merge waits for: Baton merges on the verdict it reads,
 * and the review session's review shows it on the PR.
 */
function reviewCheckActions(pull: PullInfo, assessment: PullAssessment): Action[] {
  const verdict = checkVerdict(assessment);
  if (!verdict) return [];
  const current = pull.reviewCheck?.sha === pull.headSha ? pull.reviewCheck : null;
  if (current?.verdict === verdict) return [];
  if (!current && !(verdict === 'approve' && awaitsReviewCheck(pull))) return [];
  return [{ kind: 'set-review-check', pull: pull.number, sha: pull.headSha, verdict }];
}

function checkVerdict({ verdict, forced }: PullAssessment): Verdict | null {
  if (forced || verdict.kind === 'approve') return 'approve';
  if (verdict.kind === 'changes-requested') return 'changes-requested';
  return null;
}

function rerunActions({ need, rerun }: PullAssessment): Action[] {
  // A fix session is about to replace the head; its CI runs afresh.
  if (need.kind === 'wait' && need.state === 'fixing') return [];
  return rerun.map((runId) => ({ kind: 'rerun-failed-jobs', runId }));
}

function sessionActions(
  ctx: DecideContext,
  pull: PullInfo,
  { need }: PullAssessment,
): RuleAction[] {
  if (need.kind !== 'dispatch' || !ctx.canDispatchSessions) return [];
  const { role, trigger, resume } = need;
  const request = { role, worker: pull.worker, pr: pull.number, trigger };
  return [{ kind: 'dispatch', request: resume === undefined ? request : { ...request, resume } }];
}
