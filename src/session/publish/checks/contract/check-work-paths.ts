/**
 * A worker's change against the contract's tree (docs/verification.md, "The
 * contract's tree"): a milestone's validation brings from the head only the
 * work's paths (src/core/verification/work-paths.ts), so publish of a worker
 * not given the contract refuses a change to a path that decides how the
 * checks run, with the path and why, refuses a contract file that is anything
 * but its sealed text with the worker's own checks' marks taken off, and names
 * the paths the allowlist cannot judge, which wait for a person ("changes what
 * runs the contract"), and refuses a dependency change that swaps the runner's
 * own packages (src/core/reports/runner-world.ts), which no validation would
 * take. A worker's own new tests pass: they never reach the proof.
 */
import type { Contract } from '../../../../core/plan/contract.js';
import { ecosystemsOf, runnerWorldProblem } from '../../../../core/reports/runner-world.js';
import { MANIFEST, type TreeFile } from '../../../../core/verification/seal.js';
import { isContractPath, judgeWorkPath } from '../../../../core/verification/work-paths.js';
import type { ScratchRepo } from '../../scratch-repo.js';
import type { ChangedFile } from '../check-changes.js';
import { HEAD_REF } from '../read-pushed-commits.js';
import { readScripts } from './contract-command.js';
import { blobText, readSealAt, readTree } from './seal-tree.js';
import { onlyMarksRemoved } from './unmark-checks.js';

/** The refusals, and the paths that wait for a person. */
export interface WorkPathsCheck {
  problems: string[];
  waits: string[];
}

const INSTEAD = `Workers change the work, and the contract's tree takes nothing else from their heads (docs/verification.md, "The contract's tree"); a change to what runs the contract goes through \`/replan\`, to a worker the plan gives the contract`;

export async function checkWorkPaths({
  repo,
  commit,
  build,
  worker,
  contract,
  changes,
  workPaths,
  judged,
}: {
  repo: ScratchRepo;
  /** The build branch as fetched: its contract, seal and tree hold. */
  commit: string;
  build: string;
  worker: string;
  contract: Contract;
  changes: readonly ChangedFile[];
  /** `verification.workPaths` of the default branch's `.github/baton.yml`. */
  workPaths: readonly string[];
  /** Paths the seal's and the contract's own rules refused already: said once. */
  judged: ReadonlySet<string>;
}): Promise<WorkPathsCheck> {
  const git = (args: string[]) => repo.run({ args });
  const [before, after, seal] = await Promise.all([
    readTree(git, commit),
    readTree(git, HEAD_REF),
    readSealAt(git, commit, build),
  ]);
  const sealed = new Set(
    seal && !(seal instanceof Error)
      ? // The manifest is sealed but for its dependency lists, which the seal's own check judges.
        seal.files.filter((entry) => entry.kind === 'sealed').map((entry) => entry.path)
      : [],
  );
  const rules = {
    contractFiles: contract.files,
    sealed,
    workPaths,
    heldByContract: (path: string) => before.has(path),
  };
  const own = contract.checks.filter((check) => check.criterion.startsWith(`${worker}:`));
  const text = async (file: TreeFile | undefined) => (file ? blobText(git, file) : null);
  const manifest = before.get(MANIFEST);
  const ecosystems = ecosystemsOf(contract.command, readScripts(await text(manifest)));
  const problems: string[] = [];
  const waits: string[] = [];
  for (const path of [...new Set(changes.map((change) => change.path))].sort()) {
    const [was, now] = [before.get(path), after.get(path)];
    if (was?.blob === now?.blob && was?.mode === now?.mode) continue;
    if (judged.has(path)) continue;
    if (isContractPath(path, contract.files)) {
      const kept =
        was !== undefined &&
        now !== undefined &&
        was.mode === now.mode &&
        (await markedOnly(git, path, was, now, own));
      if (!kept) problems.push(contractFileRefusal(path, worker, was === undefined));
      continue;
    }
    const verdict = judgeWorkPath(path, now?.mode ?? null, rules);
    if (verdict.kind === 'refused') {
      problems.push(
        `${path} changes what runs the contract: ${verdict.why}, so the contract's tree keeps the contract's commit's. ${INSTEAD}`,
      );
    } else if (verdict.kind === 'waits') {
      waits.push(path);
    } else if (verdict.kind === 'package') {
      // A dependency change waits for a person; one that swaps the runner can never be proven.
      const world = runnerWorldProblem({
        path,
        before: await text(was),
        after: await text(now),
        ecosystems,
        since: 'the build branch',
      });
      if (world !== null)
        problems.push(`${path} changes the runner's packages: ${world}. ${INSTEAD}`);
    }
  }
  return { problems, waits };
}

/** Whether the head's text is the build branch's with only the marks of the worker's own checks in it taken off. */
async function markedOnly(
  git: (args: string[]) => Promise<{ code: number; stdout: string }>,
  path: string,
  was: TreeFile,
  now: TreeFile,
  own: readonly { file: string; name: string }[],
): Promise<boolean> {
  const [before, after] = [await blobText(git, was), await blobText(git, now)];
  if (before === null || after === null) return false;
  const names = own.filter((check) => check.file === path).map((check) => check.name);
  return onlyMarksRemoved({ path, before, after, names });
}

function contractFileRefusal(path: string, worker: string, added: boolean): string {
  const what = added
    ? "it adds a file to the contract's folder, which holds only what the contract published"
    : `it changes a contract file beyond taking the expected-failure mark off ${worker}'s own checks`;
  return `${path} changes the contract: ${what}. The contract's tree runs the sealed text byte for byte, with only its workers' marks removed; change the code under test, and take only your own checks' marks off; a contract change goes through \`/replan\``;
}
