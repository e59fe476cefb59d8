import { parseBatonBranch, parseBuildId } from '../../../core/vocabulary/ids.js';
import { conditionalReads } from '../../client/conditional-reads.js';
import { graphqlAllowanceOf } from '../../client/pacing/pace-requests.js';
import { buildKey, type RepoContext } from '../../client/types.js';
import { listMatchingRefs } from '../../observe/hidden-records.js';
import type { BuildLog, ScheduleDeps } from '../queue/handler-deps.js';
import type { KnownBuilds } from '../queue/known-builds.js';
import { type BuildRef, setOfMember } from '../queue/locate-build.js';
import { listedRunsChangeNothing } from '../queue/look-again.js';
import type { RecentReconciles } from '../queue/recent-reconciles.js';
import { scheduleFromResync } from '../queue/schedule-reconcile.js';
import type { StartBuild } from './ask-for-build.js';
import { healLostAsks } from './heal-asks.js';

/** What the resync reads of each repository the installation lists. */
interface ListedRepository {
  owner: { login: string };
  name: string;
  default_branch: string;
}

/** At most this many builds per repository are reconciled by one resync. */
export const RESYNC_MAX_BUILDS = 20;

/** The builds of a repository that have a build branch, newest issue first. */
export async function findOpenBuilds(ctx: RepoContext): Promise<BuildRef[]> {
  return (await findBranchBuilds(ctx)).builds;
}

/**
 * What a repository's build branches say, from one listing: its own builds
 * (`findOpenBuilds`), and the change sets of other repositories whose member
 * builds live here (docs/change-sets.md), each once, by the set's build and
 * the repository it lives in.
 */
export async function findBranchBuilds(
  ctx: RepoContext,
): Promise<{ builds: BuildRef[]; sets: (BuildRef & { home: string })[] }> {
  const refs = await listMatchingRefs(ctx, 'heads/baton/');
  const here = `${ctx.owner}/${ctx.repo}`.toLowerCase();
  const builds: BuildRef[] = [];
  const sets = new Map<string, BuildRef & { home: string }>();
  for (const ref of refs) {
    const branch = parseBatonBranch(ref.ref);
    if (branch?.kind !== 'integration') continue;
    const issue = parseBuildId(branch.build)?.issue;
    if (issue) builds.push({ build: branch.build, issue });
    const set = setOfMember(branch.build);
    if (set && set.home.toLowerCase() !== here) sets.set(`${set.home} ${set.build}`, set);
  }
  return {
    builds: builds.sort((a, b) => b.issue - a.issue),
    sets: [...sets.values()].sort((a, b) => b.issue - a.issue),
  };
}

/**
 * The `RESYNC_MAX_BUILDS` builds a resync reconciles: those this process read
 * longest ago first (never read: first of all), then the newest issue. A
 * build keeps its branch when it ends, so a repository gathers more builds
 * than one resync reads; going by the last read, each is read in turn, and a
 * live build on an old issue is not passed over for good by ended ones.
 */
export function dueFirst(
  builds: BuildRef[],
  readAt: (ref: BuildRef) => number | undefined = () => undefined,
): BuildRef[] {
  return builds
    .map((ref) => ({ ref, at: readAt(ref) ?? Number.NEGATIVE_INFINITY }))
    .sort((a, b) => (a.at === b.at ? b.ref.issue - a.ref.issue : a.at - b.at))
    .slice(0, RESYNC_MAX_BUILDS)
    .map(({ ref }) => ref);
}

export interface ResyncApp {
  auth(installationId?: number): Promise<RepoContext['octokit']>;
  log: {
    info(details: object, message: string): void;
    warn(details: object, message: string): void;
  };
}

/** What a resync may be given beyond its app, its scheduling and the bot's login. */
export interface ResyncOptions {
  /** Called once per repository of every installation (the start-up template sync). */
  onRepository?: (ctx: RepoContext) => void;
  now?: () => number;
  /** The builds this process knows: a repository's build branches are then listed hourly (`KnownBuilds`). */
  known?: KnownBuilds;
  /** When this process last read each build whole (`RecentReconciles`): the longest ago go first (`dueFirst`). */
  recent?: Pick<RecentReconciles, 'readAt'>;
  /**
   * How a build a writer asked for whose ask was lost is started (`healLostAsks`,
   * heal-asks.ts: a reconcile queued with `start`); none: lost asks are not looked for.
   */
  heal?: (ctx: RepoContext, defaultBranch: string) => StartBuild;
  /**
   * Fires each repository's schedules that are due (`fireSchedules`, fire-schedules.ts: a
   * reconcile queued with `start` for each); none: schedules are not looked at.
   */
  fire?: (ctx: RepoContext, defaultBranch: string) => Promise<unknown>;
}

/**
 * Reconciles every open build of every installation: run at start and then
 * periodically, so a lost webhook heals without anyone typing `/status`.
 * Bounded: at most `RESYNC_MAX_BUILDS` per repository, the builds read
 * longest ago first (`dueFirst`); the queue coalesces
 * with webhook-driven reconciles, and `schedule` may pass over a build this
 * process read lately (`scheduleResync`). An installation whose hourly
 * GraphQL points are low (`GraphqlAllowance.low`, from GitHub's `x-ratelimit-*`
 * answers) is passed over until the next resync: its points are kept for
 * reconciles a webhook asks for, and a build it holds is read again then.
 * With `heal`, each repository's open issues whose build label outlived a
 * lost ask are asked for again (`healLostAsks`, heal-asks.ts); with `fire`,
 * its schedules that are due start their builds.
 * Returns how many it queued.
 */
export async function resyncAll(
  app: ResyncApp,
  /** Queues a build's reconcile; `false` when it passed over the build (read lately). */
  schedule: (ctx: RepoContext, ref: BuildRef, defaultBranch: string) => boolean | undefined,
  botLogin: () => Promise<string>,
  { onRepository, now = Date.now, known, recent, heal, fire }: ResyncOptions = {},
): Promise<number> {
  const appOctokit = await app.auth();
  const installations = await appOctokit.paginate(appOctokit.rest.apps.listInstallations, {
    per_page: 100,
  });
  let scheduled = 0;
  let passedOver = 0;
  let deferred = 0;
  let healed = 0;
  for (const installation of installations) {
    const octokit = await app.auth(installation.id);
    const allowance = graphqlAllowanceOf(octokit);
    if (allowance?.low(now())) {
      deferred++;
      app.log.info(
        {
          installationId: installation.id,
          graphql: allowance.reading(),
          resetInMs: allowance.untilReset(now()),
        },
        'baton: resync passes over an installation low on GraphQL points until they come back',
      );
      continue;
    }
    // Asked conditionally: an installation's repositories seldom change between two resyncs.
    const repos = await conditionalReads.paginate(octokit, {
      route: 'GET /installation/repositories',
      params: { per_page: 100 },
      scope: `installation ${installation.id}`,
      pick: (data) =>
        ((data as { repositories?: ListedRepository[] } | null)?.repositories ?? []).map(
          (repository) => ({
            owner: { login: repository.owner.login },
            name: repository.name,
            default_branch: repository.default_branch,
          }),
        ),
    });
    for (const repository of repos) {
      const ctx: RepoContext = {
        octokit,
        owner: repository.owner.login,
        repo: repository.name,
        botLogin: await botLogin(),
        installationId: installation.id,
      };
      onRepository?.(ctx);
      const listed = known
        ? await known.of(ctx, () => findOpenBuilds(ctx))
        : await findOpenBuilds(ctx);
      const builds = dueFirst(listed, (ref) => recent?.readAt(buildKey(ctx, ref.build)));
      for (const ref of builds) {
        if (schedule(ctx, ref, repository.default_branch) === false) passedOver++;
        else scheduled++;
      }
      if (heal) {
        const start = heal(ctx, repository.default_branch);
        const asked = await healLostAsks(ctx, { builds: listed, now: now(), start }).catch(
          (err: unknown) => {
            app.log.warn(
              { err, repository: `${ctx.owner}/${ctx.repo}` },
              'baton: the resync could not look for lost asks; the next one tries again',
            );
            return [];
          },
        );
        healed += asked.filter((one) => one.answer.result === 'started').length;
      }
      await fire?.(ctx, repository.default_branch).catch((err: unknown) =>
        app.log.warn(
          { err, repository: `${ctx.owner}/${ctx.repo}` },
          'baton: the resync could not fire the schedules due; the next one tries again',
        ),
      );
    }
  }
  app.log.info(
    { scheduled, passedOver, deferredInstallations: deferred, healed },
    'baton: resync scheduled open builds',
  );
  return scheduled;
}

/**
 * The periodic resync's reconcile of one open build, unless this process read
 * the build whole within `passOverMs` (`RecentReconciles`). Whether it queued one.
 *
 * A build this process read whole within `probeWithinMs` is first looked at
 * through its runs alone (the repository's run listing, asked conditionally
 * and shared by its builds): when they change nothing of the last read
 * (`LastReads.runsChangeNothing`), the build is not read again. A lost event of
 * a run then heals at this resync; any other lost event (a comment, a person's
 * review or push) at the first resync past `probeWithinMs` since the last read.
 */
export function scheduleResync(
  ctx: RepoContext,
  {
    ref,
    defaultBranch,
    deps,
    log,
    passOverMs,
    probeWithinMs = 0,
  }: {
    ref: BuildRef;
    defaultBranch: string;
    deps: ScheduleDeps;
    log: BuildLog;
    passOverMs: number;
    probeWithinMs?: number;
  },
): boolean {
  const key = buildKey(ctx, ref.build);
  if (deps.recent?.readWithin(key, passOverMs)) return false;
  const reads = deps.lastReads;
  // A listing begun since this resync began shows every run event it heals: its builds share one.
  const resyncFrom = Date.now();
  // Judged as its reconcile would start, on the newest read (another replica's, shared).
  const noNews =
    reads && probeWithinMs > 0
      ? {
          judge: async () => {
            const since = reads.runsSince(key, probeWithinMs);
            if (!since) return false;
            return listedRunsChangeNothing(ctx, {
              key,
              build: ref.build,
              since,
              freshFrom: resyncFrom,
              reads,
              now: deps.now,
              withinMs: probeWithinMs,
            });
          },
          why: 'the runs are as the last read saw them',
        }
      : undefined;
  scheduleFromResync(ctx, { ref, defaultBranch, deps, log }, noNews ? { noNews } : {});
  return true;
}
