import type { Action } from '../../core/context/action.js';
import type { BuildSnapshot } from '../../core/snapshot/snapshot.js';
import { type RepoContext, statusOf } from '../client/types.js';
import { sendOnce } from './locks/refs.js';
import { writeOnceByRef } from './locks/write-once.js';

/** The hidden ref that makes a worker's mirror be created at most once across replicas. */
export function mirrorLockRef(build: string, worker: string): string {
  return `refs/baton/${build}/mirror/${worker}`;
}

/** The mirrors this pass created, by worker: a later worker links to them at once. */
export type CreatedMirrors = Map<string, { id: number; number: number }>;

/**
 * Opens a worker's mirror: a sub-issue of the build's issue, "blocked by" the
 * mirrors of its dependencies. `decide` leaves out a worker whose mirror it
 * saw (by its marker); two replicas that saw none would both create one, so
 * the creation is guarded by the ref `refs/baton/<build>/mirror/<worker>`,
 * as a notice is. A creation that fails before the issue exists frees the ref;
 * one whose answer is lost keeps it (`sendOnce`): another try would open a
 * second issue beside one that nothing links or finds.
 * Requests: the ref, the issue, the sub-issue link, one per dependency.
 */
export async function ensureMirror(
  ctx: RepoContext,
  {
    snapshot,
    action,
    created,
  }: {
    snapshot: BuildSnapshot;
    action: Extract<Action, { kind: 'create-mirror' }>;
    created: CreatedMirrors;
  },
): Promise<'created' | 'taken'> {
  const { owner, repo } = ctx;
  const ref = mirrorLockRef(snapshot.build, action.worker);
  const sha = snapshot.integration?.sha ?? snapshot.repo.defaultSha;
  const opened = await writeOnceByRef(ctx, { ref, sha }, async () => {
    const { data } = await sendOnce(() =>
      ctx.octokit.rest.issues.create({
        owner,
        repo,
        title: action.title,
        body: action.body,
      }),
    );
    return { id: data.id, number: data.number };
  });
  if (opened.taken) return 'taken';
  const issue = opened.value;
  created.set(action.worker, issue);
  await ctx.octokit.rest.issues.addSubIssue({
    owner,
    repo,
    issue_number: snapshot.issue.number,
    sub_issue_id: issue.id,
  });
  for (const dep of action.dependsOn) {
    const blocker = created.get(dep.worker)?.id ?? dep.id;
    if (blocker === undefined) continue;
    try {
      await ctx.octokit.rest.issues.addBlockedByDependency({
        owner,
        repo,
        issue_number: issue.number,
        issue_id: blocker,
      });
    } catch (error) {
      // A link that exists already (422) is as good as a new one.
      if (statusOf(error) !== 422) throw error;
    }
  }
  return 'created';
}
