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

/** Every path that differs between `from` and `to`, with its modes and blobs (a rename as a delete and an add). */
export async function readRawDiff(
  repo: ScratchRepo,
  { from, to }: { from: string; to: string },
): Promise<RawChange[]> {
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
