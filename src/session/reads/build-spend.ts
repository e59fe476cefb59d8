import { parseUsageMessage, usageRefPrefix } from '../../core/records/usage.js';
import type { GitHubReads } from './github-reads.js';

/** The most records read one by one where GraphQL does not list them: a build's sessions, not more. */
const REST_RECORDS_MAX = 200;

/**
 * What the build's sessions have spent so far, from their usage records (the
 * hidden refs publish writes, `refs/baton/<build>/usage/`), read when a session
 * starts so that it winds down before the build's budget rather than spend it
 * all again (docs/sessions.md, "Wind-down"). Records are not tied to their
 * runs here, as the app ties them: one a worker's CI planted can only make the
 * session stop sooner. Null when they cannot be read; the session then keeps
 * `budget.maxUsd` whole as its limit, as the app still stops the build at it.
 */
export async function readBuildSpend(
  reads: GitHubReads,
  { build, log }: { build: string; log: (line: string) => void },
): Promise<number | null> {
  try {
    const records = await reads.listRecords(usageRefPrefix(build), { restMax: REST_RECORDS_MAX });
    return records.reduce(
      (sum, { message }) => sum + (parseUsageMessage(message)?.usage.cost_usd ?? 0),
      0,
    );
  } catch (error) {
    log(
      `could not read what the build spent so far: ${error instanceof Error ? error.message : String(error)}`,
    );
    return null;
  }
}
