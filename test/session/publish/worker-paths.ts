import { completionPath, workerBranch } from '../../../src/core/vocabulary/ids.js';
import { BUILD, WORKER } from './fixture.js';

/** The fixture's worker's branch, where a work session of the fixture pushes. */
export const WORKER_BRANCH = workerBranch(BUILD, WORKER);

/** Where the fixture's worker writes its completion. */
export const WORKER_COMPLETION = completionPath(BUILD, WORKER);
