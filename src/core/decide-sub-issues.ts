import type { Action } from './action.js';
import type { BuildSnapshot } from './snapshot.js';
import type { WorkerState } from './worker-state.js';

/**
 * A build of sub-issues closes each sub-issue once its worker's pull request
 * has merged into the build branch. Only sub-issues GitHub still lists under
 * the build's issue, and still open, are closed: a closed one is left as it is.
 */
export function decideSubIssues(snapshot: BuildSnapshot, workers: WorkerState[]): Action[] {
  const open = new Set(
    (snapshot.issue.subIssues ?? []).filter((s) => s.state === 'open').map((s) => s.number),
  );
  return workers.flatMap(({ worker, state }): Action[] => {
    const number = worker.sub_issue;
    if (number === undefined || state !== 'merged' || !open.has(number)) return [];
    return [{ kind: 'close-sub-issue', number, worker: worker.id }];
  });
}
