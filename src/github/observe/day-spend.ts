import { parseUsageMessage } from '../../core/records/usage.js';
import { parseAskRecord } from '../../core/snapshot/ask-record.js';
import { type DatedUsage, dayStart } from '../../core/snapshot/daily-spend.js';
import {
  runOfUsageRef,
  type UncountedUsage,
  type UsageRun,
  usageRecordProblem,
} from '../../core/snapshot/usage-ties.js';
import { findStatusBuild } from '../../core/status/render-status.js';
import { parseBuildId } from '../../core/vocabulary/ids.js';
import { remembered } from '../../process-memory.js';
import { type RepoContext, statusOf } from '../client/types.js';
import { listMatchingRefs, recordCommits } from './hidden-records.js';
import { readDispatchedRuns } from './read-runs.js';

/**
 * The day's spend the daily caps are judged by, read from GitHub alone: a
 * repository's usage records tied to the runs the app dispatched there
 * today (`readRepoUsage`), the installation's across its repositories
 * (`readInstallationUsage`, cached a minute), and the one call a reconcile
 * makes for what its caps ask (`readDaySpend`).
 */

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
    reviewInRun: boolean;
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
  for (const { name, sha, run, attempt, reviewInRun } of tied) {
    const record = parseUsageMessage(found.get(sha)?.message ?? '');
    const problem = usageRecordProblem(record, run, attempt, reviewInRun);
    if (problem || !record) read.forged.push({ repository, ref: name, reason: problem ?? '' });
    else read.records.push({ repository, ref: name, at: run.createdAt, record });
  }
  return read;
}

/** The run id a usage ref's name gives (`<build>/usage/<run>-<attempt>`, maybe `-review`), or NaN. */
function runIdOf(name: string): number {
  return Number(/\/usage\/(\d+)-\d+(?:-review)?$/.exec(name)?.[1] ?? Number.NaN);
}

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
