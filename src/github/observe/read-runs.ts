import { parseRunName, type RunName } from '../../core/sessions/session.js';
import type { RunConclusion, RunInfo, RunStatus } from '../../core/snapshot/snapshot.js';
import { dispatchedRunOf, type UsageRun } from '../../core/snapshot/usage-ties.js';
import { WORKFLOW_FILE } from '../../core/vocabulary/ids.js';
import { conditionalReads } from '../client/conditional-reads.js';
import type { RepoContext } from '../client/types.js';
import { statusOf } from '../client/types.js';

export type RunsRead = { installed: false } | { installed: true; runs: RunInfo[] };

/**
 * The Baton workflow's runs for one build, told apart by run name (a run's
 * inputs are not in the REST listing). Listing from the day the issue was
 * opened bounds the pages. A 404 means the workflow is not on the default branch,
 * where GitHub needs it to be for `workflow_dispatch`.
 *
 * The listing is the repository's, not the build's: it is read conditionally
 * (a page that did not change answers 304, which GitHub does not count), and
 * builds of the repository whose reconciles began before a listing began share
 * it (`freshFrom`, src/github/client/conditional-reads.ts).
 */
export async function readRuns(
  ctx: RepoContext,
  { build, since, freshFrom }: { build: string; since: string; freshFrom?: number },
): Promise<RunsRead> {
  try {
    const from = Date.parse(`${since.slice(0, 10)}T00:00:00Z`);
    const runs = await listWindow(ctx, { from, to: null, freshFrom });
    const mine = [...new Map(runs.map((run) => [run.id, run])).values()].flatMap(
      (run): RunInfo[] => {
        const name = parseRunName(run.display_title);
        if (!name || name.build !== build) return [];
        return [{ ...runInfoOf(run, name), byBaton: run.actor?.login === ctx.botLogin }];
      },
    );
    mine.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id);
    return { installed: true, runs: mine };
  } catch (error) {
    if (statusOf(error) === 404) return { installed: false };
    throw error;
  }
}

/** The fields of a run Baton reads, in the REST listing and in a `workflow_run` payload alike. */
export interface RunFields {
  id: number;
  status: string | null;
  conclusion: string | null;
  created_at: string;
  updated_at: string;
  run_started_at?: string | null | undefined;
  run_attempt?: number | null | undefined;
  html_url: string;
}

/** A run of Baton's workflow, named `name`, as a reconcile lists it. */
export function runInfoOf(run: RunFields, name: RunName): RunInfo {
  return {
    id: run.id,
    role: name.role,
    worker: name.worker,
    trigger: name.trigger,
    status: runStatus(run.status),
    conclusion: (run.conclusion as RunConclusion | null) ?? null,
    createdAt: run.created_at,
    updatedAt: run.updated_at,
    ...(run.run_started_at ? { startedAt: run.run_started_at } : {}),
    ...(run.run_attempt ? { attempt: run.run_attempt } : {}),
    url: run.html_url,
  };
}

/**
 * The runs of the Baton workflow the app dispatched (its actor is Baton's bot,
 * its name a Baton run name) that were created at or after `since`, as usage
 * records are tied to them; null when the workflow is not on the default branch.
 */
export async function readDispatchedRuns(
  ctx: Pick<RepoContext, 'octokit' | 'owner' | 'repo' | 'botLogin'>,
  since: string,
): Promise<UsageRun[] | null> {
  let runs: ListedRun[];
  try {
    runs = await listWindow(ctx, { from: Date.parse(since), to: null });
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
  const unique = [...new Map(runs.map((run) => [run.id, run])).values()];
  return unique.flatMap((run) => dispatchedRunOf(run, ctx.botLogin) ?? []);
}

/** What Baton reads of a run in the REST listing: the rest of each is left, not kept. */
interface ListedRun {
  id: number;
  display_title: string;
  status: string | null;
  conclusion: string | null;
  created_at: string;
  updated_at: string;
  run_started_at?: string | undefined;
  run_attempt?: number | undefined;
  html_url: string;
  actor?: { login: string } | null | undefined;
}

function listedRuns(data: unknown): ListedRun[] {
  const runs = (data as { workflow_runs?: ListedRun[] } | null)?.workflow_runs ?? [];
  return runs.map((run) => ({
    id: run.id,
    display_title: run.display_title,
    status: run.status,
    conclusion: run.conclusion,
    created_at: run.created_at,
    updated_at: run.updated_at,
    ...(run.run_started_at ? { run_started_at: run.run_started_at } : {}),
    ...(run.run_attempt ? { run_attempt: run.run_attempt } : {}),
    html_url: run.html_url,
    ...(run.actor ? { actor: { login: run.actor.login } } : {}),
  }));
}

/**
 * GitHub returns at most 1,000 runs for a listing filtered by `created` or
 * `event` ("List workflow runs for a repository"): the rest are silently left
 * out, newest first, so a build's oldest runs would vanish once the repository
 * has more since its issue was opened. A window that fills to the cap is split
 * in two by time and each half listed, down to one second; the windows of one
 * round are listed at once.
 */
async function listWindow(
  ctx: Pick<RepoContext, 'octokit' | 'owner' | 'repo'>,
  first: RunsWindow,
): Promise<ListedRun[]> {
  const listed: ListedRun[] = [];
  for (let windows = [first]; windows.length > 0; ) {
    const lists = await Promise.all(windows.map((window) => listOnce(ctx, window)));
    windows = windows.flatMap((window, index) => {
      const runs = lists[index] ?? [];
      if (runs.length >= RUNS_SEARCH_MAX) return halvesOf(window, runs);
      listed.push(...runs);
      return [];
    });
  }
  return listed;
}

interface RunsWindow {
  from: number;
  /** null: up to now. */
  to: number | null;
  freshFrom?: number | undefined;
}

function listOnce(
  ctx: Pick<RepoContext, 'octokit' | 'owner' | 'repo'>,
  { from, to, freshFrom }: RunsWindow,
): Promise<ListedRun[]> {
  return conditionalReads.paginate(ctx.octokit, {
    route: 'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
    params: {
      owner: ctx.owner,
      repo: ctx.repo,
      workflow_id: WORKFLOW_FILE,
      event: 'workflow_dispatch',
      created: to === null ? `>=${isoSecond(from)}` : `${isoSecond(from)}..${isoSecond(to)}`,
      per_page: 100,
    },
    pick: listedRuns,
    ...(freshFrom === undefined ? {} : { freshFrom }),
  });
}

/** A full window's two halves by time, split on a second; one of two seconds or less cannot be split. */
function halvesOf({ from, to }: RunsWindow, runs: ListedRun[]): RunsWindow[] {
  const end = to ?? Math.max(from, ...runs.map((run) => Date.parse(run.created_at)));
  if (end - from < 2_000) {
    throw new Error(
      `more than ${RUNS_SEARCH_MAX} runs of ${WORKFLOW_FILE} were created within two seconds; GitHub cannot list them all`,
    );
  }
  const middle = from + Math.floor((end - from) / 2_000) * 1_000;
  return [
    { from, to: middle },
    { from: middle + 1_000, to: to === null ? null : end },
  ];
}

const RUNS_SEARCH_MAX = 1000;

/** `2026-11-23T10:00:00Z`: GitHub's search qualifiers take seconds. */
function isoSecond(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function runStatus(status: string | null): RunStatus {
  if (status === 'completed') return 'completed';
  if (status === 'in_progress') return 'in_progress';
  return 'queued'; // requested, waiting, pending and queued all mean "not started yet".
}
