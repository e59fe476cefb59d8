/**
 * An engine's unpacked package as its pin names it (`PlatformPin.unpacked`):
 * every regular file under the tarball's `package/` folder, by its path, its
 * mode (executable or not) and the sha256 of its bytes, listed in path order
 * and hashed into one digest, with the bytes of all its files counted.
 *
 * A session may run the unpacked copy that an earlier session of the same
 * machine left in the engine cache (install-engine.ts) where it is, only when
 * it hashes to the pinned digest and no other user can change it: the cache's
 * folders and every entry of the tree are the session's user's own and
 * writable by no one else (`checkTree`). A process of the same user could
 * change a copy in a folder of the session's own just as well, so copying it
 * there would buy nothing but 400 MB of writes a session. Anything but
 * folders and regular files in the tree (a link, a pipe, a device) refuses
 * it, and so does a tree larger than the pin says, before it is read whole.
 */

import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir } from 'node:fs/promises';
import path from 'node:path';

/** What a pin holds of the unpacked package: the tree's digest and how many bytes its files hold. */
export interface UnpackedPin {
  /** `sha256-<base64>` of the listing `treeDigest` makes. */
  digest: string;
  bytes: number;
}

/** One regular file of the tree, relative to its root with `/` between folders. */
interface TreeFile {
  path: string;
  executable: boolean;
  /** The sha256 of its bytes, hex. */
  sha256: string;
}

/** The digest of a tree's files: one line each, `x`/`-`, its sha256 and its path, in path order. */
function treeDigest(files: TreeFile[]): string {
  const listing = [...files]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((file) => `${file.executable ? 'x' : '-'} ${file.sha256} ${file.path}\n`)
    .join('');
  return `sha256-${createHash('sha256').update(listing).digest('base64')}`;
}

/** How a copy went: its pin, what was written, or why nothing may run of it. */
export type TreeCopy =
  | { result: 'copied'; unpacked: UnpackedPin }
  | { result: 'missing' }
  | { result: 'refused'; why: string };

/** How a check in place went: the tree's pin, or why nothing may run of it. */
export type TreeCheck =
  | { result: 'checked'; unpacked: UnpackedPin }
  | { result: 'missing' }
  | { result: 'refused'; why: string };

/**
 * Copies the tree at `from` into `to` (a folder this process made, empty),
 * hashing each file's bytes as they are written; stops at anything that is
 * not a folder or a regular file, and once more than `limit` bytes are
 * written. Links are never followed: a file is opened without following its
 * last name, and only a regular file is read.
 */
export async function copyTree(from: string, to: string, limit: number): Promise<TreeCopy> {
  const top = await lstat(from).catch(() => null);
  if (!top) return { result: 'missing' };
  if (!top.isDirectory()) return { result: 'refused', why: `${from} is not a folder` };
  const files: TreeFile[] = [];
  const written = { bytes: 0 };
  const why = await copyFolder({ from, to, relative: '', files, written, limit });
  if (why) return { result: 'refused', why };
  return { result: 'copied', unpacked: { digest: treeDigest(files), bytes: written.bytes } };
}

/**
 * The pin of the tree at `root`, read where it is, when only `owner` can change
 * it: each of `parents` (the folders above it, outermost first) and every
 * folder and file of the tree is owned by `owner` and writable by no group
 * or other user, and every entry of the tree may be read (folders entered)
 * by the tools user. Stops at anything else, and once more than `limit` bytes are read.
 */
export async function checkTree(
  root: string,
  { owner, parents, limit }: { owner: number; parents: readonly string[]; limit: number },
): Promise<TreeCheck> {
  for (const folder of parents) {
    const stats = await lstat(folder).catch(() => null);
    if (!stats) return { result: 'missing' };
    // The folders above need not be readable: the sandbox makes its own above the tree.
    const why = unsharedWhy(folder, stats, owner, true, false);
    if (why) return { result: 'refused', why };
  }
  const top = await lstat(root).catch(() => null);
  if (!top) return { result: 'missing' };
  const why = unsharedWhy(root, top, owner, true);
  if (why) return { result: 'refused', why };
  const read = await readTree(root, limit, owner);
  return 'why' in read ? { result: 'refused', why: read.why } : { result: 'checked', ...read };
}

/** Why an entry of a tree checked in place is not the owner's alone, or null. */
function unsharedWhy(
  name: string,
  stats: { uid: number; mode: number; isDirectory(): boolean; isFile(): boolean },
  owner: number,
  folder: boolean,
  readable = true,
): string | null {
  if (folder ? !stats.isDirectory() : !stats.isFile())
    return `${name} is not a ${folder ? 'folder' : 'regular file'}`;
  if (stats.uid !== owner) return `${name} belongs to another user (${stats.uid})`;
  if ((stats.mode & 0o022) !== 0) return `${name} may be written by other users`;
  const read = folder ? 0o005 : 0o004;
  if (readable && (stats.mode & read) !== read) return `${name} cannot be read by the tools user`;
  return null;
}

/** The pin of a tree this process wrote and only it writes (a tarball it unpacked). */
export async function pinOfTree(root: string): Promise<UnpackedPin> {
  const read = await readTree(root, Number.POSITIVE_INFINITY);
  if ('why' in read) throw new Error(`the unpacked engine at ${root}: ${read.why}`);
  return read.unpacked;
}

/** Hashes the tree where it is (its entries `owner`'s alone, when given); why it stopped, or its pin. */
async function readTree(
  root: string,
  limit: number,
  owner?: number,
): Promise<{ unpacked: UnpackedPin } | { why: string }> {
  const files: TreeFile[] = [];
  const read = { bytes: 0 };
  const why = await copyFolder({
    from: root,
    to: null,
    relative: '',
    files,
    written: read,
    limit,
    ...(owner === undefined ? {} : { owner }),
  });
  return why ? { why } : { unpacked: { digest: treeDigest(files), bytes: read.bytes } };
}

interface FolderCopy {
  from: string;
  /** Where the copy goes; null: the tree is hashed where it is. */
  to: string | null;
  relative: string;
  files: TreeFile[];
  written: { bytes: number };
  limit: number;
  /** When set (a tree checked in place): the user every entry must belong to, writable by no one else. */
  owner?: number;
}

/** Copies (or hashes) one folder, depth first; why it stopped, or null. */
async function copyFolder(copy: FolderCopy): Promise<string | null> {
  const names = await readdir(copy.from).catch(() => null);
  if (!names) return `${copy.from} cannot be read`;
  for (const name of names.sort()) {
    const from = path.join(copy.from, name);
    const to = copy.to === null ? null : path.join(copy.to, name);
    const relative = copy.relative ? `${copy.relative}/${name}` : name;
    const stats = await lstat(from).catch(() => null);
    if (stats?.isDirectory()) {
      const unshared =
        copy.owner === undefined ? null : unsharedWhy(relative, stats, copy.owner, true);
      if (unshared) return unshared;
      if (to !== null) await mkdir(to, { mode: 0o755 });
      const why = await copyFolder({ ...copy, from, to, relative });
      if (why) return why;
    } else if (stats?.isFile()) {
      const why = await copyFile({ from, to, relative, copy });
      if (why) return why;
    } else {
      return `${relative} is neither a folder nor a regular file`;
    }
  }
  return null;
}

/** How much of a file is read at a time. */
const CHUNK_BYTES = 1 << 20;

/** Copies one regular file, hashing the bytes it writes; why it stopped, or null. */
async function copyFile({
  from,
  to,
  relative,
  copy,
}: {
  from: string;
  to: string | null;
  relative: string;
  copy: FolderCopy;
}): Promise<string | null> {
  const source = await open(
    from,
    constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK,
  ).catch(() => null);
  if (!source) return `${relative} cannot be opened as a regular file`;
  try {
    const stats = await source.stat();
    if (!stats.isFile()) return `${relative} is not a regular file`;
    const unshared =
      copy.owner === undefined ? null : unsharedWhy(relative, stats, copy.owner, false);
    if (unshared) return unshared;
    const executable = (stats.mode & 0o111) !== 0;
    const target = to === null ? null : await open(to, 'wx', executable ? 0o755 : 0o644);
    try {
      const hash = createHash('sha256');
      // One buffer a file, read into again and again: a stream's new chunk each megabyte cost
      // a third more CPU than the hash itself over an engine's 380 MB, at every session.
      const buffer = Buffer.allocUnsafe(Math.min(Math.max(stats.size, 1 << 16), CHUNK_BYTES));
      for (;;) {
        const { bytesRead } = await source.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) break;
        copy.written.bytes += bytesRead;
        if (copy.written.bytes > copy.limit) return `more than the pinned ${copy.limit} bytes`;
        const chunk = buffer.subarray(0, bytesRead);
        hash.update(chunk);
        if (target) await target.write(chunk);
      }
      copy.files.push({ path: relative, executable, sha256: hash.digest('hex') });
      return null;
    } finally {
      await target?.close();
    }
  } finally {
    await source.close();
  }
}
