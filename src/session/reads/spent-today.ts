import { usageRefPrefix } from '../../core/records/usage.js';
import { datedUsageOf, dayStart, spentOnDay } from '../../core/snapshot/daily-spend.js';
import { dispatchedRunOf, runOfUsageRef, type UsageRun } from '../../core/snapshot/usage-ties.js';
import { WORKFLOW_FILE } from '../../core/vocabulary/ids.js';
import { statusOfError } from '../session-octokit.js';
import { GitHubReadError, type GitHubReads } from './github-reads.js';

/** The most records of one build read one by one where GraphQL does not list them. */
const REST_RECORDS_MAX = 200;
const BATON_REFS = 'refs/baton/';
/** What a refusal most likely means: a workflow installed before its agent job had `actions: read`. */
const REFUSED_HINT =
  " (the agent job's token lists runs only with actions: read, as Baton's workflow template gives it; this session keeps the build's limit)";

/**
 * What the repository's sessions, of every build, have spent on `now`'s UTC
 * day, read when a session starts so that it winds down before
 * `budget.dailyUsd` rather than spend past it (docs/sessions.md, "Wind-down").
 * The app's rules: the Baton workflow's runs created since the day began that
 * Baton's bot (`botLogin`, the run's actor) dispatched, then the usage records
 * of each build that ran today, each counted only when tied to one of those
 * runs (src/core/snapshot/usage-ties.ts). One listing of runs (a hundred a
 * page; it needs `actions: read`) and one GraphQL page per such build. Null
 * when any of it cannot be read: the session keeps the build's limit alone,
 * as the app still stops new sessions at the cap.
 */
export async function readDaySpend(
  reads: GitHubReads,
  {
    repository,
    botLogin,
    now,
    log,
  }: { repository: string; botLogin: string; now: string; log: (line: string) => void },
): Promise<number | null> {
  try {
    const listed = await reads.listWorkflowRuns(WORKFLOW_FILE, dayStart(now));
    const runs = new Map(
      listed.flatMap((run): [number, UsageRun][] => {
        const dispatched = dispatchedRunOf(run, botLogin);
        return dispatched ? [[dispatched.id, dispatched]] : [];
      }),
    );
    const builds = [...new Set([...runs.values()].map((run) => run.build))];
    const records = [];
    for (const build of builds) {
      const found = await reads.listRecords(usageRefPrefix(build), {
        restMax: REST_RECORDS_MAX,
        // Over REST each record is a read: only those named for a run of the day are worth it.
        keep: (ref) => runOfUsageRef(ref.slice(BATON_REFS.length), runs).run !== null,
      });
      const named = found.map(({ ref, message }) => ({
        ref: ref.slice(BATON_REFS.length),
        message,
      }));
      records.push(...datedUsageOf({ repository, listed: named, runs }));
    }
    return spentOnDay(records, now);
  } catch (error) {
    const refused = error instanceof GitHubReadError && statusOfError(error.cause) === 403;
    log(
      `could not read what the repository spent today: ${error instanceof Error ? error.message : String(error)}${refused ? REFUSED_HINT : ''}`,
    );
    return null;
  }
}
