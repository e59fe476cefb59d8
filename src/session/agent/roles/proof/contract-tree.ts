/**
 * The contract's tree (docs/verification.md, "The contract's tree"): the tree
 * a milestone's validation runs the contract's checks in is the contract's
 * commit's (the newest first-parent commit of the build branch that brought
 * `contract.json` or its seal), with only the work brought in from the
 * validated head: the paths the allowlist calls work
 * (src/core/verification/work-paths.ts), each contract file whose head text is
 * its sealed text with checks' marks taken off, and the package files whose
 * runner's packages are proven the contract's (src/core/reports/runner-world.ts).
 * Whatever else the head holds (a runner's settings in any folder, a shim under
 * `node_modules/.bin`, a new test beside the checks, a changed fixture or
 * snapshot, a link) stays as the contract's commit holds it. Built in the
 * sandbox's copy of the checkout, by git as the tools user, and left by
 * moving the copy back to the head.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Contract, contractPath } from '../../../../core/plan/contract.js';
import {
  ecosystemsOf,
  packageFileEcosystem,
  runnerWorldProblem,
} from '../../../../core/reports/runner-world.js';
import {
  type ReachedCode,
  reachedInWork,
  type WorkFile,
} from '../../../../core/verification/reach/reached-in-work.js';
import {
  MANIFEST,
  manifestWithDependencies,
  sealPath,
  type TreeFile,
} from '../../../../core/verification/seal.js';
import { isContractPath, judgeWorkPath } from '../../../../core/verification/work-paths.js';
import { readScripts } from '../../../publish/checks/contract/contract-command.js';
import { blobText, readSealAt, readTree } from '../../../publish/checks/contract/seal-tree.js';
import { onlyMarksRemoved } from '../../../publish/checks/contract/unmark-checks.js';
import type { AgentContext } from '../../agent-context.js';
import type { Sandbox } from '../../sandbox/sandbox.js';
import { checkoutGit, contractCommitsOf, type RevertedCommit } from './contract-commit.js';
import { checkoutIn, gitInSandbox } from './sandbox-git.js';

/** The tree as built: where it came from, and what of the head it took and left. */
export interface ContractTree {
  /** The contract's commit the tree was built from: the newest that brought the contract or its seal. */
  sealedAt: string;
  /** Every first-parent commit from the head that brought either, newest first (the record's `contract_commits`). */
  contractCommits: string[];
  /** The pushes left out of them because a later one of them reverted each exactly (the record's `reverted`). */
  reverted: RevertedCommit[];
  /** The head's paths brought in (written or deleted as the head has them). */
  brought: string[];
  /** The head's changed paths left as the contract's commit holds them, each with why. */
  keptOut: { path: string; why: string }[];
  /** The test-aware code the brought work gained since the contract's commit (reached-in-work.ts). */
  reached: ReachedCode[];
}

export type EnteredTree = { ok: true; tree: ContractTree } | { ok: false; problem: string };

/** Where the tree's lists of paths are written for git, in the copy's `.git`. */
const LISTS = 'baton-tree';

/**
 * Moves the sandbox's copy to the contract's tree for the head `ctx.base`. A
 * problem where it cannot be built, or where the head's package files would
 * have the job's install run a runner that is not the contract's.
 */
export async function enterContractTree(
  ctx: AgentContext,
  sandbox: Sandbox,
  {
    build,
    contract,
    workPaths,
  }: { build: string; contract: Contract; workPaths: readonly string[] },
): Promise<EnteredTree> {
  const git = checkoutGit(ctx);
  const { commits: contractCommits, reverted } = await contractCommitsOf(ctx, build);
  const sealedAt = contractCommits[0];
  if (sealedAt === undefined) {
    return { ok: false, problem: "no commit of the build branch brought the contract's record" };
  }
  const seal = await readSealAt(git, sealedAt, build);
  if (seal instanceof Error) {
    return {
      ok: false,
      problem: `the contract's commit ${sealedAt.slice(0, 12)}: ${seal.message}`,
    };
  }
  const [before, after] = await Promise.all([readTree(git, sealedAt), readTree(git, ctx.base)]);
  const text = (file: TreeFile | undefined) => (file ? blobText(git, file) : null);
  const scripts = readScripts(await text(before.get(MANIFEST)));
  const ecosystems = ecosystemsOf(contract.command, scripts);
  const rules = {
    contractFiles: contract.files,
    sealed: new Set(
      (seal?.files ?? []).filter((entry) => entry.kind === 'sealed').map((entry) => entry.path),
    ),
    workPaths,
    heldByContract: (file: string) => before.has(file),
  };
  const brought: string[] = [];
  const keptOut: ContractTree['keptOut'] = [];
  const writes = new Map<string, string>();
  const work: WorkFile[] = [];
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
    (file) =>
      before.get(file)?.blob !== after.get(file)?.blob ||
      before.get(file)?.mode !== after.get(file)?.mode,
  );
  for (const file of changed.sort()) {
    const [was, now] = [before.get(file), after.get(file)];
    if (file === contractPath(build) || file === sealPath(build)) continue;
    const ecosystem = packageFileEcosystem(file);
    const world =
      ecosystem !== null && ecosystems.has(ecosystem)
        ? runnerWorldProblem({
            path: file,
            before: await text(was),
            after: await text(now),
            ecosystems,
          })
        : null;
    if (world !== null) {
      return {
        ok: false,
        problem: `the runner's world is not the contract's: ${world}. A change to the runner goes through a worker the plan gives the contract, whose publish seals it again`,
      };
    }
    if (file === MANIFEST && was && now) {
      // Sealed but for its dependency lists, which stay the workers'.
      writes.set(file, manifestWithDependencies((await text(was)) ?? '', await text(now)));
      brought.push(file);
      continue;
    }
    if (isContractPath(file, contract.files)) {
      const names = contract.checks.filter((check) => check.file === file).map((c) => c.name);
      const [sealed, headText] = [await text(was), await text(now)];
      const kept =
        was?.mode === now?.mode &&
        sealed !== null &&
        headText !== null &&
        onlyMarksRemoved({ path: file, before: sealed, after: headText, names });
      if (kept) brought.push(file);
      else
        keptOut.push({ path: file, why: "not its sealed text with only checks' marks taken off" });
      continue;
    }
    const verdict = judgeWorkPath(file, now?.mode ?? null, rules);
    // A package file came through the runner's world above: the runner's packages are the contract's.
    const brings =
      verdict.kind === 'work' ||
      verdict.kind === 'package' ||
      (verdict.kind === 'other' && verdict.brought);
    if (brings) brought.push(file);
    else keptOut.push({ path: file, why: whyKept(verdict) });
    // The work's code, which the checks' run may load; no runner reads `.github/` or `.baton/`.
    const headText = verdict.kind === 'work' ? await text(now) : null;
    if (headText !== null) work.push({ path: file, before: await text(was), after: headText });
  }
  const built = await buildTree(ctx, sandbox, { sealedAt, after, brought, writes });
  if (built !== null)
    return { ok: false, problem: `the contract's tree could not be built: ${built}` };
  ctx.log(
    `the contract's tree: ${sealedAt.slice(0, 12)}'s, ${brought.length} paths of the head brought in, ${keptOut.length} left as the contract's commit holds them${keptOut.length > 0 ? `: ${keptOut.map((one) => one.path).join(', ')}` : ''}`,
  );
  const reached = reachedInWork(work);
  for (const one of reached.slice(0, 10))
    ctx.log(`test-aware code brought in: ${one.path}:${one.line} ${one.what}`);
  return { ok: true, tree: { sealedAt, contractCommits, reverted, brought, keptOut, reached } };
}

/** Moves the sandbox's copy back to the head (the model reads it, where one is asked). */
export async function leaveContractTree(ctx: AgentContext, sandbox: Sandbox): Promise<void> {
  const back = await checkoutIn(ctx, sandbox, ctx.base);
  if (back !== null) throw new Error(`the checkout could not move back to ${ctx.base}: ${back}`);
}

function whyKept(verdict: ReturnType<typeof judgeWorkPath>): string {
  switch (verdict.kind) {
    case 'refused':
    case 'waits':
      return verdict.why;
    case 'test':
      return "a test path: the contract's tests are the contract's commit's";
    case 'other':
      return 'a test, a link or settings under `.github/` or `.baton/`';
    case 'work':
    case 'package':
      return '';
    default: {
      const never: never = verdict;
      return never;
    }
  }
}

/**
 * The copy moved to `sealedAt`, then each brought path checked out from the
 * head (or deleted where the head deleted it), through lists of paths in the
 * copy's `.git`, and the written files put in place.
 */
async function buildTree(
  ctx: AgentContext,
  sandbox: Sandbox,
  {
    sealedAt,
    after,
    brought,
    writes,
  }: {
    sealedAt: string;
    after: ReadonlyMap<string, TreeFile>;
    brought: readonly string[];
    writes: ReadonlyMap<string, string>;
  },
): Promise<string | null> {
  const moved = await checkoutIn(ctx, sandbox, sealedAt);
  if (moved !== null) return moved;
  const lists = path.join(sandbox.workDir, '.git', LISTS);
  await rm(lists, { recursive: true, force: true });
  await mkdir(lists, { recursive: true, mode: 0o777 });
  const fromHead = brought.filter((file) => after.has(file) && !writes.has(file));
  const gone = brought.filter((file) => !after.has(file));
  const spec = (files: readonly string[]) => files.map((file) => `:(literal)${file}\0`).join('');
  if (fromHead.length > 0) {
    await writeFile(path.join(lists, 'head'), spec(fromHead), { mode: 0o644 });
    const checked = await gitInSandbox(
      ctx,
      sandbox,
      `checkout ${ctx.base} --pathspec-from-file=.git/${LISTS}/head --pathspec-file-nul`,
    );
    if (checked !== null) return checked;
  }
  if (gone.length > 0) {
    await writeFile(path.join(lists, 'gone'), spec(gone), { mode: 0o644 });
    const removed = await gitInSandbox(
      ctx,
      sandbox,
      `rm -q -r -f --ignore-unmatch --pathspec-from-file=.git/${LISTS}/gone --pathspec-file-nul`,
    );
    if (removed !== null) return removed;
  }
  for (const [file, content] of writes) {
    const at = path.join(sandbox.workDir, ...file.split('/'));
    // The contract's commit's file goes first, whatever it is: nothing is written through a link.
    await rm(at, { recursive: true, force: true });
    await writeFile(at, content, { mode: 0o644, flag: 'wx' });
  }
  return null;
}
