import type { DatedUsage } from '../../core/snapshot/daily-spend.js';
import type { RepoContext } from '../client/types.js';
import { readInstallationUsage } from './installation-usage.js';
import { type RepoUsageRead, readRepoUsage } from './read-repo-usage.js';

/** The day's spend the caps ask for, and the records that name a run of the day but lie. */
export interface DaySpend {
  /** What the repository's builds spent today: only where its config sets `budget.dailyUsd`. */
  repoUsage?: DatedUsage[];
  /** What the installation's repositories spent today: only where the app sets a cap for it. */
  installationUsage?: { capUsd: number; records: DatedUsage[] };
  forged: RepoUsageRead['forged'];
}

/**
 * Reads what each daily cap needs to be judged, and nothing when none is set:
 * the repository's day (`readRepoUsage`) for the config's cap, the
 * installation's (`readInstallationUsage`, cached a minute) for the app's.
 */
export async function readDaySpend(
  ctx: RepoContext,
  {
    now,
    repoCap,
    installationCapUsd,
  }: { now: string; repoCap: boolean; installationCapUsd: number | null | undefined },
): Promise<DaySpend> {
  const spend: DaySpend = { forged: [] };
  if (repoCap) {
    const day = await readRepoUsage(ctx, now);
    spend.repoUsage = day.records;
    spend.forged.push(...day.forged);
  }
  if (installationCapUsd) {
    const day = await readInstallationUsage(ctx, now);
    spend.installationUsage = { capUsd: installationCapUsd, records: day.records };
    spend.forged.push(...day.forged);
  }
  return spend;
}
