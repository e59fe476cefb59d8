import type { RuleAction } from '../context/action.js';
import type { DecideContext, Decision } from '../context/decide-context.js';
import { askAgainForMoney, moneyWaitText } from '../context/money-waits.js';
import { type JudgedRun, runLink } from '../context/runs.js';
import type { Plan } from '../plan/plan.js';
import { decideBuild, type PhaseDecision } from '../rules/decide-build.js';
import { isWorkRole, type SessionRole } from '../sessions/session.js';
import { compareTimes } from '../snapshot/normalize-snapshot.js';
import type { PlanRead } from '../snapshot/snapshot.js';
import { renderSeriesReport } from '../status/render-series.js';
import type { LoopStage, LoopView, SeriesView } from '../status/status-view.js';
import { findingsPath, loopSubject, parseLoopSubject, summaryPath } from '../vocabulary/ids.js';
import { isDone } from '../workers/worker-state.js';
import { decidePlanning } from './decide-planning.js';

/** What started an improvement series: a `/improve` comment, or the `improve.label`. */
export interface SeriesStart {
  loops: number;
  /** Who wrote the `/improve` or added the label. */
  by: string;
  at: string;
  /** The `/improve` comment, whose text is the focus; null for the label (the issue is). */
  commentId: number | null;
}

/**
 * What makes this build an improvement series: the first accepted `/improve`,
 * or the configured `improve.label` added (by a writer: the handler checks),
 * whichever came first, before any session of the build ran. A later
 * `/improve` is answered (check-commands.ts) and changes nothing.
 */
export function findSeries(ctx: DecideContext): SeriesStart | null {
  const starts: SeriesStart[] = [];
  const command = ctx.commands.improves[0];
  if (command?.command.name === 'improve') {
    const { loops } = command.command;
    starts.push({ loops, by: command.author, at: command.createdAt, commentId: command.commentId });
  }
  const labelled = improveLabelAsk(ctx);
  if (labelled) {
    const { loops } = ctx.config.improve;
    starts.push({ loops, by: labelled.by, at: labelled.at, commentId: null });
  }
  const scheduled = improveScheduleAsk(ctx);
  if (scheduled) starts.push({ ...scheduled, commentId: null });
  const first = starts.sort((a, b) => compareTimes(a.at, b.at))[0];
  if (!first) return null;
  const earlier = ctx.snapshot.runs.some((run) => compareTimes(run.createdAt, first.at) < 0);
  return earlier ? null : first;
}

/**
 * The `improve.label` that asked for the build: as the build's record of its
 * ask says; for a build started before the record, the label's first event by
 * a writer.
 */
function improveLabelAsk(ctx: DecideContext): { by: string; at: string } | null {
  const label = ctx.config.improve.label;
  if (!label) return null;
  const { ask } = ctx.snapshot;
  if (ask) {
    const byLabel = ask.how.way === 'label' && ask.how.label === label;
    return byLabel && ask.what.kind === 'improve' ? { by: ask.by, at: ask.at } : null;
  }
  const labelled = (ctx.snapshot.labelledBy ?? []).find((e) => e.label === label && e.at);
  return labelled?.at ? { by: labelled.login, at: labelled.at } : null;
}

/**
 * A schedule's firing that asked for improvement loops (its `improve:`), as the build's
 * record of its ask says: as many loops as the schedule names now on the default branch
 * (a schedule renamed or gone since: the `improve.loops` setting).
 */
function improveScheduleAsk(ctx: DecideContext): { loops: number; by: string; at: string } | null {
  const ask = ctx.snapshot.ask;
  if (ask?.how.way !== 'schedule' || ask.what.kind !== 'improve') return null;
  const name = ask.how.schedule;
  const schedule = ctx.config.schedules.find((one) => one.name === name);
  return { loops: schedule?.improve?.loops ?? ctx.config.improve.loops, by: ask.by, at: ask.at };
}

/**
 * An improvement series (docs/improve.md): loop after loop, a research
 * session, a plan from its findings, the workers as in any build, then a
 * summary session; the next loop's research reads only that summary. The loop
 * under way is the newest one with a research run. Research that finds
 * nothing worth doing, a failed summary or the last loop ends the series, and
 * the final PR (one for the series) opens once everything is merged.
 */
export function decideSeries(ctx: DecideContext, start: SeriesStart): PhaseDecision {
  const loop = currentLoop(ctx);
  const subject = loopSubject(loop);
  const plan = ctx.snapshot.plan.kind === 'valid' ? seriesPlan(ctx, ctx.snapshot.plan.plan) : null;
  const step = (stage: LoopStage, run: JudgedRun | null, ended: SeriesView['ended'] = null) =>
    seriesView({ ctx, start, plan, current: { loop, stage, run }, ended });
  const runs = loopRunsOf(ctx, subject);
  const { research } = runs;
  if (!research) {
    const first = researchSession(start, loop);
    return improving(ctx, ctx.canDispatchWork ? [first] : [], step('researching', null));
  }
  const researched = research.outcome;
  const result = ctx.snapshot.research?.[loop];
  const researchMoney = researched === 'failed' ? askAgainForMoney(ctx, research) : null;
  if (researchMoney) {
    const view = step('research-awaiting-budget', research);
    const money = moneyWaitText(ctx, researchMoney.wait);
    return improving(ctx, ctx.canDispatchWork ? researchMoney.again : [], { ...view, money });
  }
  if (researched === 'failed' || result?.kind === 'invalid') {
    return improving(ctx, [], step('research-failed', research));
  }
  if (researched === 'active' || !result) return improving(ctx, [], step('researching', research));
  if (result.result.nothing_worth_doing) {
    const series = step('nothing-worth-doing', research, 'nothing-worth-doing');
    // Earlier loops' work still goes out in the final PR; with none, the series just ends.
    return plan ? finish(ctx, plan, series) : improving(ctx, [], series);
  }
  const scoped = loopContext(ctx, { loop, sinceMs: research.createdMs });
  const planning = decidePlanning(scoped);
  if (planning.kind === 'decided' || !plan) {
    const planRun = runs.plan ?? research;
    const decision: Decision =
      planning.kind === 'decided'
        ? held(ctx, planning.decision)
        : { actions: [], view: { phase: 'improving', build: ctx.snapshot.build } };
    return attach({ ...decision, workers: [] }, step('planning', planRun));
  }
  return decideLoopWork({ ctx, plan, loop, runs, start, step });
}

/** The loop's workers run; once all are merged or skipped, its summary, then the next loop or the end. */
function decideLoopWork({
  ctx,
  plan,
  loop,
  runs,
  start,
  step,
}: {
  ctx: DecideContext;
  plan: Plan;
  loop: number;
  runs: LoopRuns;
  start: SeriesStart;
  step: (stage: LoopStage, run: JudgedRun | null, ended?: SeriesView['ended']) => SeriesView;
}): PhaseDecision {
  const subject = loopSubject(loop);
  const built = decideBuild(ctx, plan, { final: false });
  if (!built.workers.every(isDone)) return attach(built, step('working', runs.plan));
  const { summary } = runs;
  if (!summary) {
    const summarize: RuleAction = {
      kind: 'dispatch',
      request: { role: 'summary', worker: subject },
    };
    const actions = ctx.canDispatchWork ? [summarize] : [];
    return attach({ ...built, actions: [...built.actions, ...actions] }, step('summarizing', null));
  }
  const summarized = summary.outcome;
  if (summarized === 'active') return attach(built, step('summarizing', summary));
  const summaryMoney = summarized === 'failed' ? askAgainForMoney(ctx, summary) : null;
  if (summaryMoney) {
    const view = step('summary-awaiting-budget', summary);
    const money = moneyWaitText(ctx, summaryMoney.wait);
    const actions = [...built.actions, ...(ctx.canDispatchWork ? summaryMoney.again : [])];
    return attach({ ...built, actions }, { ...view, money });
  }
  // Without a summary the next loop would have nothing to read: the series ends with what it has.
  if (summarized === 'failed')
    return finish(ctx, plan, step('summary-failed', summary, 'all-loops'));
  if (loop >= start.loops) return finish(ctx, plan, step('done', summary, 'all-loops'));
  const next = researchSession(start, loop + 1);
  const actions = ctx.canDispatchWork ? [next] : [];
  return attach({ ...built, actions: [...built.actions, ...actions] }, step('done', summary));
}

/**
 * The plan as the series shows and delivers it: every loop's workers under the
 * issue's title (each loop's own plan title is shown while it waits for
 * `/approve`), so the final PR is named for what was asked, not the last loop.
 */
function seriesPlan(ctx: DecideContext, plan: Plan): Plan {
  return {
    ...plan,
    title: ctx.snapshot.issue.title.trim().slice(0, 200) || plan.title,
    summary:
      "Improvement loops: each loop's research found what to do, its plan's workers did it, and its summary says what changed, what was learned and what is left.",
  };
}

/**
 * A paused series, or one over its budget, holds its loop's plan session (the
 * first, or a `/replan`'s) as it holds every other session of the series.
 */
function held(ctx: DecideContext, decision: Decision): Decision {
  if (ctx.canDispatchWork) return decision;
  return { ...decision, actions: decision.actions.filter((action) => action.kind !== 'dispatch') };
}

/** A loop's research answers the `/improve` comment (its focus); a label's, the issue. */
function researchSession(start: SeriesStart, loop: number): RuleAction {
  const worker = loopSubject(loop);
  const request =
    start.commentId === null
      ? { role: 'research' as const, worker }
      : { role: 'research' as const, worker, trigger: `comment-${start.commentId}` as const };
  return { kind: 'dispatch', request };
}

/** The series is over: every merged worker goes out in one final PR with a section per loop. */
function finish(ctx: DecideContext, plan: Plan, series: SeriesView): PhaseDecision {
  const built = decideBuild(ctx, plan, { seriesReport: renderSeriesReport(series) });
  return attach(built, series);
}

function improving(ctx: DecideContext, actions: RuleAction[], series: SeriesView): PhaseDecision {
  return { actions, view: { phase: 'improving', build: ctx.snapshot.build, series }, workers: [] };
}

function attach(decision: PhaseDecision, series: SeriesView): PhaseDecision {
  return { ...decision, view: { ...decision.view, series } };
}

/** The newest loop with a research run; loop 1 before any. */
function currentLoop(ctx: DecideContext): number {
  const loops = ctx.snapshot.runs
    .filter((run) => run.role === 'research')
    .map((run) => parseLoopSubject(run.worker) ?? 0);
  return Math.max(1, ...loops);
}

/** The newest research, plan and summary runs of one loop. */
interface LoopRuns {
  research: JudgedRun | null;
  plan: JudgedRun | null;
  summary: JudgedRun | null;
}

function loopRunsOf(ctx: DecideContext, subject: string): LoopRuns {
  return {
    research: lastRun(ctx, 'research', subject),
    plan: lastRun(ctx, 'plan', subject),
    summary: lastRun(ctx, 'summary', subject),
  };
}

function lastRun(ctx: DecideContext, role: SessionRole, subject: string): JudgedRun | null {
  return (
    ctx.snapshot.runs.filter((run) => run.role === role && run.worker === subject).at(-1) ?? null
  );
}

/**
 * The build as loop `loop`'s planning sees it: only its own plan runs and
 * workers, the `/replan`s given since its research started, and with
 * `improve.approval: first-loop` no `/approve` needed after the first loop.
 */
function loopContext(
  ctx: DecideContext,
  { loop, sinceMs }: { loop: number; sinceMs: number },
): DecideContext {
  const subject = loopSubject(loop);
  const plan = ctx.snapshot.plan;
  const mine = plan.kind === 'valid' ? plan.plan.workers.filter((w) => w.loop === loop) : [];
  const ids = new Set(mine.map((worker) => worker.id));
  const loopPlan: PlanRead =
    plan.kind !== 'valid'
      ? plan
      : mine.length > 0
        ? { ...plan, plan: { ...plan.plan, workers: mine } }
        : { kind: 'missing' };
  const runs = ctx.snapshot.runs.filter((run) => {
    if (run.role === 'plan') return run.worker === subject;
    if (isWorkRole(run.role)) return ids.has(run.worker ?? '');
    return true;
  });
  const unapproved = loop > 1 && ctx.config.improve.approval === 'first-loop';
  return {
    ...ctx,
    snapshot: { ...ctx.snapshot, plan: loopPlan, runs },
    config: unapproved ? { ...ctx.config, approval: 'none' } : ctx.config,
    commands: {
      ...ctx.commands,
      replans: ctx.commands.replans.filter((info) => info.createdMs > sinceMs),
    },
    subject,
  };
}

function seriesView({
  ctx,
  start,
  plan,
  current,
  ended,
}: {
  ctx: DecideContext;
  start: SeriesStart;
  plan: Plan | null;
  current: { loop: number; stage: LoopStage; run: JudgedRun | null };
  ended: SeriesView['ended'];
}): SeriesView {
  const { build } = ctx.snapshot;
  const loops: LoopView[] = [];
  for (let loop = 1; loop <= current.loop; loop++) {
    const now = loop === current.loop;
    const stage = now ? current.stage : 'done';
    const run = now ? current.run : lastRun(ctx, 'summary', loopSubject(loop));
    const researched = !['researching', 'research-failed', 'research-awaiting-budget'].includes(
      stage,
    );
    const summarized = stage === 'done';
    loops.push({
      loop,
      stage,
      run: run ? runLink(run) : null,
      findings: researched ? findingsPath(build, loop) : null,
      summary: summarized ? summaryPath(build, loop) : null,
      workers: (plan?.workers ?? []).filter((w) => w.loop === loop).map((w) => w.id),
    });
  }
  return {
    asked: start.loops,
    by: start.by,
    loops,
    ended,
    paused: ctx.commands.paused !== null,
    budgetReached: ctx.budgetReached,
    links: ctx.links,
  };
}
