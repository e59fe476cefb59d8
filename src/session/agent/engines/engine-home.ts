/**
 * Baton's writes into the engine's HOME (docs/security.md, "Engines"). The
 * HOME is the tools user's to change while the engine runs, and Baton, as the
 * job's user, prepares it again before every run (a nudge, a second
 * conversation in the same sandbox): so nothing the tools user left there is
 * followed. The HOME itself is sticky (sandbox.ts), so the folders and files
 * Baton made there cannot be renamed or replaced by the tools user; and still
 * every folder on the way is `lstat`ed and must be a real folder of the job's
 * user (a link or another user's folder is refused, never chmodded, never
 * written into), and every file is removed and made anew with
 * `O_CREAT | O_EXCL | O_NOFOLLOW`, so a link planted in its place is removed,
 * never written through. Nothing of the engine runs while this does.
 */
import { constants, type Stats } from 'node:fs';
import { chmod, lstat, mkdir, open, unlink } from 'node:fs/promises';
import path from 'node:path';
import { ENGINE_KITS } from './engine-registry.js';

/** The HOME holds something Baton would have to follow to write there: the run does not start. */
export class EngineHomeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineHomeError';
  }
}

/**
 * Baton's folders in the HOME and their modes: the engine's temp folder and
 * each engine's own folders (EngineKit.homeFolders: Codex's home) are the
 * engine's to write (sticky, as /tmp: what Baton puts there stays Baton's);
 * `.baton` (the role prompt, a review's patches) only Baton writes.
 */
export const HOME_FOLDERS: Readonly<Record<string, number>> = {
  tmp: 0o1777,
  ...Object.fromEntries(
    Object.values(ENGINE_KITS).flatMap((kit) => kit.homeFolders.map((folder) => [folder, 0o1777])),
  ),
  '.baton': 0o755,
};
const FILE_MODE = 0o644;

/** A file Baton writes in the HOME, by its path relative to the HOME. */
export interface HomeFile {
  relative: string;
  content: string;
}

/** Makes Baton's folders (again) and writes `files`, following nothing the tools user made. */
export async function prepareEngineHome(home: string, files: readonly HomeFile[]): Promise<void> {
  for (const name of Object.keys(HOME_FOLDERS)) await ownFolder(home, name);
  for (const file of files) await writeHomeFile(home, file);
}

/** Writes one file of Baton's into the HOME (its folders made as Baton's own on the way). */
export async function writeHomeFile(home: string, { relative, content }: HomeFile): Promise<void> {
  const parts = inside(relative);
  const name = parts.pop() as string;
  const dir = await ownFolder(home, parts.join('/'));
  const file = path.join(dir, name);
  // Whatever is there (a link, a file of the engine's) goes: the folder is Baton's, so it may.
  await unlink(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return;
    throw new EngineHomeError(
      `could not replace ${relative} in the engine's HOME (${error.code ?? 'error'}); nothing was written`,
    );
  });
  const handle = await open(
    file,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    FILE_MODE,
  ).catch((error: NodeJS.ErrnoException) => {
    throw new EngineHomeError(
      `could not write ${relative} in the engine's HOME (${error.code ?? 'error'}); nothing was written`,
    );
  });
  try {
    await handle.writeFile(content);
    await handle.chmod(FILE_MODE);
  } finally {
    await handle.close();
  }
}

/**
 * `relative`'s folders under `home`, each made when missing; each must then be
 * a folder (not a link) of this process's user, and only such a folder is
 * given its mode (HOME_FOLDERS', else 0755). Answers the last one's path.
 */
async function ownFolder(home: string, relative: string): Promise<string> {
  const parts = relative === '' ? [] : inside(relative);
  checkOwn(home, await lstat(home), '.');
  let dir = home;
  for (const [index, part] of parts.entries()) {
    dir = path.join(dir, part);
    const name = parts.slice(0, index + 1).join('/');
    const mode = HOME_FOLDERS[name] ?? 0o755;
    let stats = await lstat(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (!stats) {
      // Should another user make the entry first, mkdir fails and the check below refuses it.
      await mkdir(dir, { mode }).catch(() => {});
      stats = await lstat(dir);
    }
    checkOwn(dir, stats, name);
    await chmod(dir, mode);
  }
  return dir;
}

function checkOwn(dir: string, stats: Stats, name: string): void {
  const uid = process.getuid?.() ?? -1;
  if (!stats.isDirectory() || stats.isSymbolicLink() || stats.uid !== uid) {
    const what = stats.isSymbolicLink()
      ? 'a symbolic link'
      : !stats.isDirectory()
        ? 'not a folder'
        : `a folder of uid ${stats.uid}`;
    throw new EngineHomeError(
      `the engine's HOME holds ${what} at ${name} (${dir}), where Baton keeps a folder of its own: the engine changed it, and Baton follows nothing it left; the session stops`,
    );
  }
}

/** The parts of a path inside the HOME: no absolute path, no `..`, no empty part. */
function inside(relative: string): string[] {
  const parts = relative.split('/');
  if (
    path.isAbsolute(relative) ||
    parts.some((part) => part === '' || part === '.' || part === '..')
  )
    throw new Error(`${relative} is not a path inside the engine's HOME`);
  return parts;
}
