import { remembered } from '../../process-memory.js';
import { type RepoContext, statusOf } from '../client/types.js';
import { type RepoUsageRead, readRepoUsage } from './read-repo-usage.js';

/**
 * The installation's daily cap in US dollars, set on the app by its operator
 * (`BATON_INSTALLATION_DAILY_USD`): a repository cannot set it. Unset, empty,
 * 0 or not a positive number: no cap (`installationCapProblem` says why a set value is not one).
 */
export function installationDailyUsdFrom(env: Record<string, string | undefined>): number | null {
  const value = Number(env.BATON_INSTALLATION_DAILY_USD?.trim() || Number.NaN);
  return Number.isFinite(value) && value > 0 ? value : null;
}

/** What is wrong with a set `BATON_INSTALLATION_DAILY_USD` that gives no cap; null when nothing is. */
export function installationCapProblem(env: Record<string, string | undefined>): string | null {
  const raw = env.BATON_INSTALLATION_DAILY_USD?.trim();
  if (!raw || raw === '0' || installationDailyUsdFrom(env) !== null) return null;
  return `BATON_INSTALLATION_DAILY_USD=${JSON.stringify(raw)} is not a positive number of US dollars: no installation cap is set`;
}

/** How long one read of an installation's day serves its reconciles. */
export const INSTALLATION_DAY_TTL_MS = 60_000;

/** Repositories read at once. */
const REPOS_AT_ONCE = 4;

/**
 * The newest read of each installation's usage records, by account (an
 * installation is the app's on one account, and an account has one). A cache,
 * not state: losing it costs one read of the installation's repositories, and
 * each record's commit is kept apart (`recordCommit`). While a read is under
 * way its reconciles share it.
 */
const reads = remembered(new Map<string, { at: number; read: Promise<RepoUsageRead> }>());

/** Forgets every installation's read (tests). */
export function clearInstallationUsage(): void {
  reads.clear();
}

/**
 * Every usage record of every repository the installation can reach for
 * `now`'s UTC day, each tied to the run Baton dispatched there that it names:
 * `GET /installation/repositories` read whole, then each repository's day as
 * `readRepoUsage` reads it (its runs of the day; for a repository with any,
 * one listing of its hidden refs and a read of each record's commit this
 * process has not read). A record in one repository that names another's run
 * ties to nothing: one repository's writers cannot hide another's spend. Read
 * again once the last read is `INSTALLATION_DAY_TTL_MS` old on `now` (the
 * reconcile's clock).
 */
export function readInstallationUsage(ctx: RepoContext, now: string): Promise<RepoUsageRead> {
  const key = ctx.owner.toLowerCase();
  const at = Date.parse(now);
  const cached = reads.get(key);
  if (cached && at - cached.at >= 0 && at - cached.at < INSTALLATION_DAY_TTL_MS) {
    return cached.read;
  }
  const read = readAll(ctx, now);
  reads.set(key, { at, read });
  read.catch(() => {
    if (reads.get(key)?.read === read) reads.delete(key);
  });
  return read;
}

async function readAll(ctx: RepoContext, now: string): Promise<RepoUsageRead> {
  const repositories = await ctx.octokit.paginate('GET /installation/repositories', {
    per_page: 100,
  });
  const all: RepoUsageRead = { records: [], forged: [] };
  for (let i = 0; i < repositories.length; i += REPOS_AT_ONCE) {
    const batch = repositories.slice(i, i + REPOS_AT_ONCE);
    const read = await Promise.all(
      batch.map((repository) =>
        readRepoUsage(
          {
            octokit: ctx.octokit,
            owner: repository.owner.login,
            repo: repository.name,
            botLogin: ctx.botLogin,
          },
          now,
        ).catch((error: unknown): RepoUsageRead => {
          // An empty repository has no refs to list (GitHub answers 409), one gone since has none.
          if (statusOf(error) === 409 || statusOf(error) === 404)
            return { records: [], forged: [] };
          throw error;
        }),
      ),
    );
    for (const one of read) {
      all.records.push(...one.records);
      all.forged.push(...one.forged);
    }
  }
  return all;
}
