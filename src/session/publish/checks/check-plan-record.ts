import { subIssueRecordProblems } from '../../../core/plan/validate-plan.js';
import { planPath, subIssueGraphPath } from '../../../core/vocabulary/ids.js';
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
  const plan = await readJsonAt(repo, `${head}:${planPath(build)}`);
  const subIssues = await readJsonAt(repo, `${head}:${subIssueGraphPath(build)}`);
  const problems = [...plan.problems, ...subIssues.problems];
  if (problems.length > 0) return problems;
  return subIssueRecordProblems({ plan: plan.value, subIssues: subIssues.value, build });
}

async function readJsonAt(
  repo: ScratchRepo,
  spec: string,
): Promise<{ value: unknown; problems: string[] }> {
  const size = await repo.run({ args: ['cat-file', '-s', spec] });
  if (size.code !== 0) return { value: undefined, problems: [] };
  const name = spec.slice(spec.lastIndexOf('/') + 1);
  if (Number(size.stdout.trim()) > RECORD_MAX_BYTES) {
    return { value: undefined, problems: [`${name} is larger than ${RECORD_MAX_BYTES} bytes`] };
  }
  const shown = await repo.run({ args: ['show', spec] });
  try {
    return { value: JSON.parse(shown.stdout), problems: [] };
  } catch {
    return { value: undefined, problems: [`${name} is not valid JSON`] };
  }
}
