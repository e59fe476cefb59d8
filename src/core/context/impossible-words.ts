/**
 * A session's word that a criterion cannot be met (docs/sessions.md, "This
 * cannot be done"), as the usage record its publish wrote carries it: the
 * criteria publish checked against the plan, and the one-line reason. Such a
 * session is no failure to fix: nothing more runs for its worker until a
 * person answers (`/retry` with instructions, `/skip`, `/replan`).
 */
import type { TimedRun } from '../snapshot/snapshot.js';
import type { DecideContext } from './decide-context.js';

export interface ImpossibleWord {
  /** The criteria it says cannot be met, by id (none: its brief). */
  criteria: string[];
  /** Its reason, one line; model text, shown only quoted. */
  reason: string | null;
  run: TimedRun;
}

/** The word a run's session gave (its publish recorded it), or null when it handed in anything else. */
export function impossibleWordOf(ctx: DecideContext, run: TimedRun | null): ImpossibleWord | null {
  if (!run) return null;
  const record = ctx.records.get(run.id);
  if (record?.outcome !== 'impossible') return null;
  return { criteria: record.criteria ?? [], reason: record.reason ?? null, run };
}
