import type { Action } from './action.js';
import { decideBuild, withNotices } from './decide-build.js';
import {
  type DecideContext,
  type Decision,
  dispatch,
  repoLinks,
  runLink,
  runOutcome,
} from './decide-context.js';
import { decidePlanning } from './decide-planning.js';
import { findingsPath, loopSubject, parseLoopSubject, summaryPath } from './ids.js';
import { compareTimes } from './normalize-snapshot.js';
import type { Plan } from './plan.js';
import { renderSeriesReport } from './render-series.js';
import type { SessionRole } from './session.js';
import type { CommandInfo, PlanRead, RunInfo } from './snapshot.js';
import type { LoopStage, LoopView, SeriesView } from './status-view.js';
import { isDone } from './worker-state.js';

/**
 * The `/improve` that makes this build an improvement series: the first one,
 * taken before any session of the build ran. A later `/improve` is answered
 * (check-commands.ts) and changes nothing.
 */
export function findSeries(ctx: DecideContext): CommandInfo | null {
  const first = ctx.commands.improves[0];
  if (!first) return null;
  const earlier = ctx.snapshot.runs.some((run) => compareTimes(run.createdAt, first.createdAt) < 0);
  return earlier ? null : first;
}

/**
 * An improvement series (docs/improve.md): loop after loop, a research
 * session, a plan from its findings, the workers as in any build, then a
 * summary session; the next loop's research reads only that summary. The loop
 * under way is the newest one with a research run. Research that finds
 * nothing worth doing, a failed summary or the last loop ends the series, and
 * the final PR (one for the series) opens once everything is merged.
 */
export function decideSeries(ctx: DecideContext, improve: CommandInfo): Decision {
  const asked = improve.command.name === 'improve' ? improve.command.loops : 1;
  const loop = currentLoop(ctx);
  const subject = loopSubject(loop);
  const plan = ctx.snapshot.plan.kind === 'valid' ? ctx.snapshot.plan.plan : null;
  const step = (stage: LoopStage, run: RunInfo | null, ended: SeriesView['ended'] = null) =>
    seriesView({ ctx, improve, plan, current: { loop, stage, run }, ended });
  const research = lastRun(ctx, 'research', subject);
  if (!research) {
    const trigger = `comment-${improve.commentId}` as const;
    const start = dispatch(ctx, { role: 'research', worker: subject, trigger });
    return improving(ctx, ctx.canDispatchWork ? [start] : [], step('researching', null));
  }
  const researched = runOutcome(ctx, research);
  const result = ctx.snapshot.research?.[loop];
  if (researched === 'failed' || result?.kind === 'invalid') {
    return improving(ctx, [], step('research-failed', research));
  }
  if (researched === 'active' || !result) return improving(ctx, [], step('researching', research));
  if (result.result.nothing_worth_doing) {
    const series = step('nothing-worth-doing', research, 'nothing-worth-doing');
    // Earlier loops' work still goes out in the final PR; with none, the series just ends.
    return plan ? finish(ctx, plan, series) : improving(ctx, [], series);
  }
  const scoped = loopContext(ctx, { loop, since: research.createdAt });
  const planning = decidePlanning(scoped);
  if (planning.kind === 'decided' || !plan) {
    const planRun = lastRun(ctx, 'plan', subject) ?? research;
    const decision: Decision =
      planning.kind === 'decided'
        ? planning.decision
        : { actions: [], view: { phase: 'improving', build: ctx.snapshot.build } };
    return attach(withNotices(scoped, decision, []), step('planning', planRun));
  }
  return decideLoopWork({ ctx, plan, loop, asked, step });
}

/** The loop's workers run; once all are merged or skipped, its summary, then the next loop or the end. */
function decideLoopWork({
  ctx,
  plan,
  loop,
  asked,
  step,
}: {
  ctx: DecideContext;
  plan: Plan;
  loop: number;
  asked: number;
  step: (stage: LoopStage, run: RunInfo | null, ended?: SeriesView['ended']) => SeriesView;
}): Decision {
  const subject = loopSubject(loop);
  const built = decideBuild(ctx, plan, { final: false });
  const workRun = lastRun(ctx, 'plan', subject);
  if (!built.workers.every(isDone)) return attach(built, step('working', workRun));
  const summary = lastRun(ctx, 'summary', subject);
  if (!summary) {
    const start = dispatch(ctx, { role: 'summary', worker: subject });
    const actions = ctx.canDispatchWork ? [start] : [];
    return attach({ ...built, actions: [...built.actions, ...actions] }, step('summarizing', null));
  }
  const summarized = runOutcome(ctx, summary);
  if (summarized === 'active') return attach(built, step('summarizing', summary));
  // Without a summary the next loop would have nothing to read: the series ends with what it has.
  if (summarized === 'failed')
    return finish(ctx, plan, step('summary-failed', summary, 'all-loops'));
  if (loop >= asked) return finish(ctx, plan, step('done', summary, 'all-loops'));
  const next = dispatch(ctx, {
    role: 'research',
    worker: loopSubject(loop + 1),
    trigger: `comment-${ctx.commands.improves[0]?.commentId ?? 0}`,
  });
  const actions = ctx.canDispatchWork ? [next] : [];
  return attach({ ...built, actions: [...built.actions, ...actions] }, step('done', summary));
}

/** The series is over: every merged worker goes out in one final PR with a section per loop. */
function finish(ctx: DecideContext, plan: Plan, series: SeriesView): Decision {
  const built = decideBuild(ctx, plan, { seriesReport: renderSeriesReport(series) });
  return attach(built, series);
}

function improving(ctx: DecideContext, actions: Action[], series: SeriesView): Decision {
  return withNotices(
    ctx,
    { actions, view: { phase: 'improving', build: ctx.snapshot.build, series } },
    [],
  );
}

function attach(decision: Decision, series: SeriesView): Decision {
  return { actions: decision.actions, view: { ...decision.view, series } };
}

/** The newest loop with a research run; loop 1 before any. */
function currentLoop(ctx: DecideContext): number {
  const loops = ctx.snapshot.runs
    .filter((run) => run.role === 'research')
    .map((run) => parseLoopSubject(run.worker) ?? 0);
  return Math.max(1, ...loops);
}

function lastRun(ctx: DecideContext, role: SessionRole, subject: string): RunInfo | null {
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
  { loop, since }: { loop: number; since: string },
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
    if (run.role === 'work') return ids.has(run.worker ?? '');
    return true;
  });
  const unapproved = loop > 1 && ctx.config.improve.approval === 'first-loop';
  return {
    ...ctx,
    snapshot: { ...ctx.snapshot, plan: loopPlan, runs },
    config: unapproved ? { ...ctx.config, approval: 'none' } : ctx.config,
    commands: {
      ...ctx.commands,
      replans: ctx.commands.replans.filter((info) => compareTimes(info.createdAt, since) > 0),
    },
    subject,
  };
}

function seriesView({
  ctx,
  improve,
  plan,
  current,
  ended,
}: {
  ctx: DecideContext;
  improve: CommandInfo;
  plan: Plan | null;
  current: { loop: number; stage: LoopStage; run: RunInfo | null };
  ended: SeriesView['ended'];
}): SeriesView {
  const { build } = ctx.snapshot;
  const loops: LoopView[] = [];
  for (let loop = 1; loop <= current.loop; loop++) {
    const now = loop === current.loop;
    const stage = now ? current.stage : 'done';
    const run = now ? current.run : lastRun(ctx, 'summary', loopSubject(loop));
    const researched = !['researching', 'research-failed'].includes(stage);
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
    asked: improve.command.name === 'improve' ? improve.command.loops : 1,
    by: improve.author,
    loops,
    ended,
    paused: ctx.commands.paused !== null,
    budgetReached: ctx.budgetReached,
    links: repoLinks(ctx.snapshot),
  };
}
