/**
 * A session's word that a criterion cannot be met (docs/sessions.md, "This
 * cannot be done"), checked again by publish as the app will read it: only a
 * work, contract or fix session's, with its report's `impossible`, naming
 * criteria the plan on the session's base gives that worker to name
 * (`nameableCriteria`). The reason and the evidence are model text: they
 * reach a person only quoted, in the notice and the job summary.
 */
import { Plan } from '../../../core/plan/plan.js';
import { impossibleProblems, nameableCriteria } from '../../../core/records/impossible.js';
import { isWorkRole } from '../../../core/sessions/session.js';
import { planPath } from '../../../core/vocabulary/ids.js';
import type { SessionResult } from '../../result.js';
import type { ScratchRepo } from '../scratch-repo.js';
import type { SessionTarget } from './check-result.js';
import { parseJson, readAt } from './inputs/read-worker-title.js';

/** Why an `impossible` hand-in is not taken; none for any other status. */
export async function checkImpossible({
  repo,
  target,
  result,
}: {
  repo: ScratchRepo;
  target: SessionTarget;
  result: SessionResult;
}): Promise<string[]> {
  if (result.status !== 'impossible') return [];
  const { worker } = target;
  if (!worker || !(isWorkRole(target.role) || target.role === 'fix'))
    return [`a ${target.role} session cannot hand in impossible`];
  const impossible = result.completion?.impossible;
  if (!impossible)
    return ['the session handed in impossible without its criteria, reason and evidence'];
  const text = result.base ? await readAt(repo, `${result.base}:${planPath(target.build)}`) : null;
  const plan = Plan.safeParse(parseJson(text));
  if (!plan.success) return [`${planPath(target.build)} cannot be read at the session's base`];
  return impossibleProblems(impossible, nameableCriteria(plan.data, worker), worker).map(
    (problem) => `the impossible hand-in: ${problem}`,
  );
}
