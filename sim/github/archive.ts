/**
 * A repository's source archive as GitHub serves it
 * (https://docs.github.com/rest/repos/contents#download-a-repository-archive-tar):
 * `GET /repos/{owner}/{repo}/tarball/{ref}` answers 302 to a link on
 * codeload, which serves a gzipped tar of the ref's files under one folder
 * `<owner>-<repo>-<sha7>/`, with no history ("Snapshots do not include the
 * entire repository history", https://docs.github.com/repositories/working-with-files/using-files/downloading-source-code-archives).
 * For a private repository the link carries a token of its own and expires
 * after five minutes ("For private repositories, these links are temporary
 * and expire after five minutes"): it opens that one archive and nothing
 * else, and is no credential for the API or for git.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** How long a private repository's archive link may be used. */
export const ARCHIVE_LINK_MS = 5 * 60_000;

/** An archive link made for a private repository: its repository and branch, and until when (ms). */
export interface ArchiveLink {
  repository: string;
  ref: string;
  expiresAt: number;
}

/** A fresh token for an archive link; not of any shape GitHub's API takes. */
export function archiveLinkToken(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/** A gzipped ustar archive of `files` (path → text), each under `folder/`. */
export function tarGz(files: Map<string, string>, folder: string): Buffer {
  const blocks: Buffer[] = [];
  for (const [path, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const content = Buffer.from(text, 'utf8');
    blocks.push(header(`${folder}/${path}`, content.length), content, padding(content.length));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

function padding(size: number): Buffer {
  return Buffer.alloc((512 - (size % 512)) % 512);
}

/** A regular file's ustar header; a name past 100 bytes is split into `prefix` and `name`. */
function header(path: string, size: number): Buffer {
  const block = Buffer.alloc(512);
  const [prefix, name] = splitName(path);
  block.write(name, 0, 100, 'utf8');
  block.write('0000644\0', 100, 8, 'ascii');
  block.write('0000000\0', 108, 8, 'ascii');
  block.write('0000000\0', 116, 8, 'ascii');
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 12, 'ascii');
  block.write(`${'0'.repeat(11)}\0`, 136, 12, 'ascii');
  block.write(' '.repeat(8), 148, 8, 'ascii');
  block.write('0', 156, 1, 'ascii');
  block.write('ustar\0', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  block.write(prefix, 345, 155, 'utf8');
  const sum = block.reduce((total, byte) => total + byte, 0);
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return block;
}

function splitName(path: string): [string, string] {
  if (Buffer.byteLength(path) <= 100) return ['', path];
  for (let at = path.indexOf('/'); at >= 0; at = path.indexOf('/', at + 1)) {
    const prefix = path.slice(0, at);
    const name = path.slice(at + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return [prefix, name];
  }
  throw new Error(`the simulator's archives take paths of at most 255 bytes: ${path}`);
}
