/**
 * Partial work: what a worker's session handed in when it stopped short of
 * its brief (a limit reached, an error, a cancel), published as a draft pull
 * request with a hand-off note. What the rules read of it: which limit stopped
 * it, and whether a session should go on from it now.
 */
import type { DecideContext } from '../context/decide-context.js';
import type { SessionLimit, UsageRecord } from '../plan/usage.js';
import { compareTimes } from '../snapshot/normalize-snapshot.js';
import type { RunInfo } from '../snapshot/snapshot.js';

/** The limits a raised budget or cap lifts: a continuation may start by itself (`budget.continuePartial`). */
const LIFTED_BY_RAISE: ReadonlySet<SessionLimit> = new Set(['budget', 'daily']);

/** The worker's newest session that changes its branch (work or fix), if any. */
export function latestCodingRun(ctx: DecideContext, worker: string): RunInfo | null {
  return (
    ctx.snapshot.runs
      .filter((run) => run.worker === worker && (run.role === 'work' || run.role === 'fix'))
      .at(-1) ?? null
  );
}

/** The usage record of a run's newest attempt, if its publish job wrote one. */
export function recordOf(ctx: DecideContext, run: RunInfo): UsageRecord | null {
  const records = (ctx.snapshot.usage ?? []).filter((record) => record.run_id === run.id);
  return records.reduce<UsageRecord | null>(
    (found, record) => (found && found.attempt > record.attempt ? found : record),
    null,
  );
}

/** The limit the worker's newest session stopped at, if a limit stopped it. */
export function stoppedAt(ctx: DecideContext, worker: string): SessionLimit | null {
  const run = latestCodingRun(ctx, worker);
  return (run && recordOf(ctx, run)?.limit) ?? null;
}

/**
 * Whether a session should go on from the worker's partial work: a
 * `/continue` given after its newest session began, or, where
 * `budget.continuePartial` is on, a budget or daily cap that stopped it (the
 * rules start the session only once the budget lets sessions start again).
 */
export function continueAsked(ctx: DecideContext, worker: string): boolean {
  const latest = latestCodingRun(ctx, worker);
  const asked = (ctx.commands.continues.get(worker) ?? []).some(
    (info) => !latest || compareTimes(info.createdAt, latest.createdAt) > 0,
  );
  if (asked) return true;
  const limit = stoppedAt(ctx, worker);
  return ctx.config.budget.continuePartial && limit !== null && LIFTED_BY_RAISE.has(limit);
}
