import type { SimRun } from './records.js';

/** What a run's JSON needs of its repository. */
export interface RunRepository {
  repositoryId: number;
  fullName: string;
  botLogin: string;
  htmlUrl: string;
}

/**
 * A workflow run as GitHub shows it: the REST run (`GET .../actions/runs/{id}`,
 * the listings) and the `workflow_run` of its webhook payload carry the same
 * fields.
 */
export function runBody(gh: RunRepository, run: SimRun) {
  return {
    id: run.id,
    name: workflowName(run.workflow),
    display_title: run.displayTitle,
    event: run.event,
    head_branch: run.headBranch,
    head_sha: run.headSha,
    head_repository: { id: gh.repositoryId, full_name: gh.fullName },
    repository: { id: gh.repositoryId, full_name: gh.fullName },
    status: run.status,
    conclusion: run.conclusion,
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    run_started_at: run.createdAt,
    run_attempt: run.runAttempt,
    actor: { login: run.actor ?? gh.botLogin },
    triggering_actor: { login: run.triggeringActor ?? gh.botLogin },
    html_url: `${gh.htmlUrl}/actions/runs/${run.id}`,
    path: `.github/workflows/${run.workflow}`,
  };
}

/** A workflow's `name:`, by its file: what a `workflow_run` trigger's `workflows:` names. */
export function workflowName(file: string): string {
  if (file === 'baton.yml') return 'Baton';
  if (file === 'baton-conductor.yml') return 'Baton conductor';
  if (file === 'release.yml') return 'Release';
  return 'CI';
}
