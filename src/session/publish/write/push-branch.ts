import { HEAD_REF } from '../checks/read-pushed-commits.js';
import { GitError, type RemoteAccess } from '../scratch-repo.js';

/** Pushes tried at most this many times when the remote is still at `base`. */
const PUSH_TRIES = 3;

/** How a push ended. */
export type PushOutcome = 'pushed' | 'landed-already';

/**
 * Pushes the verified head to the session's branch as a fast-forward, and only
 * if the remote branch is still at `base` (the lease; null: a branch that must
 * not exist yet, a learn session's): a push that raced
 * another one fails instead of overwriting it. A push that fails is looked at
 * on the remote: at `head`, it landed (the answer was lost) and counts; still
 * at `base`, it is tried again, bounded; anywhere else, the error stands.
 */
export async function pushBranch({
  repo,
  remote,
  token,
  branch,
  base,
  head,
  log = () => {},
}: RemoteAccess & {
  branch: string;
  base: string | null;
  head: string;
  log?: (line: string) => void;
}): Promise<PushOutcome> {
  const args = [
    'push',
    '--quiet',
    '--no-verify',
    `--force-with-lease=refs/heads/${branch}:${base ?? ''}`,
    remote,
    `${HEAD_REF}:refs/heads/${branch}`,
  ];
  for (let attempt = 1; ; attempt++) {
    const pushed = await repo.run({ args, token });
    if (pushed.code === 0) return 'pushed';
    const remoteHead = await readRemoteHead({ repo, remote, token, branch });
    if (remoteHead === head) return 'landed-already';
    if (remoteHead !== base || attempt >= PUSH_TRIES) throw new GitError(args, pushed.stderr);
    log(`git push to ${branch} failed (try ${attempt} of ${PUSH_TRIES}): ${pushed.stderr.trim()}`);
  }
}

async function readRemoteHead({
  repo,
  remote,
  token,
  branch,
}: RemoteAccess & {
  branch: string;
}): Promise<string | null> {
  const listed = await repo.run({ args: ['ls-remote', remote, `refs/heads/${branch}`], token });
  if (listed.code !== 0) return null;
  return listed.stdout.split(/\s/)[0] || null;
}
