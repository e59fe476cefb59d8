import { WORKFLOW_FILE } from '../core/ids.js';
import { parseRunName } from '../core/session.js';
import type { RunConclusion, RunInfo, RunStatus } from '../core/snapshot.js';
import type { RepoContext } from './types.js';
import { statusOf } from './types.js';

export type RunsRead = { installed: false } | { installed: true; runs: RunInfo[] };

/**
 * The Baton workflow's runs for one build, told apart by run name (a run's
 * inputs are not in the REST listing). Listing from the day the issue was
 * opened bounds the pages. A 404 means the workflow is not on the default branch,
 * where GitHub needs it to be for `workflow_dispatch`.
 */
export async function readRuns(
  ctx: RepoContext,
  { build, since }: { build: string; since: string },
): Promise<RunsRead> {
  try {
    const runs = await ctx.octokit.paginate(ctx.octokit.rest.actions.listWorkflowRuns, {
      owner: ctx.owner,
      repo: ctx.repo,
      workflow_id: WORKFLOW_FILE,
      event: 'workflow_dispatch',
      created: `>=${since.slice(0, 10)}`,
      per_page: 100,
    });
    const mine = runs.flatMap((run): RunInfo[] => {
      const name = parseRunName(run.display_title);
      if (!name || name.build !== build) return [];
      return [
        {
          id: run.id,
          role: name.role,
          worker: name.worker,
          trigger: name.trigger,
          status: runStatus(run.status),
          conclusion: (run.conclusion as RunConclusion | null) ?? null,
          createdAt: run.created_at,
          updatedAt: run.updated_at,
          ...(run.run_started_at ? { startedAt: run.run_started_at } : {}),
          url: run.html_url,
        },
      ];
    });
    mine.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id);
    return { installed: true, runs: mine };
  } catch (error) {
    if (statusOf(error) === 404) return { installed: false };
    throw error;
  }
}

function runStatus(status: string | null): RunStatus {
  if (status === 'completed') return 'completed';
  if (status === 'in_progress') return 'in_progress';
  return 'queued'; // requested, waiting, pending and queued all mean "not started yet".
}
