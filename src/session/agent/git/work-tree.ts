import { access, constants, lstat, readlink } from 'node:fs/promises';
import path from 'node:path';
import { type GitOptions, git, hashContent, hashPaths } from './git.js';

/** One entry of a tree to commit. */
export interface TreeEntry {
  path: string;
  mode: '100644' | '100755' | '120000' | '160000';
  sha: string;
}

/**
 * The files of `workDir` as git would stage them with `git add -A`: the
 * repository's tracked paths and the untracked ones its ignore rules let
 * through. Every path is examined with lstat, each directory on the way too:
 * a symlink is an entry of its own (its target is never read), a FIFO, socket
 * or device is left out, and so is anything under a `.git`. Submodules keep
 * their recorded commit. `workDir` may be a copy the model owns; no process
 * of the model's may run meanwhile (nothing may swap a path for a link).
 */
export async function listWorkTree(options: GitOptions, workDir: string): Promise<TreeEntry[]> {
  const tree = { ...options, extraEnv: { ...options.extraEnv, GIT_WORK_TREE: workDir } };
  const listed = await git(tree, [
    'ls-files',
    '-z',
    '--cached',
    '--others',
    '--exclude-standard',
  ]).then((out) => out.split('\0').filter(Boolean));
  const submodules = await gitlinks(options);
  const dirs = new Map<string, boolean>();
  const files: { path: string; absolute: string; mode: '100644' | '100755' }[] = [];
  const entries: TreeEntry[] = [];
  for (const relative of new Set(listed)) {
    if (!isCommittable(relative)) continue;
    if (!(await parentsAreDirectories(workDir, relative, dirs))) continue;
    const absolute = path.join(workDir, relative);
    const stat = await lstat(absolute).catch(() => null);
    if (stat === null) continue;
    const gitlink = submodules.get(relative);
    if (gitlink && stat.isDirectory())
      entries.push({ path: relative, mode: '160000', sha: gitlink });
    else if (stat.isSymbolicLink())
      entries.push({
        path: relative,
        mode: '120000',
        sha: await hashContent(tree, await readlink(absolute)),
      });
    else if (stat.isFile() && (await readable(absolute)))
      files.push({ path: relative, absolute, mode: stat.mode & 0o100 ? '100755' : '100644' });
  }
  const shas = await hashPaths(
    tree,
    files.map((file) => file.absolute),
  );
  files.forEach((file, i) => {
    entries.push({ path: file.path, mode: file.mode, sha: shas[i] ?? '' });
  });
  return entries;
}

/** Whether git may record the path: no `.git` component, nothing git's line formats cannot carry. */
function isCommittable(relative: string): boolean {
  if (relative.endsWith('/') || /[\n\r]/.test(relative)) return false;
  return !relative.split('/').some((part) => part.toLowerCase() === '.git' || part === '..');
}

/** Whether every directory above the path is a real directory, not a symlink. */
async function parentsAreDirectories(
  workDir: string,
  relative: string,
  known: Map<string, boolean>,
): Promise<boolean> {
  const parts = relative.split('/').slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    let ok = known.get(dir);
    if (ok === undefined) {
      const stat = await lstat(path.join(workDir, dir)).catch(() => null);
      ok = stat?.isDirectory() ?? false;
      known.set(dir, ok);
    }
    if (!ok) return false;
  }
  return true;
}

async function readable(file: string): Promise<boolean> {
  return access(file, constants.R_OK).then(
    () => true,
    () => false,
  );
}

/** The submodules the index records, by path. */
async function gitlinks(options: GitOptions): Promise<Map<string, string>> {
  const out = await git(options, ['ls-files', '-z', '--stage']);
  const links = new Map<string, string>();
  for (const line of out.split('\0')) {
    const match = /^160000 ([0-9a-f]+) \d\t(.+)$/.exec(line);
    if (match?.[1] && match[2]) links.set(match[2], match[1]);
  }
  return links;
}
