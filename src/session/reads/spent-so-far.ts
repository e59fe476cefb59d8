import type { Config } from '../../core/config/config.js';
import type { SessionEnv } from '../env.js';
import { readBuildSpend } from './build-spend.js';
import type { GitHubReads } from './github-reads.js';
import { readDaySpend } from './spent-today.js';

/** What was spent before a session, against the caps its dollar limit is the rest of. */
export interface SpentSoFar {
  /** The build's sessions, against `budget.maxUsd`; null: no budget, or not read. */
  buildSpentUsd: number | null;
  /** The repository's sessions today (UTC), against `budget.dailyUsd`; null: no cap, or not read. */
  daySpentUsd: number | null;
}

/**
 * What the build and the repository's day spent before this session, in a run
 * of Actions (its read token, its run and its actor, Baton's bot), each only
 * where the config sets its cap; nulls elsewhere (`resolveLimits` then keeps
 * the caps whole, or the build's limit alone).
 */
export async function readSpentSoFar({
  env,
  config,
  github,
  now,
  log,
}: {
  env: SessionEnv;
  config: Config;
  github: GitHubReads;
  now: number;
  log: (line: string) => void;
}): Promise<SpentSoFar> {
  if (!env.GITHUB_RUN_ID || !env.GITHUB_ACTOR || !env.GITHUB_TOKEN)
    return { buildSpentUsd: null, daySpentUsd: null };
  const { maxUsd, dailyUsd } = config.budget;
  const botLogin = env.GITHUB_ACTOR;
  // Read side by side: the session's first turn waits on both.
  const [buildSpentUsd, daySpentUsd] = await Promise.all([
    maxUsd === null ? null : readBuildSpend(github, { build: env.BATON_BUILD, log }),
    dailyUsd === null
      ? null
      : readDaySpend(github, {
          repository: env.GITHUB_REPOSITORY,
          botLogin,
          now: new Date(now).toISOString(),
          log,
        }),
  ]);
  if (buildSpentUsd !== null)
    log(
      `the build has spent $${buildSpentUsd.toFixed(2)} of its budget of $${maxUsd}; this session winds down before the rest`,
    );
  if (daySpentUsd !== null)
    log(
      `the repository's sessions have spent $${daySpentUsd.toFixed(2)} today of budget.dailyUsd $${dailyUsd}; this session winds down before the rest`,
    );
  return { buildSpentUsd, daySpentUsd };
}
