import type { Action } from '../context/action.js';
import type { BuildSnapshot } from '../snapshot/snapshot.js';
import type { WorkerState } from '../workers/worker-state.js';
import { mirrorsOf } from './mirror.js';

/**
 * A build of sub-issues closes each sub-issue once its worker's pull request
 * has merged into the build branch, and so does a mirrored build its mirrors. Only sub-issues GitHub still lists under
 * the build's issue, and still open, are closed: a closed one is left as it is.
 */
export function decideSubIssues(snapshot: BuildSnapshot, workers: WorkerState[]): Action[] {
  const subIssues = snapshot.issue.subIssues ?? [];
  const open = new Set(subIssues.filter((s) => s.state === 'open').map((s) => s.number));
  const mirrors = mirrorsOf(subIssues);
  return workers.flatMap(({ worker, state }): Action[] => {
    const number = worker.sub_issue ?? mirrors.get(worker.id)?.number;
    if (number === undefined || state !== 'merged' || !open.has(number)) return [];
    return [{ kind: 'close-sub-issue', number, worker: worker.id, reason: 'completed' }];
  });
}
