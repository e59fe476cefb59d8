import { integrationBranch, workerBranch } from '../../../core/vocabulary/ids.js';
import type { AgentContext } from '../agent-context.js';

/**
 * A worker's first attempt whose branch is there already: a twin run went
 * first. The first dispatch takes no lock (`work-run` in
 * src/core/context/action.ts), so two processes that share no store, or a
 * dispatch whose lost answer was sent again, may start two runs; the
 * workflow's concurrency group runs them one after another, and the second
 * finds the branch the first one's publish pushed. It ends before the model is
 * asked. A first attempt is known by its run's branch: it is dispatched on the
 * build branch, every later attempt on its worker's. A read that fails tells
 * nothing, and the session works: publish's push must then find no branch.
 */
export async function twinWentFirst(
  ctx: AgentContext,
  worker: string,
): Promise<{ branch: string } | null> {
  const { BATON_BUILD: build, BATON_TRIGGER: trigger, GITHUB_REF: ref } = ctx.env;
  if (trigger || ref !== `refs/heads/${integrationBranch(build)}`) return null;
  const branch = workerBranch(build, worker);
  try {
    const listed = await ctx.github.listBranches(branch);
    return listed.includes(branch) ? { branch } : null;
  } catch (error) {
    ctx.log(
      `could not look for ${branch} (${error instanceof Error ? error.message : String(error)}): working`,
    );
    return null;
  }
}
