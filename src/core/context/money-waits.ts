/**
 * A cap stops, a raise resumes (docs/costs.md): a session that the build's
 * budget or the day's cap stopped before it delivered is not a session that
 * did nothing. Whatever its role (work, contract, review, fix, validation) it
 * waits for money, and once there is more to spend than it had, and as much as
 * the model proxy said it needed, the same session is asked for again: once
 * per stopped run, its dispatch guarded as the first one was (`lockFor` with
 * `resume`). One rule for every role; each role's rule only asks it.
 */
import { isMoneyLimit, type UsageRecord } from '../records/usage.js';
import { formatUsd } from '../status/progress-format.js';
import type { RuleAction } from './action.js';
import type { DecideContext } from './decide-context.js';
import type { JudgedRun } from './runs.js';

/** A finished session the budget or the day's cap stopped before it delivered. */
export interface MoneyWait {
  run: JudgedRun;
  limit: 'budget' | 'daily';
  /** What it had to spend (its dollar limit), when its record says. */
  limitUsd: number | null;
  /** The dollar limit it needed to go on, when the model proxy refused a request for it. */
  neededUsd: number | null;
  /** There is enough to spend now: the same session is asked for again. */
  lifted: boolean;
}

/**
 * The wait of `run` for money, or null when it is no such session: one still
 * under way, one that delivered (`complete`), or one that handed in partial
 * work (`partial`, which its draft pull request carries on, `partialNeed`).
 */
export function moneyWaitOf(ctx: DecideContext, run: JudgedRun | null): MoneyWait | null {
  if (!run || run.outcome === 'active' || run.settlesInMs !== null) return null;
  return waitOfRecord(ctx, run, ctx.records.get(run.id));
}

/**
 * The wait for money of the review a work, contract or fix session's run made after it
 * (its record's `after`), as a review session's: the budget stopped it before it posted,
 * and a review is dispatched once the money is there.
 */
export function reviewInRunMoneyWait(ctx: DecideContext, run: JudgedRun | null): MoneyWait | null {
  if (!run || run.outcome === 'active' || run.settlesInMs !== null) return null;
  const record = (ctx.snapshot.usage ?? [])
    .filter((one) => one.run_id === run.id && one.after !== undefined)
    .sort((a, b) => a.attempt - b.attempt)
    .at(-1);
  return waitOfRecord(ctx, { ...run, role: 'review' }, record);
}

function waitOfRecord(
  ctx: DecideContext,
  run: JudgedRun,
  record: UsageRecord | undefined,
): MoneyWait | null {
  if (!record || !isMoneyLimit(record.limit)) return null;
  if (record.outcome === 'complete' || record.outcome === 'partial') return null;
  return {
    run,
    limit: record.limit,
    limitUsd: record.limit_usd ?? null,
    neededUsd: record.needed_usd ?? null,
    lifted: moneyLifted(ctx, record),
  };
}

/**
 * A session of a role with no rule of its own for money (the plan, an
 * improvement loop's research and summary, a change set's synthesis) that the
 * budget stopped: it waits, and the same session is asked for again once the
 * money is there, its dispatch guarded by `resume` as every role's is. Null
 * when `run` is no such session.
 */
export function askAgainForMoney(
  ctx: DecideContext,
  run: JudgedRun | null,
): { wait: MoneyWait; again: RuleAction[] } | null {
  const wait = moneyWaitOf(ctx, run);
  if (!wait || !run) return null;
  if (!wait.lifted) return { wait, again: [] };
  const request = {
    role: run.role,
    ...(run.worker ? { worker: run.worker } : {}),
    ...(run.trigger ? { trigger: run.trigger } : {}),
    resume: run.id,
  };
  return { wait, again: [{ kind: 'dispatch', request }] };
}

/**
 * Whether the money that stopped a session is there again: sessions may start
 * (no cap reached), and what the build may spend now is more than the session
 * had and at least what it needed. A session asked for again starts with that
 * as its limit, so one stopped again waits for another raise: no loop.
 */
export function moneyLifted(ctx: DecideContext, record: UsageRecord): boolean {
  if (!ctx.canDispatchSessions) return false;
  const room = ctx.roomUsd;
  if (room === null) return true;
  if (record.needed_usd !== undefined && room < record.needed_usd) return false;
  return record.limit_usd === undefined || room > record.limit_usd;
}

/**
 * How much more `budget.maxUsd` needs for a session to start again: what it
 * needed (or, not known, a cent more than it had) less what is left now;
 * null when the day's cap, not the build's, holds it, or nothing is known.
 */
export function raiseNeeded(ctx: DecideContext, wait: MoneyWait): number | null {
  const room = ctx.roomUsd;
  if (room === null) return null;
  const target = wait.neededUsd ?? (wait.limitUsd === null ? null : wait.limitUsd + 0.01);
  if (target === null) return null;
  return Math.max(0.01, centsUp(target - room));
}

/** Up to the next cent, as a person reads an amount to raise a cap by. */
function centsUp(usd: number): number {
  return Math.ceil(Math.round(usd * 1e6) / 1e4) / 100;
}

/**
 * What waits for money, for the status: which cap stopped the session, what it
 * needs to go on and what is left, and what to raise; it runs again by itself.
 */
export function moneyWaitText(ctx: DecideContext, wait: MoneyWait): string {
  const role = `its ${wait.run.role} session`;
  const room = ctx.roomUsd;
  const needs =
    wait.neededUsd === null
      ? wait.limitUsd === null
        ? ''
        : `: it had ${formatUsd(wait.limitUsd)} to spend`
      : `: it needs ${formatUsd(centsUp(wait.neededUsd))} to go on`;
  const left = room === null || needs === '' ? '' : ` and ${formatUsd(room)} is left`;
  if (wait.limit === 'daily') {
    return `the repository's daily cap (\`budget.dailyUsd\`) stopped ${role}${needs}${left}; it runs again by itself when the day's cap resets (00:00 UTC) or \`budget.dailyUsd\` in \`.github/baton.yml\` is raised`;
  }
  const raise = raiseNeeded(ctx, wait);
  const by = raise === null ? '' : ` by ${formatUsd(raise)} or more`;
  return `the build's budget (\`budget.maxUsd\`) stopped ${role}${needs}${left}; raise \`budget.maxUsd\` in \`.github/baton.yml\`${by} and it runs again by itself`;
}
