import { lstat, mkdir, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  manifestDiffers,
  manifestWithDependencies,
  type SealEntry,
} from '../../../../core/verification/seal.js';
import { judgeContractFile } from '../../../publish/checks/contract/contract-breach.js';
import { type GitRun, readSealAt } from '../../../publish/checks/contract/seal-tree.js';
import type { AgentContext } from '../../agent-context.js';
import { type GitOptions, gitRaw, hashPaths } from '../../git/git.js';
import type { Sandbox } from '../../sandbox/sandbox.js';
import { checkoutGit, contractCommit } from './contract-commit.js';

/** What restoring the seal did: how many paths it holds and those that differed (restored, or deleted). */
export type RestoredSeal =
  | { ok: true; commit: string | null; count: number; differed: string[] }
  | { ok: false; problem: string };

/**
 * Puts the seal back over the tree the contract's command runs in
 * (docs/verification.md, "The seal"): the seal is read from the contract's
 * commit, never the head (which a person's push may have changed), and every
 * sealed path is made as it was sealed: a file written back with its mode, a
 * path sealed as absent deleted. A contract file is restored only where the
 * head's weakens it by the contract's rules (`judgeContractFile`): a worker
 * turns its own criteria's checks into plain ones, which the sealed text still
 * marks to fail; `package.json` comes back as sealed with the head's
 * dependency lists, which stay the workers'. A contract published before seals
 * has none: nothing is restored.
 */
export async function restoreSeal(ctx: AgentContext, sandbox: Sandbox): Promise<RestoredSeal> {
  const options: GitOptions = { root: ctx.root, env: ctx.toolEnv };
  const git = checkoutGit(ctx);
  const build = ctx.env.BATON_BUILD;
  const commit = await contractCommit(git, build, ctx.base);
  if (commit === null) {
    ctx.log('no commit of the build branch brought the contract: no seal to restore');
    return { ok: true, commit, count: 0, differed: [] };
  }
  const seal = await readSealAt(git, commit, build);
  if (seal instanceof Error) {
    return { ok: false, problem: `the contract's commit ${commit.slice(0, 12)}: ${seal.message}` };
  }
  if (seal === null) {
    ctx.log(`the contract's commit ${commit.slice(0, 12)} has no seal: nothing restored`);
    return { ok: true, commit, count: 0, differed: [] };
  }
  const differed: SealEntry[] = [];
  for (const entry of seal.files) {
    if (await differs(git, options, sandbox.workDir, entry)) differed.push(entry);
  }
  // The manifest comes back as sealed with the head's dependency lists, read before it is cleared.
  const manifests = new Map<string, string>();
  for (const entry of differed) {
    if (entry.kind !== 'manifest' || entry.blob === null) continue;
    const now = await readRegular(sandbox.workDir, entry.path);
    manifests.set(entry.path, manifestWithDependencies(await blobOf(git, entry.blob), now));
  }
  for (const entry of differed) await clear(sandbox.workDir, entry.path);
  for (const [file, text] of manifests) {
    await mkdir(path.dirname(inside(sandbox.workDir, file)), { recursive: true });
    await writeFile(inside(sandbox.workDir, file), text, { mode: 0o644 });
  }
  const written = differed
    .filter((entry) => entry.blob !== null && !manifests.has(entry.path))
    .map((entry) => entry.path);
  if (written.length > 0) {
    // A checkout of the sealed paths from the contract's commit into the run's tree, through an
    // index of its own: git writes each with its mode and replaces a link on the way to it.
    const index = await mkdtemp(path.join(tmpdir(), 'baton-seal-'));
    try {
      await gitRaw(
        {
          ...options,
          extraEnv: { GIT_INDEX_FILE: path.join(index, 'index'), GIT_WORK_TREE: sandbox.workDir },
        },
        ['checkout', commit, '--', ...written.map((file) => `:(literal)${file}`)],
      );
    } finally {
      await rm(index, { recursive: true, force: true });
    }
  }
  const paths = differed.map((entry) => entry.path);
  ctx.log(
    `the seal of the contract's commit ${commit.slice(0, 12)}: ${seal.files.length} paths, ${paths.length} restored that differed${paths.length > 0 ? `: ${paths.join(', ')}` : ''}`,
  );
  return { ok: true, commit, count: seal.files.length, differed: paths };
}

/** A sealed blob's text (empty where git cannot read it). */
async function blobOf(git: GitRun, blob: string): Promise<string> {
  return (await git(['cat-file', 'blob', blob])).stdout;
}

/** A regular file's text in the run's tree, or null (absent, a link, a folder, a link on the way). */
async function readRegular(root: string, file: string): Promise<string | null> {
  const stat = await lstat(inside(root, file)).catch(() => null);
  if (!stat?.isFile() || (await linkOnTheWay(root, file))) return null;
  return readFile(inside(root, file), 'utf8');
}

/** A path of the run's tree; a sealed path never leaves it (the schema refuses `..`). */
function inside(root: string, file: string): string {
  return path.join(root, ...file.split('/'));
}

/** Whether the run's tree holds something other than the sealed entry at its path. */
async function differs(
  git: GitRun,
  options: GitOptions,
  root: string,
  entry: SealEntry,
): Promise<boolean> {
  const file = inside(root, entry.path);
  const stat = await lstat(file).catch(() => null);
  if (entry.blob === null || entry.mode === null) return stat !== null;
  if (stat === null || (await linkOnTheWay(root, entry.path))) return true;
  if (entry.mode === '120000') {
    if (!stat.isSymbolicLink()) return true;
    const sealed = await git(['cat-file', 'blob', entry.blob]);
    return (await readlink(file)) !== sealed.stdout;
  }
  if (!stat.isFile()) return true;
  if ((entry.mode === '100755') !== ((stat.mode & 0o111) !== 0)) return true;
  const [blob] = await hashPaths(options, [file]);
  if (blob === entry.blob) return false;
  if (entry.kind === 'sealed') return true;
  if (entry.kind === 'manifest') {
    return manifestDiffers(await blobOf(git, entry.blob), await readFile(file, 'utf8'));
  }
  // A contract file: the head's may differ, as long as it weakens nothing.
  const before = await git(['cat-file', 'blob', entry.blob]);
  const after = await readFile(file, 'utf8');
  const mode = entry.mode;
  return (
    judgeContractFile({
      path: entry.path,
      before: { mode, text: before.stdout },
      after: { mode, text: after },
    }) !== null
  );
}

/**
 * Takes away what the run's tree holds at a sealed path: the link on the way
 * to it where there is one (never what the link points at), else the path.
 */
async function clear(root: string, file: string): Promise<void> {
  const parts = file.split('/');
  for (let depth = 1; depth < parts.length; depth++) {
    const folder = path.join(root, ...parts.slice(0, depth));
    if ((await lstat(folder).catch(() => null))?.isSymbolicLink()) {
      await rm(folder, { force: true });
      return;
    }
  }
  await rm(inside(root, file), { recursive: true, force: true });
}

/** Whether a folder on the way to `file` is a link (what is written there would land elsewhere). */
async function linkOnTheWay(root: string, file: string): Promise<boolean> {
  const parts = file.split('/').slice(0, -1);
  for (let depth = 1; depth <= parts.length; depth++) {
    const stat = await lstat(path.join(root, ...parts.slice(0, depth))).catch(() => null);
    if (stat?.isSymbolicLink()) return true;
  }
  return false;
}
