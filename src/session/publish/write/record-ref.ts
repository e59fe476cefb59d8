import type { RemoteAccess, ScratchRepo } from '../scratch-repo.js';

/**
 * Pushes a record to a hidden ref under `refs/baton/`: a commit of the empty
 * tree whose message is the record (clones do not fetch such refs, and they
 * move no branch, so no PR falls behind). A ref that exists already (publish
 * run again) is left as it is; a push the server refuses is a problem. Returns null when the record is there, or why
 * it is not.
 */
export async function pushRecordRef({
  repo,
  remote,
  token,
  ref,
  message,
}: RemoteAccess & {
  ref: string;
  message: string;
}): Promise<string | null> {
  const tree = (await repo.must({ args: ['mktree'], input: '' })).trim();
  const commit = await commitAsBaton(repo, { tree, message });
  const pushed = await repo.run({
    args: ['push', '--quiet', '--no-verify', remote, `${commit}:${ref}`],
    token,
  });
  if (pushed.code === 0) return null;
  // The ref is there already (publish run again); a refusal by the server
  // (`[remote rejected]`: a missing permission, a rule) is not.
  if (
    !/\[remote rejected\]/.test(pushed.stderr) &&
    /already exists|non-fast-forward|rejected/.test(pushed.stderr)
  )
    return null;
  return pushed.stderr.trim().split('\n')[0] ?? '';
}

/** A commit of `tree` on `parents` (none: a root commit) with `message`, made as Baton. */
export async function commitAsBaton(
  repo: ScratchRepo,
  { tree, parents = [], message }: { tree: string; parents?: string[]; message: string },
): Promise<string> {
  const args = [
    '-c',
    'user.name=Baton',
    '-c',
    'user.email=baton@users.noreply.github.com',
    'commit-tree',
    tree,
    ...parents.flatMap((parent) => ['-p', parent]),
    '-F',
    '-',
  ];
  return (await repo.must({ args, input: message })).trim();
}
