import { isReviewedInRun, parseRunName, type SessionRole } from '../core/sessions/session.js';
import { SESSION_WRITES, WRITES_OF_A_REVIEW_IN_RUN } from '../core/snapshot/estimate.js';
import { WORKFLOW_FILE } from '../core/vocabulary/ids.js';
import { conditionalReads } from '../github/client/conditional-reads.js';
import type { SharedBudget, SharedBudgetState } from '../github/client/pacing/shared-budget.js';
import { type Octokit, statusOf } from '../github/client/types.js';

const HOUR = 3_600_000;

/**
 * What Baton wrote for a session beside the session's own writes: its lock
 * (a ref; a first attempt takes none, and a review's merge stands for it), its
 * dispatch, and about one status edit. An estimate on the high side, like
 * `SESSION_WRITES`.
 */
export const WRITES_AROUND_A_SESSION = 3;

/**
 * How long a job reads its installation's runs from one listing: the first dispatches of one
 * pass, which the job counts itself. Past it the runs are listed again before a first dispatch
 * (conditionally: unchanged, a 304, which GitHub does not count), so that jobs of several builds
 * started together see the sessions each other dispatched, not only those made before they began:
 * ten jobs reading one listing thirty seconds old made 80 writes in a minute between them.
 */
export const RUNS_FRESH_MS = 1_000;

/**
 * What a run's sessions write as the app: its session's (`SESSION_WRITES`), and the review
 * after a work, contract or fix session in its run, counted for every such run (a workflow
 * from before the review jobs posts none: counted on the high side).
 */
function writesOfRun(role: SessionRole): number {
  return SESSION_WRITES[role] + (isReviewedInRun(role) ? WRITES_OF_A_REVIEW_IN_RUN : 0);
}

/** A session run of the repository, as the listing shows it: when it was made, and its role. */
export interface ListedRun {
  createdAt: string;
  role: SessionRole;
}

/**
 * The write budget of a conductor job (nothing hosted, docs/serverless.md),
 * derived from GitHub rather than kept: every job is a fresh process, so it
 * reads what the installation wrote in the last hour off the session runs
 * made in it, each counted at its creation as what its dispatch and its
 * session write as the app (`WRITES_AROUND_A_SESSION` + `SESSION_WRITES`),
 * the runs of every repository of the installation (`installationRuns`):
 * GitHub counts its limits per installation, and the conductors of several
 * repositories (a change set's, or one app's key in each) spend them
 * together. Nothing is written anywhere: a count kept for the next job would
 * itself be a write, and runs are what the next job can always read. What
 * each build owes is set again by each reconcile, as in the hosted app; a job
 * waits for no one. One listing serves the job `RUNS_FRESH_MS`, with the
 * writes the job made since it was read.
 */
export function createRunsBudget(
  list: () => Promise<ListedRun[]>,
  clock: () => number = Date.now,
): SharedBudget {
  const none = () => undefined;
  let listed: { at: number; runs: ListedRun[] } | null = null;
  const own: Array<[number, number]> = [];
  return {
    note(at, count) {
      own.push([at, count]);
    },
    owe: none,
    wait: none,
    unwait: none,
    turn: none,
    unturn: none,
    pace: none,
    wakeElsewhere: none,
    async load(): Promise<SharedBudgetState> {
      const now = clock();
      if (!listed || now - listed.at >= RUNS_FRESH_MS) listed = { at: now, runs: await list() };
      const since = now - HOUR;
      const from = listed.at;
      const log = listed.runs
        .map((run): [number, number] => [
          Date.parse(run.createdAt),
          WRITES_AROUND_A_SESSION + writesOfRun(run.role),
        ])
        // Writes the job made after the listing was read: its own runs are not in it yet.
        .concat(own.filter(([at]) => at >= from))
        .filter(([at]) => at > since)
        .sort((a, b) => a[0] - b[0]);
      return { log, owed: new Map(), waiters: new Map(), turns: new Map(), pace: 0 };
    },
  };
}

/** Where a listing of the last hour's runs starts: on a ten-minute mark, so its URL stays one for ten minutes. */
const LISTED_FROM_MS = 10 * 60_000;

/**
 * The session runs of `owner/repo` made in the last hour (the session
 * workflow's listing, paged, asked conditionally: the listing starts on a
 * ten-minute mark, so the job asks one URL again, and the runs before the
 * hour are left out here).
 */
export async function listRecentRuns(
  octokit: Octokit,
  { owner, repo }: { owner: string; repo: string },
): Promise<ListedRun[]> {
  const hourAgo = Date.now() - HOUR;
  const from = Math.floor(hourAgo / LISTED_FROM_MS) * LISTED_FROM_MS;
  const runs = await conditionalReads.paginate(octokit, {
    route: 'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
    params: {
      owner,
      repo,
      workflow_id: WORKFLOW_FILE,
      created: `>=${new Date(from).toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
      per_page: 100,
    },
    pick: (data) =>
      (
        (data as { workflow_runs?: { display_title?: string; created_at: string }[] } | null)
          ?.workflow_runs ?? []
      ).map((run) => ({
        title: run.display_title ?? '',
        createdAt: run.created_at,
      })),
  });
  return runs.flatMap(({ title, createdAt }) => {
    const name = parseRunName(title);
    return name && Date.parse(createdAt) > hourAgo ? [{ createdAt, role: name.role }] : [];
  });
}

/**
 * The session runs of the last hour of every repository of the installation,
 * with a client that sees them all (the conductor's installation reader):
 * the repositories are listed once for the job (they seldom change while it
 * runs; a failed listing is asked again), each one's runs every time, as
 * `listRecentRuns` lists them. A repository without Baton's workflow has none
 * (GitHub answers its listing 404).
 */
export function installationRuns(reader: () => Promise<Octokit>): () => Promise<ListedRun[]> {
  let names: Promise<string[]> | null = null;
  return async () => {
    const octokit = await reader();
    names ??= installationRepositories(octokit).catch((error: unknown) => {
      names = null;
      throw error;
    });
    // One repository after another: an installation of many would otherwise ask them all at once.
    const runs: ListedRun[] = [];
    for (const name of await names) {
      const [owner = '', repo = ''] = name.split('/');
      try {
        runs.push(...(await listRecentRuns(octokit, { owner, repo })));
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    }
    return runs;
  };
}

/** The installation's repositories as `owner/name`, every page. */
function installationRepositories(octokit: Octokit): Promise<string[]> {
  return octokit.paginate('GET /installation/repositories', { per_page: 100 }, (response) =>
    response.data.map((repository) => repository.full_name),
  );
}
