import type { AgentContext } from '../agent-context.js';
import type { RoleOutcome } from './role-outcome.js';
import { runWorkRole } from './work-role.js';

/**
 * `contract`: the first session of the contract's worker `W0.1`
 * (docs/verification.md). It works as a worker does, in its own branch with
 * bash and the editor, on the engine of `work`; it writes checks for the plan's
 * acceptance criteria in the repository's own test framework, runs them (they
 * fail now, for code not yet written), and hands in `contract.json` with its
 * report through `submit_contract`, which Baton checks against the plan before
 * it commits the record itself. Its fix sessions do the same.
 */
export function runContractRole(ctx: AgentContext): Promise<RoleOutcome> {
  return runWorkRole(ctx, 'contract');
}
