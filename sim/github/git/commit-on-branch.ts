import type { GitData } from './git-data.js';

/** `commitOn` of any store: commits `changes` on the branch's head (none: a first commit) and moves the branch to it. */
export function commitOnBranch(
  store: Pick<GitData, 'commit' | 'refs'>,
  {
    branch,
    changes,
    message,
  }: { branch: string; changes: Record<string, string | null>; message: string },
): string {
  const ref = `refs/heads/${branch}`;
  const sha = store.commit({ parent: store.refs.get(ref) ?? null, changes, message });
  store.refs.set(ref, sha);
  return sha;
}
