import { followUpAmendmentProblems } from '../../../core/snapshot/follow-ups.js';
import { briefPath, buildDir, planPath } from '../../../core/vocabulary/ids.js';
import type { ScratchRepo } from '../scratch-repo.js';
import type { ChangedFile } from './check-changes.js';

/** The app reads at most 256 KB of plan.json; publish reads no more. */
const PLAN_MAX_BYTES = 256 * 1024;
const BRIEF = /^W\d+\.\d+$/;

/**
 * Holds a synthesis session's commits to the one plan change it may make:
 * appending a round of follow-up workers, each with its new brief, leaving the
 * rest of the plan and every earlier worker as they were on the build branch.
 */
export async function checkFollowUps({
  repo,
  base,
  head,
  build,
  changes,
}: {
  repo: ScratchRepo;
  base: string;
  head: string;
  build: string;
  changes: ChangedFile[];
}): Promise<string[]> {
  const plan = planPath(build);
  const workersDir = `${buildDir(build)}/workers/`;
  const briefs = changes
    .map((change) => change.path)
    .filter((path) => path.startsWith(workersDir))
    .map((path) => path.slice(workersDir.length).replace(/\.md$/, ''))
    .filter((id) => BRIEF.test(id) && changes.some((c) => c.path === briefPath(build, id)));
  const planChanged = changes.some((change) => change.path === plan);
  if (!planChanged && briefs.length === 0) return [];
  const before = await readJson(repo, `${base}:${plan}`);
  const after = planChanged ? await readJson(repo, `${head}:${plan}`) : { value: undefined };
  if ('problem' in before) return [before.problem];
  if ('problem' in after) return [after.problem];
  const briefSizes = await sizesUnder(repo, head, workersDir);
  const findings = new Set<string>();
  const listed = await repo.run({
    args: ['ls-tree', '--name-only', `${base}:${buildDir(build)}/findings`],
  });
  if (listed.code === 0)
    for (const name of listed.stdout.split('\n')) findings.add(name.replace(/\.md$/, ''));
  return followUpAmendmentProblems({
    before: before.value,
    after: after.value,
    build,
    briefs,
    briefSizes,
    hasFindings: (id) => findings.has(id),
  });
}

async function readJson(
  repo: ScratchRepo,
  spec: string,
): Promise<{ value: unknown } | { problem: string }> {
  const size = await repo.run({ args: ['cat-file', '-s', spec] });
  if (size.code !== 0) return { problem: 'plan.json is missing' };
  if (Number(size.stdout.trim()) > PLAN_MAX_BYTES)
    return { problem: `plan.json is larger than ${PLAN_MAX_BYTES} bytes` };
  const shown = await repo.run({ args: ['show', spec] });
  try {
    return { value: JSON.parse(shown.stdout) };
  } catch {
    return { problem: 'plan.json is not valid JSON' };
  }
}

/** `workers/W1.1.md` → its size in bytes, at a commit. */
async function sizesUnder(
  repo: ScratchRepo,
  commit: string,
  dir: string,
): Promise<Record<string, number>> {
  const listed = await repo.run({ args: ['ls-tree', '-l', `${commit}:${dir}`] });
  const sizes: Record<string, number> = {};
  if (listed.code !== 0) return sizes;
  for (const line of listed.stdout.split('\n')) {
    const match = /^\d+ blob [0-9a-f]+\s+(\d+)\t(.+)$/.exec(line);
    if (match?.[1] && match[2]) sizes[`workers/${match[2]}`] = Number(match[1]);
  }
  return sizes;
}
