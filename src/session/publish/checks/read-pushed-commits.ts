import type { ScratchRepo } from '../scratch-repo.js';
import { fetchedBuildRef, HEAD_REF } from './verify-commits.js';

/** What publish would push: the verified bundle's head in `repo`, over the dispatched `base`. */
export interface PushedRange {
  repo: ScratchRepo;
  base: string;
}

/** Git's empty tree: what a root commit is compared against. */
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/** A commit publish would push. */
export interface PushedCommit {
  commit: string;
  /** What it is compared against: its parents, or the empty tree for a root commit. */
  sides: string[];
}

/**
 * Every commit publish would push, newest first: the bundle's head back to the
 * dispatched base, the build branch's own commits left out (when verifying
 * fetched it), as the secret scan and the link check look through them.
 */
export async function readPushedCommits({ repo, base }: PushedRange): Promise<PushedCommit[]> {
  const build = await fetchedBuildRef(repo);
  const listed = await repo.must({
    args: ['rev-list', '--parents', HEAD_REF, `^${base}`, ...(build ? [`^${build}`] : [])],
  });
  return listed
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [commit = '', ...parents] = line.split(' ');
      return { commit, sides: parents.length > 0 ? parents : [EMPTY_TREE] };
    });
}

/** A path that differs between two trees, as `git diff --raw` shows it. */
export interface RawChange {
  path: string;
  oldMode: string;
  newMode: string;
  oldSha: string;
  newSha: string;
}

/**
 * Every path that differs between `from` and `to`, with its modes and blobs (a
 * rename as a delete and an add). Between two commit ids the answer cannot
 * change, so git is asked once a repository for it: publish's checks read the
 * same pushed range three or four times.
 */
export async function readRawDiff(
  repo: ScratchRepo,
  { from, to }: { from: string; to: string },
): Promise<RawChange[]> {
  const fixed = COMMIT_ID.test(from) && COMMIT_ID.test(to);
  const key = `${from}..${to}`;
  const asked = fixed ? diffsOf(repo).get(key) : undefined;
  if (asked) return asked;
  const read = diffBetween(repo, from, to);
  if (fixed) {
    diffsOf(repo).set(key, read);
    read.catch(() => diffsOf(repo).delete(key));
  }
  return read;
}

const COMMIT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** The diffs read between commit ids, by repository. */
const readDiffs = new WeakMap<ScratchRepo, Map<string, Promise<RawChange[]>>>();

function diffsOf(repo: ScratchRepo): Map<string, Promise<RawChange[]>> {
  const diffs = readDiffs.get(repo) ?? new Map<string, Promise<RawChange[]>>();
  readDiffs.set(repo, diffs);
  return diffs;
}

async function diffBetween(repo: ScratchRepo, from: string, to: string): Promise<RawChange[]> {
  const raw = await repo.must({
    args: ['diff', '--raw', '-z', '--no-renames', '--no-abbrev', from, to],
  });
  const fields = raw.split('\0');
  const changes: RawChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [oldMode = '', newMode = '', oldSha = '', newSha = ''] = (fields[i] ?? '')
      .slice(1)
      .split(' ');
    changes.push({ path: fields[i + 1] ?? '', oldMode, newMode, oldSha, newSha });
  }
  return changes;
}
