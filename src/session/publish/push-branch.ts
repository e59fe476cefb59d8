import type { ScratchRepo } from './git.js';
import { HEAD_REF } from './verify-commits.js';

/**
 * Pushes the verified head to the session's branch as a fast-forward, and only
 * if the remote branch is still at `base` (the lease): a push that raced
 * another one fails instead of overwriting it.
 */
export async function pushBranch({
  repo,
  remote,
  token,
  branch,
  base,
}: {
  repo: ScratchRepo;
  remote: string;
  token: string;
  branch: string;
  base: string;
}): Promise<void> {
  await repo.must({
    args: [
      'push',
      '--quiet',
      '--no-verify',
      `--force-with-lease=refs/heads/${branch}:${base}`,
      remote,
      `${HEAD_REF}:refs/heads/${branch}`,
    ],
    token,
  });
}
