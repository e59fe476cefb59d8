import { parseUsageMessage } from '../../core/plan/usage.js';
import { type DatedUsage, dayStart } from '../../core/snapshot/daily-spend.js';
import {
  runOfUsageRef,
  type UncountedUsage,
  type UsageRun,
  usageRecordProblem,
} from '../../core/snapshot/usage-ties.js';
import type { RepoContext } from '../client/types.js';
import { listMatchingRefs, recordCommits } from './hidden-records.js';
import { readDispatchedRuns } from './read-runs.js';

/** A usage record's name under `refs/baton/`: `<build>/usage/<run>-<attempt>`. */
const USAGE_REF = /^refs\/baton\/([^/]+\/usage\/[^/]+)$/;

/** A repository's day: the records tied to its runs, and those that name a run of it but lie. */
export interface RepoUsageRead {
  records: DatedUsage[];
  /** Records that name one of the day's runs but not as its own record (`repository` beside each). */
  forged: (UncountedUsage & { repository: string })[];
}

/**
 * The usage records of the repository's sessions that ran on `now`'s UTC day,
 * each tied to its run (src/core/snapshot/usage-ties.ts) and dated by it. First
 * the Baton workflow's runs created since the day began that the app dispatched
 * (REST, filtered by `created`, a hundred a page; none: nothing more is read),
 * then the whole listing of Baton's hidden refs (`git/matching-refs/baton/`),
 * and the commit of each ref named for one of those runs, once (records never
 * change; `recordCommits` keeps them). A ref that names no run of the day (an
 * older day's record, or anything a writer pushed) is never read: thousands of
 * them cost the one listing. The app keeps no tally of its own.
 */
export async function readRepoUsage(
  ctx: Pick<RepoContext, 'octokit' | 'owner' | 'repo' | 'botLogin'>,
  now: string,
): Promise<RepoUsageRead> {
  const repository = `${ctx.owner}/${ctx.repo}`;
  const runs = await readDispatchedRuns(ctx, dayStart(now));
  if (!runs || runs.length === 0) return { records: [], forged: [] };
  const byId = new Map(runs.map((run): [number, UsageRun] => [run.id, run]));
  const refs = await listMatchingRefs(ctx, 'baton/');
  const read: RepoUsageRead = { records: [], forged: [] };
  const tied: {
    name: string;
    sha: string;
    nodeId: string | undefined;
    run: UsageRun;
    attempt: number;
  }[] = [];
  for (const ref of refs) {
    const name = USAGE_REF.exec(ref.ref)?.[1];
    // Only a ref named for one of the day's runs is worth a look: the rest are other days' (or junk).
    if (!name || !byId.has(runIdOf(name))) continue;
    const tie = runOfUsageRef(name, byId);
    if (tie.run === null) read.forged.push({ repository, ref: name, reason: tie.reason });
    else tied.push({ name, sha: ref.object.sha, nodeId: ref.node_id, ...tie });
  }
  const found = await recordCommits(ctx, tied);
  for (const { name, sha, run, attempt } of tied) {
    const record = parseUsageMessage(found.get(sha)?.message ?? '');
    const problem = usageRecordProblem(record, run, attempt);
    if (problem || !record) read.forged.push({ repository, ref: name, reason: problem ?? '' });
    else read.records.push({ repository, ref: name, at: run.createdAt, record });
  }
  return read;
}

/** The run id a usage ref's name gives (`<build>/usage/<run>-<attempt>`), or NaN. */
function runIdOf(name: string): number {
  return Number(/\/usage\/(\d+)-\d+$/.exec(name)?.[1] ?? Number.NaN);
}
