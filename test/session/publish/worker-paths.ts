import { completionPath, workerBranch } from '../../../src/core/vocabulary/ids.js';
import { BUILD, type Fixture, WORKER } from './fixture.js';

/** The fixture's worker's branch, where a work session of the fixture pushes. */
export const WORKER_BRANCH = workerBranch(BUILD, WORKER);

/** Where the fixture's worker writes its completion. */
export const WORKER_COMPLETION = completionPath(BUILD, WORKER);

/** The remote without the worker's branch, as before a first attempt's publish opens it. */
export function dropWorkerBranch(fixture: Fixture): void {
  fixture.git(['--git-dir', fixture.remoteDir, 'update-ref', '-d', `refs/heads/${WORKER_BRANCH}`]);
}
