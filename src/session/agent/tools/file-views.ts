import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

/** Folders that are never listed or searched: git's store and installed dependencies. */
export const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

/** `cat -n` style numbering, starting at `first`. */
export function numberLines(lines: readonly string[], first: number): string {
  return lines.map((line, i) => `${String(first + i).padStart(6)}\t${line}`).join('\n');
}

/**
 * A listing of `dir` down to `depth` levels, relative to `root`: folders end in
 * `/`, symlinks show as `name@` and are not followed, `.git` and dependency
 * folders are left out. Hidden entries stay: `.baton/` and `.github/` matter here.
 */
export async function listTree(
  root: string,
  dir: string,
  depth: number,
  maxEntries = 1000,
): Promise<string> {
  const lines: string[] = [];
  await walk(root, dir, depth, lines, maxEntries);
  if (lines.length >= maxEntries)
    lines.push(`[... stopped at ${maxEntries} entries; list a subfolder]`);
  return lines.join('\n') || '(empty folder)';
}

async function walk(
  root: string,
  dir: string,
  depth: number,
  lines: string[],
  max: number,
): Promise<void> {
  const entries = await readdir(dir).catch(() => []);
  entries.sort();
  for (const name of entries) {
    if (lines.length >= max) return;
    if (SKIPPED_DIRS.has(name)) continue;
    const full = path.join(dir, name);
    const info = await lstat(full).catch(() => null);
    if (!info) continue;
    const relative = path.relative(root, full);
    if (info.isSymbolicLink()) lines.push(`${relative}@`);
    else if (info.isDirectory()) {
      lines.push(`${relative}/`);
      if (depth > 1) await walk(root, full, depth - 1, lines, max);
    } else lines.push(relative);
  }
}
