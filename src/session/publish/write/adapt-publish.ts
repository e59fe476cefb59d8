import { Plan } from '../../../core/plan/plan.js';
import { adaptationRef, renderAdaptationMessage } from '../../../core/records/adaptation.js';
import { Completion } from '../../../core/records/completion.js';
import { buildDir, completionPath, planPath, workerBranch } from '../../../core/vocabulary/ids.js';
import type { ChangedFile } from '../checks/check-changes.js';
import { parseJson, readAt } from '../checks/inputs/read-worker-title.js';
import type { RemoteAccess, ScratchRepo } from '../scratch-repo.js';
import { pushRecordRef } from './record-ref.js';

/** The ids of the plan's workers at a commit; null when plan.json is absent or invalid there. */
export async function readPlanWorkers({
  repo,
  commit,
  build,
}: {
  repo: ScratchRepo;
  commit: string;
  build: string;
}): Promise<string[] | null> {
  const plan = Plan.safeParse(parseJson(await readAt(repo, `${commit}:${planPath(build)}`)));
  return plan.success ? plan.data.workers.map((worker) => worker.id) : null;
}

/**
 * The briefs an adapt session after `source` may change: the workers its
 * completion (on the build branch at the session's base) names in `affects`,
 * that are workers of the plan, have no branch on the remote yet and no first
 * attempt running (`running`: its branch comes with its publish).
 */
export async function findAdaptable({
  repo,
  remote,
  token,
  build,
  source,
  base,
  running,
}: RemoteAccess & {
  build: string;
  source: string;
  base: string;
  running: ReadonlySet<string>;
}): Promise<string[]> {
  const read = await readAt(repo, `${base}:${completionPath(build, source)}`);
  const completion = Completion.safeParse(parseJson(read));
  const workers = await readPlanWorkers({ repo, commit: base, build });
  if (!completion.success || !workers) return [];
  const listed = await repo.must({
    args: ['ls-remote', remote, `refs/heads/${workerBranch(build, '*')}`],
    token,
  });
  const started = new Set(
    listed
      .split('\n')
      .map((line) => line.split('\t')[1]?.replace(/^refs\/heads\//, ''))
      .filter((name): name is string => !!name),
  );
  return completion.data.affects.filter(
    (id) =>
      id !== source &&
      workers.includes(id) &&
      !started.has(workerBranch(build, id)) &&
      !running.has(id),
  );
}

/** Problems with a work or fix completion's `affects`: only other workers of the plan. */
export function checkAffects({
  affects,
  worker,
  planWorkers,
}: {
  affects: readonly string[];
  worker: string | null;
  planWorkers: readonly string[] | null;
}): string[] {
  return affects.flatMap((id) => {
    if (id === worker) return [`the completion's affects names ${id}, its own worker`];
    if (planWorkers?.includes(id)) return [];
    return [`the completion's affects names ${id}, which is not a worker of the plan`];
  });
}

/** The workers whose briefs the changed paths are. */
export function revisedWorkers(build: string, changes: ChangedFile[]): string[] {
  const prefix = `${buildDir(build)}/workers/`;
  return changes
    .filter((change) => change.path.startsWith(prefix) && change.path.endsWith('.md'))
    .map((change) => change.path.slice(prefix.length, -'.md'.length));
}

/**
 * Leaves what an adapt session changed where the app reads it: a commit whose
 * message is the record, at `refs/baton/<build>/adapt/<source>` (like a usage
 * record). Pushing a ref that exists already (publish run again) changes nothing.
 * Returns a line for the job summary.
 */
export async function writeAdaptationRecord({
  repo,
  remote,
  token,
  build,
  source,
  runId,
  base,
  head,
  workers,
}: RemoteAccess & {
  build: string;
  source: string;
  runId: number;
  base: string;
  head: string;
  workers: string[];
}): Promise<string> {
  const message = renderAdaptationMessage({
    version: 1,
    source,
    run_id: runId,
    base,
    head,
    workers,
  });
  const ref = adaptationRef(build, source);
  const problem = await pushRecordRef({ repo, remote, token, ref, message });
  if (problem !== null) return `Could not record the adaptation at ${ref}: ${problem}`;
  return `Recorded the adaptation at ${ref}: the briefs of ${workers.join(', ')} changed.`;
}
