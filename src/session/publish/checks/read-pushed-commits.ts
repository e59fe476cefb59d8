import type { ScratchRepo } from '../git.js';
import { fetchedBuildRef, HEAD_REF } from './verify-commits.js';

/** What publish would push: the verified bundle's head in `repo`, over the dispatched `base`. */
export interface PushedRange {
  repo: ScratchRepo;
  base: string;
}

/** A commit publish would push, with its parents (none for a root commit). */
export interface PushedCommit {
  commit: string;
  parents: string[];
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
      return { commit, parents };
    });
}
