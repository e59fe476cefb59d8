import { lockFor } from '../core/action.js';
import { integrationBranch, parseLoopSubject, WORKFLOW_FILE, workerBranch } from '../core/ids.js';
import { renderDispatchInputs, type SessionRequest } from '../core/session.js';
import type { BuildSnapshot } from '../core/snapshot.js';
import { createRef, deleteRef, moveBranch } from './refs.js';
import type { RepoContext } from './types.js';

export type DispatchOutcome =
  | { result: 'dispatched'; run: { id: number; url: string } | null }
  /** Another replica holds the lock for this very dispatch: nothing to do. */
  | { result: 'stood-down' };

/**
 * Starts one session, at most once across replicas: first take the lock (a
 * ref that must not exist yet; 422 means another process has it), then
 * dispatch the workflow on the session's branch. If the dispatch itself fails
 * the lock is released, so the next reconcile can try again.
 */
export async function dispatchSession(
  ctx: RepoContext,
  { snapshot, request }: { snapshot: BuildSnapshot; request: SessionRequest },
): Promise<DispatchOutcome> {
  const lock = lockFor(request);
  const base = snapshot.integration?.sha ?? snapshot.repo.defaultSha;
  const lockRef =
    lock.kind === 'build-branch'
      ? `refs/heads/${integrationBranch(request.build)}`
      : lock.kind === 'worker-branch'
        ? `refs/heads/${lock.branch}`
        : lock.ref;
  if (!(await createRef(ctx, { ref: lockRef, sha: base }))) return { result: 'stood-down' };
  try {
    if (lock.kind === 'lock-ref' && lock.resetBranch) {
      await resetBranch(ctx, { branch: lock.resetBranch, sha: base });
    }
    const { data } = await ctx.octokit.request(
      'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
      {
        owner: ctx.owner,
        repo: ctx.repo,
        workflow_id: WORKFLOW_FILE,
        ref: sessionRef(request),
        inputs: renderDispatchInputs(request),
        return_run_details: true,
      },
    );
    const details = data as { workflow_run_id?: number; html_url?: string } | undefined;
    const run = details?.workflow_run_id
      ? { id: Number(details.workflow_run_id), url: details.html_url ?? '' }
      : null;
    return { result: 'dispatched', run };
  } catch (error) {
    await deleteRef(ctx, lockRef).catch(() => undefined);
    throw error;
  }
}

/** Plans and loop sessions (`L2`) run on the build branch; every worker session on its worker's branch. */
function sessionRef(request: SessionRequest): string {
  return request.worker && parseLoopSubject(request.worker) === null
    ? workerBranch(request.build, request.worker)
    : integrationBranch(request.build);
}

/** A new attempt starts from the build branch head: move the branch there, or create it. */
async function resetBranch(
  ctx: RepoContext,
  { branch, sha }: { branch: string; sha: string },
): Promise<void> {
  if (await moveBranch(ctx, { branch, sha, force: true })) return;
  await createRef(ctx, { ref: `refs/heads/${branch}`, sha });
}
