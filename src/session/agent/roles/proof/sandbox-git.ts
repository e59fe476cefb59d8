import { programPath } from '../../../programs.js';
import type { AgentContext } from '../../agent-context.js';
import type { Sandbox } from '../../sandbox/sandbox.js';
import { runBashCommand } from '../../tools/bash-tool.js';

/**
 * Git run in the sandbox's copy of the checkout (`args` as shell words), as
 * the tools user: the contract's command has run there, and what it left in
 * the copy's `.git` (a hook, a filter) runs only where it could run anyway.
 * Null when it succeeded, else what it said.
 */
export async function gitInSandbox(
  ctx: AgentContext,
  sandbox: Sandbox,
  args: string,
): Promise<string | null> {
  const run = await runBashCommand({
    command: `${programPath('git')} -c safe.directory='*' -c core.hooksPath=/dev/null ${args}`,
    sandbox,
    env: { ...ctx.toolEnv, ...sandbox.env },
    timeoutMs: 120_000,
    maxOutputChars: 2_000,
  });
  return run.exitCode === 0 && !run.timedOut ? null : run.output.trim() || 'git failed';
}

/** Moves the sandbox's checkout to `commit`, leaving untracked files (installed packages) be; null when it did. */
export function checkoutIn(
  ctx: AgentContext,
  sandbox: Sandbox,
  commit: string,
): Promise<string | null> {
  // No `git clean`: without a sandbox the copy is the checkout itself, whose untracked files are not Baton's to remove.
  return gitInSandbox(ctx, sandbox, `checkout --quiet --force --detach ${commit}`);
}
