/**
 * A worker's word that its criterion cannot be met (docs/sessions.md, "This
 * cannot be done"): a work, fix or contract session hands in status
 * `impossible` with the criteria it cannot meet, why (what they contradict:
 * the brief, each other, the code it was given) and the evidence. Baton stops
 * that worker, shows it once to a person, and counts it as no failure to fix.
 * Which criteria a session may name is decided here, for its hand-in and for
 * publish alike.
 */
import { z } from 'zod';
import { CriterionId, criteriaOf, isContractFix, isContractWorker } from '../plan/contract.js';
import { fixTitle } from '../plan/fix-workers.js';
import type { Plan } from '../plan/plan.js';

/** The most criteria one hand-in names. */
export const MAX_IMPOSSIBLE_CRITERIA = 20;

export const Impossible = z.strictObject({
  /** The criteria that cannot be met, by id (`W1.2:1`, `build:1`); none where the worker has none. */
  criteria: z.array(CriterionId).max(MAX_IMPOSSIBLE_CRITERIA),
  /** Why: what the criterion contradicts (its brief, another criterion, the code it was given). */
  reason: z.string().trim().min(1).max(2000),
  /** What shows it: paths with their lines, commands with what they printed. */
  evidence: z.array(z.string().trim().min(1).max(500)).min(1).max(10),
});
export type Impossible = z.infer<typeof Impossible>;

/**
 * The criteria a session of `worker` may say cannot be met: a contract's
 * worker or a contract fix, any the plan names (its checks are for them all);
 * a fix worker a validation added, the criterion whose check it fixes and its
 * own; any other worker, its own and the build's.
 */
export function nameableCriteria(
  plan: Pick<Plan, 'criteria' | 'workers'>,
  worker: string,
): string[] {
  const all = criteriaOf(plan);
  const planned = plan.workers.find((one) => one.id === worker);
  if (isContractWorker(worker) || (planned && isContractFix(planned)))
    return all.map((one) => one.id);
  const fixed = all.filter((one) => planned?.title === fixTitle(one.id));
  const own = all.filter((one) => one.worker === worker || one.worker === null);
  return [...new Set([...fixed, ...own].map((one) => one.id))];
}

/** Why a hand-in's criteria are not this worker's to name, or none. */
export function impossibleProblems(
  impossible: Impossible,
  nameable: readonly string[],
  worker: string,
): string[] {
  const known = new Set(nameable);
  const foreign = impossible.criteria.filter((id) => !known.has(id));
  if (foreign.length > 0) {
    return [
      `impossible names ${foreign.join(', ')}, ${foreign.length === 1 ? 'which is' : 'which are'} not among the criteria ${worker} may name (${nameable.join(', ') || 'none'})`,
    ];
  }
  if (nameable.length > 0 && impossible.criteria.length === 0)
    return [`impossible names no criterion: name which of ${nameable.join(', ')} cannot be met`];
  return [];
}
