import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';

/** A path inside the workspace, or why the path was refused. */
export type ResolvedPath =
  | { ok: true; absolute: string; relative: string }
  | { ok: false; problem: string };

/**
 * Resolves a path the model gave (relative to the workspace, or absolute inside
 * it) and refuses anything that lands outside the workspace, also through a
 * symlink anywhere on the way, and anything inside `.git` (Baton's own record of
 * the session). `root` must already be a real path.
 */
export async function resolveInWorkspace(root: string, input: string): Promise<ResolvedPath> {
  if (!input.trim()) return { ok: false, problem: 'the path is empty' };
  const absolute = path.resolve(root, input);
  if (!isInside(root, absolute)) return outside(input);
  const real = await realpathOfLongestExisting(absolute);
  if (real === null) return { ok: false, problem: `${input} goes through a broken symlink` };
  if (!isInside(root, real)) return outside(input);
  const relative = path.relative(root, real);
  if (relative.split(path.sep)[0] === '.git') {
    return { ok: false, problem: `${input} is inside .git, which the session may not touch` };
  }
  return { ok: true, absolute: real, relative: relative || '.' };
}

/** Whether `candidate` is `root` itself or lies below it. */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function outside(input: string) {
  return {
    ok: false as const,
    problem: `${input} is outside the workspace; use paths inside the repository checkout`,
  };
}

/** The real path of the deepest existing ancestor with the missing tail appended; null through a dangling link. */
async function realpathOfLongestExisting(absolute: string): Promise<string | null> {
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      await lstat(current);
      // A dangling symlink has no real path: refuse it rather than guess where it points.
      const real = await realpath(current).catch(() => null);
      return real === null ? null : path.join(real, ...missing.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return absolute;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}
