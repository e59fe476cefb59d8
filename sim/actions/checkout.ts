import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { gitEnv } from '../github/git/bare-repo.js';

const run = promisify(execFile);

/**
 * What the workflow's `actions/checkout` step does with `fetch-depth: 0` and
 * `persist-credentials: false`: a new repository in `dir` with `origin` at the
 * simulator, every branch fetched as `refs/remotes/origin/*` and every tag,
 * and the dispatched branch checked out at its tip at the time the job runs
 * (as checkout does for a branch ref; the dispatch's sha may be older).
 */
export async function checkout({
  remote,
  branch,
  dir,
}: {
  remote: string;
  branch: string;
  dir: string;
}): Promise<void> {
  const git = (...args: string[]) => run('git', ['-C', dir, ...args], { env: gitEnv() });
  await run('git', ['init', '--quiet', dir], { env: gitEnv() });
  await git('config', 'gc.auto', '0');
  await git('remote', 'add', 'origin', remote);
  await git(
    'fetch',
    '--quiet',
    '--prune',
    '--no-recurse-submodules',
    'origin',
    '+refs/heads/*:refs/remotes/origin/*',
    '+refs/tags/*:refs/tags/*',
  );
  await git('checkout', '--quiet', '--force', '-B', branch, `refs/remotes/origin/${branch}`);
}
