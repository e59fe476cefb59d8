import { rm } from 'node:fs/promises';
import path from 'node:path';
import { batonIdentity, type GitOptions, git, gitRaw, gitSucceeds, hashContent } from './git.js';
import { listWorkTree, type TreeEntry } from './work-tree.js';

/** What to commit: a working tree, and files Baton wrote itself that take precedence. */
export interface CommitSource {
  /** The tree the model worked in (the repository's own when it has no copy). */
  workDir: string;
  /** Files Baton writes itself (relative path and content); they take precedence. */
  batonFiles?: readonly { path: string; content: string }[];
}

/**
 * Commits the working tree as Baton; answers whether a commit was made. Like
 * `git add -A && git commit`, without letting the tree run anything: the files
 * are listed with the repository's ignore rules, read with lstat (symlinks are
 * committed as symlinks, never followed), hashed with `--no-filters` into a
 * fresh index, and the commit is made with commit-tree. Call it only when no
 * process of the model's is left (see Sandbox.stopAll).
 */
export async function commitAll(
  options: GitOptions,
  message: string,
  source: CommitSource = { workDir: options.root },
): Promise<boolean> {
  const entries = await listWorkTree(options, source.workDir);
  const baton = await Promise.all(
    (source.batonFiles ?? []).map(async (file) => ({
      file: file.path,
      sha: await hashContent(options, file.content),
    })),
  );
  const byPath = new Map(entries.map((entry) => [entry.path, entry]));
  for (const { file, sha } of baton) byPath.set(file, { path: file, mode: '100644', sha });
  const tree = await writeTree(options, [...byPath.values()]);
  const head = await git(options, ['rev-parse', 'HEAD']);
  const merging = await gitSucceeds(options, ['rev-parse', '-q', '--verify', 'MERGE_HEAD']);
  const headTree = await git(options, ['rev-parse', 'HEAD^{tree}']);
  if (tree === headTree && !merging) return false;
  const parents = merging
    ? ['-p', head, '-p', await git(options, ['rev-parse', 'MERGE_HEAD'])]
    : ['-p', head];
  const commit = await git({ ...options, env: batonIdentity(options.env) }, [
    'commit-tree',
    tree,
    ...parents,
    '-m',
    message,
  ]);
  await git(options, ['update-ref', '-m', 'baton: commit', 'HEAD', commit, head]);
  if (merging) await git(options, ['merge', '--quit']);
  // The job's own index follows, so that later git commands see a clean state.
  await git(options, ['read-tree', 'HEAD']);
  return true;
}

/** Writes the entries as a tree, through an index of its own; answers the tree's id. */
async function writeTree(options: GitOptions, entries: readonly TreeEntry[]): Promise<string> {
  const index = path.join(options.root, '.git', 'baton-commit-index');
  const withIndex = { ...options, extraEnv: { ...options.extraEnv, GIT_INDEX_FILE: index } };
  await git(withIndex, ['read-tree', '--empty']);
  const lines = entries.map((entry) => `${entry.mode} ${entry.sha}\t${entry.path}\0`).join('');
  if (lines) await gitRaw(withIndex, ['update-index', '-z', '--index-info'], lines);
  const tree = await git(withIndex, ['write-tree']);
  await git(options, ['rev-parse', '--verify', `${tree}^{tree}`]);
  await rm(index, { force: true });
  return tree;
}
