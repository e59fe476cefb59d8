/**
 * Partial work: what a worker's session handed in when it stopped short of
 * its brief (a limit reached, an error, a cancel), published as a draft pull
 * request with a hand-off note. What the rules read of it: which limit stopped
 * it, and whether a session should go on from it now.
 */
import type { DecideContext } from '../context/decide-context.js';
import type { SessionLimit, UsageRecord } from '../plan/usage.js';
import type { TimedRun } from '../snapshot/snapshot.js';

/** The limits a raised budget or cap lifts: a continuation may start by itself (`budget.continuePartial`). */
const LIFTED_BY_RAISE: ReadonlySet<SessionLimit> = new Set(['budget', 'daily']);

/** A worker's newest session that changes its branch (work or fix), and the usage record it left. */
export interface CodingSession {
  run: TimedRun;
  record: UsageRecord | null;
}

/** The worker's newest session that changes its branch, if any: read once, as its state is. */
export function latestCodingSession(ctx: DecideContext, worker: string): CodingSession | null {
  const run = ctx.snapshot.runs
    .filter((run) => run.worker === worker && (run.role === 'work' || run.role === 'fix'))
    .at(-1);
  return run ? { run, record: ctx.records.get(run.id) ?? null } : null;
}

/**
 * Whether a session should go on from the worker's partial work: a
 * `/continue` given after its newest session began, or, where
 * `budget.continuePartial` is on, a budget or daily cap that stopped it (the
 * rules start the session only once the budget lets sessions start again).
 */
export function continueAsked(
  ctx: DecideContext,
  { worker, coding }: { worker: string; coding: CodingSession | null },
): boolean {
  const asked = (ctx.commands.continues.get(worker) ?? []).some(
    (info) => !coding || info.createdMs > coding.run.createdMs,
  );
  if (asked) return true;
  const limit = coding?.record?.limit ?? null;
  return ctx.config.budget.continuePartial && limit !== null && LIFTED_BY_RAISE.has(limit);
}
