import { parseUsageMessage, type UsageRecord } from '../plan/usage.js';

/** A usage record of any build of the repository, with when its commit was made. */
export interface DatedUsage {
  /** The hidden ref's name under `refs/baton/` (`<build>/usage/<run>-<attempt>`). */
  ref: string;
  /** The record commit's date (ISO 8601): when the session's publish job wrote it. */
  committedAt: string;
  record: UsageRecord;
}

/** The UTC day of an ISO 8601 time, `YYYY-MM-DD`. */
export function utcDay(iso: string): string {
  return new Date(iso).toISOString().slice(0, 10);
}

/**
 * What the repository's sessions, of every build, spent on `now`'s UTC day:
 * the records written that day, each session (run and attempt) once.
 */
export function spentOnDay(records: readonly DatedUsage[], now: string): number {
  const day = utcDay(now);
  const seen = new Set<string>();
  let usd = 0;
  for (const { record, committedAt } of records) {
    if (Number.isNaN(Date.parse(committedAt)) || utcDay(committedAt) !== day) continue;
    const key = `${record.run_id}-${record.attempt}`;
    if (seen.has(key)) continue;
    seen.add(key);
    usd += record.usage.cost_usd;
  }
  return usd;
}

/** The records among hidden refs under `refs/baton/` (names relative to it); other refs and bad messages are passed over. */
export function datedUsageOf(
  nodes: readonly { name: string; target: { message?: string; committedDate?: string } }[],
): DatedUsage[] {
  return nodes.flatMap((node) => {
    if (!/^[^/]+\/usage\/[^/]+$/.test(node.name) || !node.target.committedDate) return [];
    const record = parseUsageMessage(node.target.message ?? '');
    return record ? [{ ref: node.name, committedAt: node.target.committedDate, record }] : [];
  });
}
