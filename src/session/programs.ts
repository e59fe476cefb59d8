import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the session looks for the programs it runs: the system's directories,
 * fixed. Never `$PATH`: a step before the session (the project's setup, on a
 * worker's branch) may have put a directory of the branch's first on it
 * (`$GITHUB_PATH`), and a `git` found there would run inside the process tree
 * that holds the model key.
 */
export const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The whole environment of a program the session runs itself (git has its own,
 * git.ts): the system's `PATH` and a locale, nothing of the job's. A variable a
 * step before the session set (`NODE_OPTIONS`, `LD_PRELOAD`, a `PATH` that
 * names the checkout) never reaches them, nor does the model key.
 */
export function programEnv(): Record<string, string> {
  return { PATH: SYSTEM_PATH, LANG: 'C.UTF-8' };
}

/**
 * A search path without what would find a program of the checkout's: empty and
 * relative entries (searched from the working directory, the checkout) and
 * folders inside any of `trees` (a checkout's `node_modules/.bin`, put there by
 * a setup step). What the model's commands and the engines run by name is then
 * the toolchain's or the system's, never a file a worker committed.
 */
export function searchPathOutside(searchPath: string, trees: readonly string[]): string {
  const inside = (dir: string) =>
    trees.some((tree) => {
      const relative = path.relative(tree, dir);
      return (
        relative === '' ||
        (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))
      );
    });
  return searchPath
    .split(':')
    .filter((dir) => path.isAbsolute(dir) && !inside(dir))
    .join(':');
}

/** The programs the session runs; each is resolved once, from SYSTEM_PATH. */
export type Program =
  | 'git'
  | 'sudo'
  | 'id'
  | 'chmod'
  | 'useradd'
  | 'timeout'
  | 'bash'
  | 'sh'
  | 'rm'
  | 'true'
  | 'tar'
  | 'bwrap'
  | 'setpriv'
  | 'prlimit'
  | 'nsenter'
  | 'ip';

/** A program the session needs is not in the system's directories. */
export class MissingProgramError extends Error {
  constructor(name: string) {
    super(
      `${name} is not installed in any of ${SYSTEM_PATH}; the session runs programs only from those directories (never from $PATH): install it there`,
    );
    this.name = 'MissingProgramError';
  }
}

const resolved = new Map<string, string>();

/** The absolute path of `name` in SYSTEM_PATH; throws MissingProgramError when none is there. */
export function programPath(name: Program): string {
  const known = resolved.get(name);
  if (known) return known;
  const found = findProgram(name, SYSTEM_PATH);
  if (!found) throw new MissingProgramError(name);
  resolved.set(name, found);
  return found;
}

/** The first executable regular file named `name` in the directories of `searchPath`, or null. */
export function findProgram(name: string, searchPath: string): string | null {
  for (const dir of searchPath.split(':')) {
    if (!path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return null;
}
