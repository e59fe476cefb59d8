/**
 * The contract's state as the status comment shows it under the plan: none,
 * unreadable, or N checks for M criteria (K unchecked), once `contract.json`
 * is on the build branch.
 */
import { criteriaOf } from '../plan/contract.js';
import type { Plan } from '../plan/plan.js';
import type { ContractRead } from '../snapshot/snapshot.js';

export type ContractState =
  | { kind: 'none'; criteria: number }
  | { kind: 'invalid'; criteria: number }
  | { kind: 'valid'; criteria: number; checks: number; unchecked: number };

/** Null for a plan with no criteria and no contract: nothing to say. */
export function contractState(
  plan: Pick<Plan, 'criteria' | 'workers'>,
  contract: ContractRead | undefined,
): ContractState | null {
  const criteria = criteriaOf(plan).length;
  if (!contract || contract.kind === 'missing')
    return criteria > 0 ? { kind: 'none', criteria } : null;
  if (contract.kind === 'invalid') return { kind: 'invalid', criteria };
  return {
    kind: 'valid',
    criteria,
    checks: contract.contract.checks.length,
    unchecked: contract.contract.unchecked.length,
  };
}

/** The status's line for it. */
export function contractStateLine(state: ContractState): string {
  const criteria = `${state.criteria} ${state.criteria === 1 ? 'criterion' : 'criteria'}`;
  switch (state.kind) {
    case 'none':
      return `📜 **Contract:** none yet for ${criteria}.`;
    case 'invalid':
      return `📜 **Contract:** \`contract.json\` on the build branch could not be read; ${criteria} have no checks Baton can name.`;
    case 'valid':
      return `📜 **Contract:** ${state.checks} ${state.checks === 1 ? 'check' : 'checks'} for ${criteria} (${state.unchecked} unchecked).`;
    default: {
      const _exhaustive: never = state;
      return _exhaustive;
    }
  }
}
