import type { RuleAction, SessionAsk } from '../context/action.js';
import type { DecideContext, Decision } from '../context/decide-context.js';
import { askAgainForMoney, moneyWaitText } from '../context/money-waits.js';
import { findRun, type JudgedRun, lookAgain, runLink } from '../context/runs.js';
import type { Plan } from '../plan/plan.js';
import { decideBuild, type PhaseDecision } from '../rules/decide-build.js';
import { isWorkRole } from '../sessions/session.js';
import { estimateBuild } from '../snapshot/estimate.js';
import type { CommandInfo, PlanRead } from '../snapshot/snapshot.js';
import type { StatusView } from '../status/status-view.js';

/** Either the build is still in its planning phases, or it runs an approved plan. */
export type PlanningOutcome =
  | { kind: 'decided'; decision: Decision }
  | { kind: 'build'; plan: Plan };

/** A build planned once from its issue: its planning phases, then its plan's rules. */
export function decideSingle(ctx: DecideContext): PhaseDecision {
  const planning = decidePlanning(ctx);
  return planning.kind === 'decided'
    ? { ...planning.decision, workers: [] }
    : decideBuild(ctx, planning.plan);
}

/**
 * The planning phases: dispatch the plan (or a replan), wait for it, report a
 * failed or invalid plan, and hold a valid plan until `/approve` when
 * `approval: plan`. Once work sessions have started, the plan is settled and
 * `/replan` no longer applies.
 */
export function decidePlanning(ctx: DecideContext): PlanningOutcome {
  const { plan, runs } = ctx.snapshot;
  const workStarted = runs.some((run) => isWorkRole(run.role));
  if (workStarted && plan.kind === 'valid') return { kind: 'build', plan: plan.plan };
  const replan = workStarted || !ctx.canDispatchSessions ? null : pendingReplan(ctx);
  if (replan) {
    const action = planSession(ctx, { role: 'plan', trigger: `comment-${replan.commentId}` });
    return decided([action], planningView(ctx, null, true));
  }
  const planRuns = runs.filter((run) => run.role === 'plan');
  const latest = planRuns.at(-1) ?? null;
  if (latest && latest.outcome === 'active') {
    return decided([], planningView(ctx, latest, latest.trigger !== null));
  }
  return settledPlan(ctx, plan, planRuns);
}

function settledPlan(ctx: DecideContext, plan: PlanRead, planRuns: JudgedRun[]): PlanningOutcome {
  const { build } = ctx.snapshot;
  const latest = planRuns.at(-1);
  switch (plan.kind) {
    case 'missing':
      // The first plan's dispatch is guarded by creating the build branch (see `lockFor`);
      // it waits, like every session, while a daily cap is reached, and the status says so.
      if (!latest)
        return decided(
          ctx.dailyHolds.length > 0 ? [] : [planSession(ctx, { role: 'plan' })],
          planningView(ctx, null, false),
        );
      return missingPlan(ctx, latest);
    case 'invalid':
      return decided([], {
        phase: 'plan-invalid',
        build,
        problems: plan.problems,
        links: ctx.links,
      });
    case 'valid':
      if (isApproved(ctx, planRuns)) return { kind: 'build', plan: plan.plan };
      return decided([], {
        phase: 'plan-ready',
        build,
        plan: plan.plan,
        config: ctx.config,
        links: ctx.links,
        estimate: estimateBuild({ plan: plan.plan, config: ctx.config }),
        spent: ctx.ledger.total,
      });
    default: {
      const _exhaustive: never = plan;
      return _exhaustive;
    }
  }
}

/**
 * A plan run ended and no plan is in sight: failed, unless it succeeded
 * moments ago (`SETTLE_MS`) or the budget stopped it, when it waits for money
 * and runs again by itself.
 */
function missingPlan(ctx: DecideContext, latest: JudgedRun): PlanningOutcome {
  const settles = latest.settlesInMs;
  if (settles !== null) {
    return decided(lookAgain([settles]), planningView(ctx, latest, latest.trigger !== null));
  }
  const money = askAgainForMoney(ctx, latest);
  if (money) {
    const text = moneyWaitText(ctx, money.wait);
    return decided(money.again, planningView(ctx, latest, latest.trigger !== null, text));
  }
  return decided([], { phase: 'plan-failed', build: ctx.snapshot.build, run: runLink(latest) });
}

/** `approval: none`, or an `/approve` given after the plan run that wrote the plan. */
function isApproved(ctx: DecideContext, planRuns: JudgedRun[]): boolean {
  if (ctx.config.approval === 'none') return true;
  const producer = planRuns.filter((run) => run.outcome === 'succeeded').at(-1);
  return ctx.commands.approvals.some((info) => !producer || info.createdMs > producer.createdMs);
}

/** The newest `/replan`, unless a plan session answers it already. */
function pendingReplan(ctx: DecideContext): CommandInfo | null {
  const latest = ctx.commands.replans.at(-1);
  if (!latest) return null;
  const run = findRun(ctx.snapshot.runs, {
    role: 'plan',
    worker: ctx.subject ?? null,
    trigger: `comment-${latest.commentId}`,
  });
  return run ? null : latest;
}

/** Planning; with no session running while a daily cap holds, the status says the cap holds it. */
function planningView(
  ctx: DecideContext,
  run: JudgedRun | null,
  replan: boolean,
  money?: string,
): StatusView {
  return {
    phase: 'planning',
    build: ctx.snapshot.build,
    run: run ? runLink(run) : null,
    replan,
    ...(money ? { money } : {}),
    ...(run === null && ctx.dailyHolds.length > 0 ? { daily: ctx.dailyHolds } : {}),
  };
}

/** A plan session; in an improvement loop's planning it carries the loop (`L2`) in the worker slot. */
function planSession(ctx: DecideContext, ask: SessionAsk): RuleAction {
  const request = ctx.subject ? { worker: ctx.subject, ...ask } : ask;
  return { kind: 'dispatch', request };
}

function decided(actions: RuleAction[], view: StatusView): PlanningOutcome {
  return { kind: 'decided', decision: { actions, view } };
}
