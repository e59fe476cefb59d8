import type { UsageRecord } from '../plan/usage.js';

/**
 * A usage record of any build, tied to the run Baton dispatched that it names
 * (src/core/snapshot/usage-ties.ts), dated by that run.
 */
export interface DatedUsage {
  /** The repository (`owner/name`) whose run it is. */
  repository: string;
  /** The hidden ref's name under `refs/baton/` (`<build>/usage/<run>-<attempt>`). */
  ref: string;
  /** When its run was created (ISO 8601): the day the session's spend counts on. */
  at: string;
  record: UsageRecord;
}

/** The UTC day of an ISO 8601 time, `YYYY-MM-DD`. */
export function utcDay(iso: string): string {
  return new Date(iso).toISOString().slice(0, 10);
}

/** The start of `now`'s UTC day, ISO 8601. */
export function dayStart(now: string): string {
  return `${utcDay(now)}T00:00:00Z`;
}

/**
 * What the sessions, of every build, spent on `now`'s UTC day: the records of
 * runs created that day, each session (repository, run and attempt) once.
 */
export function spentOnDay(records: readonly DatedUsage[], now: string): number {
  const day = utcDay(now);
  const seen = new Set<string>();
  let usd = 0;
  for (const { repository, record, at } of records) {
    if (Number.isNaN(Date.parse(at)) || utcDay(at) !== day) continue;
    const key = `${repository}#${record.run_id}-${record.attempt}`;
    if (seen.has(key)) continue;
    seen.add(key);
    usd += record.usage.cost_usd;
  }
  return usd;
}
