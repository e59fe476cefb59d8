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
