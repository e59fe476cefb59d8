import type { RuleAction } from '../context/action.js';
import type { DecideContext } from '../context/decide-context.js';
import { askAgainForMoney } from '../context/money-waits.js';
import { repeatRate, reviewLessonsOf } from '../memory/repeat-rate.js';
import { buildCriterionRepository, criteriaOf, type PlannedCriterion } from '../plan/contract.js';
import { buildTypeOf, type Plan } from '../plan/plan.js';
import type { ValidationRecord } from '../plan/validation.js';
import type { Completion } from '../records/completion.js';
import { renderReport } from '../status/render-report.js';
import type { BuildProgress } from '../status/status-view.js';
import { type GuideWorker, renderReviewGuide } from '../verification/review-guide.js';
import { contractVettingOf, judgeRisk, noRisk } from '../verification/risk.js';
import { mergeTrailers, validationEvidence } from '../verification/write-trailers.js';
import { neutralizeClosingKeywords } from '../vocabulary/closing-keywords.js';
import { parseBuildId, parseMemberBuildId, reportPath } from '../vocabulary/ids.js';
import { trailerLines } from '../vocabulary/trailers.js';
import { isDone, type WorkerState } from '../workers/worker-state.js';
import { finalReviewers } from './decide-notices.js';
import { type Skips, settles, validationHoldsFinal } from './decide-validate.js';

/**
 * Once every worker is merged or skipped, the build branch goes to the
 * default branch in one final PR whose body is the delivery report; with
 * `final.autoMerge`, GitHub merges it when its checks pass. A research build
 * first runs its synthesis session, which commits the report to the build
 * branch and posts its summary on the issue; the final PR waits for it.
 */
export function decideFinal({
  ctx,
  plan,
  workers,
  progress,
  seriesReport,
}: {
  ctx: DecideContext;
  plan: Plan;
  workers: WorkerState[];
  progress: BuildProgress;
  /** An improvement series' section per loop, for the report. */
  seriesReport?: string;
}): RuleAction[] {
  if (!workers.every(isDone)) return [];
  const final = ctx.snapshot.finalPull;
  // With a contract, the last milestone's validation passes first (docs/verification.md).
  if (!final && validationHoldsFinal(ctx, plan)) return [];
  const { synthesis } = ctx;
  if (!final && buildTypeOf(plan) === 'research' && synthesis) {
    // A session costs like any other: a pause or a reached budget holds it, and every retry, too.
    if (!synthesis.latest) {
      // After approved follow-ups, the synthesis answers the `/approve` that started them.
      const since = ctx.followUps?.since;
      const first: RuleAction = {
        kind: 'dispatch',
        request: since
          ? { role: 'synthesis', trigger: `comment-${since.commentId}` }
          : { role: 'synthesis' },
      };
      return ctx.canDispatchWork ? [first] : [];
    }
    // One the budget stopped runs again by itself once there is money.
    const money = synthesis.outcome === 'failed' ? askAgainForMoney(ctx, synthesis.latest) : null;
    if (money && !synthesis.retry) return ctx.canDispatchWork ? money.again : [];
    // A failed synthesis waits for a person's `/retry synthesis`: each attempt costs (docs/build-types.md).
    if (synthesis.retry) {
      const trigger = `comment-${synthesis.retry.commentId}` as const;
      return ctx.canDispatchWork
        ? [{ kind: 'dispatch', request: { role: 'synthesis', trigger } }]
        : [];
    }
    if (synthesis.outcome !== 'succeeded') return [];
    // Proposed follow-up questions wait for a person: `/approve` runs them, `/skip follow-ups` goes on.
    const proposed = ctx.followUps?.proposed;
    if (proposed && !proposed.declined) return [];
  }
  if (!final) {
    const completions: Record<string, Completion> = {};
    for (const state of workers)
      if (state.completion) completions[state.worker.id] = state.completion;
    return [
      {
        kind: 'open-final-pull',
        title: finalTitle(ctx.snapshot.build, plan),
        body: withReportLine(
          renderReport({
            plan,
            progress,
            completions,
            repeats: repeatRate(reviewLessonsOf(ctx.snapshot)),
            // A research build delivers a report, not code to review.
            ...(buildTypeOf(plan) === 'research' ? {} : { guide: reviewGuide(ctx, plan, workers) }),
            ...(seriesReport ? { seriesReport } : {}),
            ...(ctx.snapshot.changeSet ? { changeSet: ctx.snapshot.changeSet } : {}),
            ...trailerList(ctx, workers),
          }),
          ctx,
          plan,
        ),
        reviewers: finalReviewers(ctx),
      },
    ];
  }
  const wantsAutoMerge = ctx.config.final.autoMerge && final.autoMerge !== true;
  return final.state === 'open' && wantsAutoMerge
    ? [{ kind: 'enable-auto-merge', pull: final.number }]
    : [];
}

/**
 * The review guide the final PR opens with (docs/verification.md): the plan's
 * criteria with the contract's checks, and the merged workers ranked by the
 * risk their evidence shows.
 */
function reviewGuide(ctx: DecideContext, plan: Plan, workers: WorkerState[]): string {
  const settings = ctx.config.verification;
  const shown = workers.map((state): GuideWorker => {
    const pull = state.state === 'merged' ? state.pull : null;
    return {
      id: state.worker.id,
      title: state.worker.title,
      outcome: pull ? 'merged' : 'skipped',
      pull,
      risk: pull
        ? judgeRisk(pull, settings, { contract: contractVettingOf(ctx.snapshot, pull.worker) })
        : noRisk(state.worker.id),
    };
  });
  return renderReviewGuide({
    criteria: guideCriteria(ctx, plan),
    contract: ctx.snapshot.contract,
    workers: shown,
    requireChecks: ctx.config.merge.requireChecks,
    ...lastPassed(ctx.snapshot.validations, ctx.commands.skips, {
      binding: ctx.snapshot,
      method: ctx.config.merge.method,
    }),
  });
}

/**
 * Each merged worker's trailers, as its merge carried them (docs/governance.md),
 * the validation the final pull request waited for named with each.
 */
function trailerList(ctx: DecideContext, workers: WorkerState[]): { trailers?: string } {
  const { validated } = lastPassed(ctx.snapshot.validations, ctx.commands.skips, {
    binding: ctx.snapshot,
    method: ctx.config.merge.method,
  });
  const validation = validated ? [validationEvidence(ctx.snapshot.build, validated)] : [];
  const lists = workers.flatMap((state) => {
    if (state.state !== 'merged' || !state.pull) return [];
    const trailers = mergeTrailers({
      snapshot: ctx.snapshot,
      pull: state.pull,
      config: ctx.config,
    });
    const lines = trailerLines({
      ...trailers,
      evidence: [...(trailers.evidence ?? []), ...validation],
    });
    return [`**${state.worker.id}**\n\n\`\`\`text\n${lines.join('\n')}\n\`\`\``];
  });
  if (lists.length === 0) return {};
  return {
    trailers: [
      '### Who asked, who approved, on what evidence',
      "Each worker's trailers, as its merge into the build branch carries them:",
      ...lists,
    ].join('\n\n'),
  };
}

/**
 * The criteria the guide maps to checks: a build's every one; a change set's member's, those
 * its own contract holds (its workers', and the build's it is the last to land of those named).
 */
function guideCriteria(ctx: DecideContext, plan: Plan): PlannedCriterion[] {
  const criteria = criteriaOf(plan);
  const set = ctx.snapshot.changeSet;
  if (!set) return criteria;
  const here = `${ctx.snapshot.repo.owner}/${ctx.snapshot.repo.name}`.toLowerCase();
  return criteria.filter(
    (criterion) =>
      criterion.worker !== null ||
      buildCriterionRepository(criterion.text, set.repositories) === here,
  );
}

/**
 * The validation of the highest milestone that settled it (passed, or accepted unproven
 * by a person), the one the final pull request waited for.
 */
function lastPassed(
  records: ValidationRecord[] | undefined,
  skips: Skips,
  facts: Parameters<typeof settles>[2],
): { validated?: ValidationRecord } {
  const passed = (records ?? []).filter((record) => settles(record, skips, facts));
  const last = passed.reduce<ValidationRecord | null>(
    (best, record) => (best === null || record.milestone >= best.milestone ? record : best),
    null,
  );
  return last ? { validated: last } : {};
}

/**
 * `[<slug>] <plan title>`. The title is the squash commit's on the default
 * branch, and the plan's title is a model's: it may close no issue.
 */
export function finalTitle(build: string, plan: Plan): string {
  const own = parseMemberBuildId(build)?.build ?? build;
  return `[${parseBuildId(own)?.slug ?? build}] ${neutralizeClosingKeywords(plan.title)}`;
}

/** A research build's final PR names the report it delivers. */
function withReportLine(body: string, ctx: DecideContext, plan: Plan): string {
  if (buildTypeOf(plan) !== 'research') return body;
  return `${body}\n\n**The report:** \`${reportPath(ctx.snapshot.build)}\`, written by the synthesis from every worker's findings.`;
}
