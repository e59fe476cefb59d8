/**
 * Many of git's objects read by one process (`git cat-file --batch`), where a
 * `cat-file` or `show` an object cost a process each. Starting git forks the
 * session's Node process, which costs more than git's own work: git was a
 * third of a plan session's CPU, and 12 of its 37 gits read the skills.
 */
import { GitError, type ScratchRepo } from './scratch-repo.js';

/** Runs `git cat-file --batch` with `input` on its stdin; answers its stdout as bytes. */
export type BatchRun = (input: string) => Promise<Buffer>;

/**
 * Each named object's content, in the order asked: null where git has no
 * such object or it is not a blob (a tree, a submodule's commit). A name is
 * an object id or `<rev>:<path>`; one holding a line break is refused, as
 * git would read it as two.
 */
export async function readBlobs(
  run: BatchRun,
  names: readonly string[],
): Promise<(Buffer | null)[]> {
  if (names.length === 0) return [];
  for (const name of names) {
    if (/[\n\r]/.test(name))
      throw new Error(`an object name holds a line break: ${JSON.stringify(name)}`);
  }
  return parseBatch(await run(names.map((name) => `${name}\n`).join('')), names.length);
}

/** The header git writes before an object's content: `<id> <type> <size>`. */
const HEADER = /^[0-9a-f]{40}(?:[0-9a-f]{24})? ([a-z]+) (\d+)$/;

/**
 * What `git cat-file --batch` wrote for `count` names: for each, its header
 * and content, or one line saying it is missing (`<name> missing`,
 * `<name> ambiguous`).
 */
export function parseBatch(out: Buffer, count: number): (Buffer | null)[] {
  const read: (Buffer | null)[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const end = out.indexOf(0x0a, at);
    if (end < 0) throw new Error(`git cat-file --batch answered ${i} of ${count} objects`);
    const header = HEADER.exec(out.subarray(at, end).toString('latin1'));
    at = end + 1;
    if (!header) {
      read.push(null);
      continue;
    }
    const size = Number(header[2]);
    if (at + size > out.length) throw new Error('git cat-file --batch ended inside an object');
    read.push(header[1] === 'blob' ? out.subarray(at, at + size) : null);
    // The content is followed by a line feed of git's own.
    at += size + 1;
  }
  return read;
}

/** `git cat-file --batch` in publish's scratch repository. */
export function batchIn(repo: ScratchRepo): BatchRun {
  return async (input) => {
    const out = await repo.run({ args: ['cat-file', '--batch'], input });
    if (out.code !== 0) throw new GitError(['cat-file', '--batch'], out.stderr);
    return out.bytes ?? Buffer.from(out.stdout);
  };
}

/** A name whose object no fetch or push changes: a full object id, or `<commit id>:<path>`. */
const FIXED_NAME = /^[0-9a-f]{40}(?:[0-9a-f]{24})?(?::|$)/;

/** Sizes (null: no object) and contents read under fixed names, by repository. */
const sizesRead = new WeakMap<ScratchRepo, Map<string, number | null>>();
const blobsRead = new WeakMap<ScratchRepo, Map<string, Buffer | null>>();

function memoOf<T>(memos: WeakMap<ScratchRepo, Map<string, T>>, repo: ScratchRepo) {
  const memo = memos.get(repo) ?? new Map<string, T>();
  memos.set(repo, memo);
  return memo;
}

/**
 * Each named object's size in bytes, in the order asked (null where git has
 * no such object), by one `git cat-file --batch-check` for those not read
 * before under a fixed name.
 */
export async function readObjectSizes(
  repo: ScratchRepo,
  names: readonly string[],
): Promise<(number | null)[]> {
  const known = memoOf(sizesRead, repo);
  const asked = [...new Set(names.filter((name) => !known.has(name)))];
  for (const name of asked) {
    if (/[\n\r]/.test(name))
      throw new Error(`an object name holds a line break: ${JSON.stringify(name)}`);
  }
  const read = new Map<string, number | null>();
  if (asked.length > 0) {
    const out = await repo.must({
      args: ['cat-file', '--batch-check=%(objectname) %(objectsize)'],
      input: asked.map((name) => `${name}\n`).join(''),
    });
    // One line a name, in order: `<id> <size>`, or `<name> missing`.
    const lines = out.split('\n');
    asked.forEach((name, i) => {
      const found = /^[0-9a-f]{40}(?:[0-9a-f]{24})? (\d+)$/.exec(lines[i] ?? '');
      const size = found ? Number(found[1]) : null;
      read.set(name, size);
      if (FIXED_NAME.test(name)) known.set(name, size);
    });
  }
  return names.map((name) =>
    known.has(name) ? (known.get(name) ?? null) : (read.get(name) ?? null),
  );
}

/**
 * Each named blob's content, in the order asked: null where there is none (or
 * no blob) or it is over `maxBytes` (its size read first, so no more is read). Two gits at
 * most for any number of names, none for those read before under a fixed name
 * (`<commit id>:<path>`).
 */
export async function readCappedBlobs(
  repo: ScratchRepo,
  names: readonly string[],
  maxBytes: number,
): Promise<(Buffer | null)[]> {
  const sizes = await readObjectSizes(repo, names);
  const known = memoOf(blobsRead, repo);
  const fits = (i: number) => (sizes[i] ?? maxBytes + 1) <= maxBytes;
  const asked = [...new Set(names.filter((name, i) => fits(i) && !known.has(name)))];
  const blobs = await readBlobs(batchIn(repo), asked);
  const read = new Map(asked.map((name, i) => [name, blobs[i] ?? null]));
  for (const [name, blob] of read) if (FIXED_NAME.test(name)) known.set(name, blob);
  return names.map((name, i) => (fits(i) ? (read.get(name) ?? known.get(name) ?? null) : null));
}
