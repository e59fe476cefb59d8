import { parseAskRecord } from '../../core/snapshot/ask-record.js';
import type { DatedUsage } from '../../core/snapshot/daily-spend.js';
import { findStatusBuild } from '../../core/status/render-status.js';
import { parseBuildId } from '../../core/vocabulary/ids.js';
import { remembered } from '../../process-memory.js';
import { type RepoContext, statusOf } from '../client/types.js';
import { readInstallationUsage } from './day-spend.js';

/**
 * A person's day across the installation, for an organisation policy's cap
 * per asker (`limits.perAskerDailyUsd`): the installation's usage records of
 * the day (`readInstallationUsage`, cached a minute), each kept where the
 * build it is of was asked for by that person. Who asked for a build is its
 * ask record, the second line of its status comment, which Baton alone
 * writes once: read from the build's issue's comments, by the app, once per
 * build and process. Nothing is kept of Baton's own: a build with no ask
 * record (one from before it) is no one's.
 */
export async function readAskerUsage(
  ctx: RepoContext,
  { now, asker, capUsd }: { now: string; asker: string; capUsd: number },
): Promise<{ asker: string; capUsd: number; records: DatedUsage[] }> {
  const day = await readInstallationUsage(ctx, now);
  const builds = new Map<string, DatedUsage[]>();
  for (const record of day.records) {
    const key = `${record.repository}#${record.ref.split('/')[0] ?? ''}`;
    builds.set(key, [...(builds.get(key) ?? []), record]);
  }
  const records: DatedUsage[] = [];
  for (const [key, usage] of builds) {
    const by = await askerOf(ctx, key);
    if (by !== null && by.toLowerCase() === asker.toLowerCase()) records.push(...usage);
  }
  return { asker, capUsd, records };
}

/** Each build's asker as its status comment records it, by `owner/name#build`. */
const askers = remembered(new Map<string, Promise<string | null>>());

/** Forgets every build's asker (tests). */
export function clearAskers(): void {
  askers.clear();
}

function askerOf(ctx: RepoContext, key: string): Promise<string | null> {
  const hit = askers.get(key);
  if (hit) return hit;
  const read = readAsker(ctx, key);
  askers.set(key, read);
  read.then(
    (by) => {
      // A build whose status comment is not written yet is read again.
      if (by === null) askers.delete(key);
    },
    () => askers.delete(key),
  );
  if (askers.size > 5000) askers.delete(askers.keys().next().value ?? key);
  return read;
}

async function readAsker(ctx: RepoContext, key: string): Promise<string | null> {
  const [repository = '', build = ''] = key.split('#');
  const [owner = '', repo = ''] = repository.split('/');
  const issue = parseBuildId(build)?.issue;
  if (!issue) return null;
  try {
    const comments = await ctx.octokit.paginate(
      'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
      {
        owner,
        repo,
        issue_number: issue,
        per_page: 100,
      },
    );
    const status = comments.find(
      (comment) =>
        comment.user?.login === ctx.botLogin && findStatusBuild(comment.body ?? '') === build,
    );
    return status ? (parseAskRecord(status.body ?? '')?.by ?? null) : null;
  } catch (error) {
    if (statusOf(error) === 404 || statusOf(error) === 410) return null;
    throw error;
  }
}
