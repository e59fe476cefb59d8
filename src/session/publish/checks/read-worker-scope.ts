import { buildTypeOf, Plan } from '../../../core/plan/plan.js';
import { parseFindings } from '../../../core/records/findings.js';
import { planPath, workerFindingsPath } from '../../../core/vocabulary/ids.js';
import type { ScratchRepo } from '../scratch-repo.js';
import type { WorkerScope } from './check-changes.js';
import { parseJson, readAt } from './inputs/read-worker-title.js';
import { HEAD_REF } from './read-pushed-commits.js';

/** The worker's scope, or why the plan it is read from cannot give one. */
export type ReadScope = { ok: true; scope: WorkerScope } | { ok: false; problem: string };

/**
 * What the build's plan lets this worker write, read from `plan.json` at
 * `commit` (the build branch, which no worker session moves). A build branch
 * without a plan is a code build, as before build types.
 */
export async function readWorkerScope({
  repo,
  commit,
  build,
  worker,
}: {
  repo: ScratchRepo;
  commit: string;
  build: string;
  worker: string;
}): Promise<ReadScope> {
  const text = await readAt(repo, `${commit}:${planPath(build)}`);
  if (text === null) return { ok: true, scope: { type: 'code', outputs: [] } };
  const plan = Plan.safeParse(parseJson(text));
  if (!plan.success) {
    return {
      ok: false,
      problem: `${planPath(build)} on the build branch is not a valid plan, so what ${worker} may write is unknown; /replan the build`,
    };
  }
  const entry = plan.data.workers.find((each) => each.id === worker);
  return { ok: true, scope: { type: buildTypeOf(plan.data), outputs: entry?.outputs ?? [] } };
}

/**
 * A research worker's findings at the new head: they must be there (a worker
 * that reports complete found something) and follow the documented format
 * (front matter with the question, confidence and sources, then the answer).
 */
export async function checkFindings({
  repo,
  build,
  worker,
}: {
  repo: ScratchRepo;
  build: string;
  worker: string;
}): Promise<string[]> {
  const path = workerFindingsPath(build, worker);
  const text = await readAt(repo, `${HEAD_REF}:${path}`);
  if (text === null) {
    return [
      `a research worker delivers its findings in ${path} (docs/build-types.md), and the commits leave none`,
    ];
  }
  const parsed = parseFindings(text, worker);
  return parsed.ok ? [] : parsed.problems.map((problem) => `${path}: ${problem}`);
}
