import { subIssueRecordProblems } from '../../../core/plan/validate-plan.js';
import { planPath, subIssueGraphPath } from '../../../core/vocabulary/ids.js';
import { readCappedBlobs, readObjectSizes } from '../cat-file-batch.js';
import type { ScratchRepo } from '../scratch-repo.js';

/** The app reads at most 256 KB of either file; publish reads no more. */
const RECORD_MAX_BYTES = 256 * 1024;

/**
 * Holds a plan session's commit to the sub-issues it read: one worker per open
 * sub-issue, the dependencies GitHub's "blocked by" links give, and no
 * `sub_issue` in a plan without `sub-issues.json`. The same rules as the app's
 * (`validatePlan`), so a plan that breaks them never lands on the build branch.
 */
export async function checkPlanRecord({
  repo,
  head,
  build,
}: {
  repo: ScratchRepo;
  head: string;
  build: string;
}): Promise<string[]> {
  const specs = [`${head}:${planPath(build)}`, `${head}:${subIssueGraphPath(build)}`];
  // The sizes first, so an oversized file is named; both files' contents by one more git.
  const sizes = await readObjectSizes(repo, specs);
  const blobs = await readCappedBlobs(repo, specs, RECORD_MAX_BYTES);
  const [plan, subIssues] = specs.map((spec, i) =>
    jsonAt(spec, sizes[i] ?? null, blobs[i] ?? null),
  );
  const problems = [...(plan?.problems ?? []), ...(subIssues?.problems ?? [])];
  if (problems.length > 0) return problems;
  return subIssueRecordProblems({ plan: plan?.value, subIssues: subIssues?.value, build });
}

function jsonAt(
  spec: string,
  size: number | null,
  blob: Buffer | null,
): { value: unknown; problems: string[] } {
  if (size === null) return { value: undefined, problems: [] };
  const name = spec.slice(spec.lastIndexOf('/') + 1);
  if (size > RECORD_MAX_BYTES) {
    return { value: undefined, problems: [`${name} is larger than ${RECORD_MAX_BYTES} bytes`] };
  }
  try {
    // An object that is no blob (a folder) is no JSON either.
    return { value: JSON.parse(blob?.toString('utf8') ?? ''), problems: [] };
  } catch {
    return { value: undefined, problems: [`${name} is not valid JSON`] };
  }
}
