import { contractPath } from '../../../../core/plan/contract.js';
import { sealPath } from '../../../../core/verification/seal.js';
import type { GitRun } from '../../../publish/checks/contract/seal-tree.js';
import type { AgentContext } from '../../agent-context.js';
import { gitRaw } from '../../git/git.js';

/** Git in the session's checkout, as the seal's reads take it: a failure is a code, never a throw. */
export function checkoutGit(ctx: Pick<AgentContext, 'root' | 'toolEnv'>): GitRun {
  return (args) =>
    gitRaw({ root: ctx.root, env: ctx.toolEnv }, args).then(
      (stdout) => ({ code: 0, stdout }),
      () => ({ code: 1, stdout: '' }),
    );
}

/**
 * The contract's commit on the build branch: the newest commit of its first
 * parents, from `head`, that brought `contract.json` or its seal (the contract's
 * merge, or a later one that published the contract again). A worker's merge
 * cannot be it: publish refuses a worker's change to either file. Validation
 * reads the seal from this commit, never from the head; a run of the checks
 * "before the work" checks it out. Null when no commit brought the contract.
 */
export async function contractCommit(
  git: GitRun,
  build: string,
  head: string,
): Promise<string | null> {
  const found = await git([
    'log',
    '--first-parent',
    '-n',
    '1',
    '--format=%H',
    head,
    '--',
    contractPath(build),
    sealPath(build),
  ]);
  const commit = found.stdout.trim();
  return found.code === 0 && /^[0-9a-f]{40,64}$/.test(commit) ? commit : null;
}
