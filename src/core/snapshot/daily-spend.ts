import type { UsageRecord } from '../records/usage.js';
import { type ListedUsage, sessionKeyOf, tieUsage, type UsageRun } from './usage-ties.js';

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

/**
 * The records of one repository that are tied to its runs (`tieUsage`), each
 * dated by its run: those that name no run in `runs`, or lie about it, are left out.
 */
export function datedUsageOf({
  repository,
  listed,
  runs,
}: {
  repository: string;
  listed: readonly ListedUsage[];
  runs: ReadonlyMap<number, UsageRun>;
}): DatedUsage[] {
  return tieUsage(listed, runs).counted.map(({ ref, run, record }) => ({
    repository,
    ref,
    at: run.createdAt,
    record,
  }));
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
    const key = `${repository}#${sessionKeyOf(record)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    usd += record.usage.cost_usd;
  }
  return usd;
}

/**
 * A daily cap that holds every new session: the repository's (`budget.dailyUsd`
 * in `.github/baton.yml`) or the installation's (`BATON_INSTALLATION_DAILY_USD`,
 * set on the app), with what was spent that UTC day.
 */
export interface DailyCapHold {
  scope: 'repository' | 'installation' | 'asker';
  /** The person whose builds' spend a cap per asker holds (`scope: 'asker'`). */
  asker?: string;
  capUsd: number;
  spentUsd: number;
  /** The UTC day, `YYYY-MM-DD`. */
  day: string;
}

/**
 * The day's caps that are set and reached: the repository's across its builds
 * (`budget.dailyUsd`, `repoCapUsd`), the installation's across its
 * repositories (set on the app; a repository cannot set it), and the asker's
 * across every build they asked for in the installation (an organisation's
 * policy). A cap of 0 is no cap, as in the config.
 */
export function dailyCapsReached({
  repoCapUsd,
  repoUsage = [],
  installationUsage,
  askerUsage,
  now,
}: {
  repoCapUsd: number | null;
  repoUsage?: readonly DatedUsage[] | undefined;
  installationUsage?: { capUsd: number; records: readonly DatedUsage[] } | undefined;
  /** The organisation policy's cap per asker, and the day's records of the builds the asker asked for. */
  askerUsage?: { asker: string; capUsd: number; records: readonly DatedUsage[] } | undefined;
  now: string;
}): DailyCapHold[] {
  const holds: DailyCapHold[] = [];
  const day = utcDay(now);
  if (repoCapUsd !== null && repoCapUsd > 0) {
    const spent = spentOnDay(repoUsage, now);
    if (spent >= repoCapUsd)
      holds.push({ scope: 'repository', capUsd: repoCapUsd, spentUsd: spent, day });
  }
  if (installationUsage && installationUsage.capUsd > 0) {
    const spent = spentOnDay(installationUsage.records, now);
    if (spent >= installationUsage.capUsd)
      holds.push({ scope: 'installation', capUsd: installationUsage.capUsd, spentUsd: spent, day });
  }
  if (askerUsage && askerUsage.capUsd > 0) {
    const spent = spentOnDay(askerUsage.records, now);
    if (spent >= askerUsage.capUsd)
      holds.push({
        scope: 'asker',
        asker: askerUsage.asker,
        capUsd: askerUsage.capUsd,
        spentUsd: spent,
        day,
      });
  }
  return holds;
}
