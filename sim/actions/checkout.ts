import { gitAuthEnv } from '../../src/session/publish/scratch-repo.js';
import { gitEnv } from '../github/git/bare-repo.js';
import { spawnerRun } from '../spawner/spawner.js';

/**
 * What the workflow's `actions/checkout` step does with `fetch-depth: 0` and
 * `persist-credentials: false`: a new repository in `dir` with `origin` at the
 * simulator, every branch fetched as `refs/remotes/origin/*` and every tag,
 * and the dispatched branch checked out at the run's commit (`GITHUB_SHA`, the
 * branch's head when it was dispatched). When the branch has moved since,
 * checkout fetches that commit into the branch's remote ref and checks it out,
 * as `actions/checkout` does after its "the ref may have moved" test.
 * With `detached` (a step's `ref:` naming a commit, as the review jobs' does),
 * the same fetch, then that commit checked out on no branch, as
 * `actions/checkout` does with a sha for `ref`. It fetches with the job's
 * `token` (`github.token`, the step's default), given to git for these commands
 * only, as `persist-credentials: false` leaves none in the checkout.
 */
export async function checkout({
  remote,
  branch,
  sha,
  dir,
  token,
  detached = false,
}: {
  remote: string;
  token: string;
  branch: string;
  sha: string;
  dir: string;
  detached?: boolean;
}): Promise<void> {
  // One shell runs the git commands: each process the simulator starts itself is a
  // fork of the test's large process, a shell's are not.
  const checked = await spawnerRun({
    file: '/bin/sh',
    args: ['-c', CHECKOUT, 'checkout', dir, remote, branch, sha, detached ? 'detached' : ''],
    env: gitEnv(gitAuthEnv(token)),
  });
  if (checked.status !== 0) {
    throw new Error(
      `the checkout of ${detached ? sha : branch} failed (${checked.status}): ${checked.stderr}`,
    );
  }
}

/**
 * The checkout's git commands, for `sh -c` with the folder, the remote, the
 * branch and the commit as $1 … $4, and `detached` as $5 for a commit on no branch.
 */
const CHECKOUT = [
  'set -e',
  'git init --quiet "$1"',
  'cd "$1"',
  'git config gc.auto 0',
  'git remote add origin "$2"',
  'git fetch --quiet --prune --no-recurse-submodules origin "+refs/heads/*:refs/remotes/origin/*" "+refs/tags/*:refs/tags/*"',
  'if [ "$5" = detached ]; then exec git checkout --quiet --force --detach "$4"; fi',
  'if [ "$(git rev-parse --verify --quiet "refs/remotes/origin/$3")" != "$4" ]; then',
  '  git fetch --quiet --no-recurse-submodules origin "+$4:refs/remotes/origin/$3"',
  'fi',
  'git checkout --quiet --force -B "$3" "refs/remotes/origin/$3"',
].join('\n');
