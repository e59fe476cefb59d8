/**
 * The contract's place in a plan (docs/verification.md): a code plan with
 * acceptance criteria has the contract's worker `W0.1`, alone in wave 0, with
 * `contract: true` and no dependency, and every other worker waits on it, so
 * no work starts before the contract is merged. These are the rules
 * `validatePlan` holds a plan to; the plan session's own code adds `W0.1`.
 */
import { WORKER_ID } from '../vocabulary/ids.js';
import { CONTRACT_WORKER } from './contract.js';
import { waveOf } from './plan.js';
import { valueAt } from './plan-schema-problems.js';

/** A worker as far as the contract's rules read it, from a plan that may be broken. */
interface LooseContractWorker {
  id: string;
  dependsOn: string[];
  contract: unknown;
}

/**
 * What is wrong with the plan's contract worker. `wanted`: the configuration's
 * `verification.contract` where it is at hand (true: a code plan with criteria
 * must have `W0.1`; false: none may); absent, `W0.1` is checked only where it is.
 */
export function contractProblems(raw: unknown, wanted: boolean | undefined): string[] {
  const workers = looseWorkers(raw);
  const worker = workers.find((w) => w.id === CONTRACT_WORKER);
  const criteria = hasCriteria(raw);
  const code = (valueAt(raw, ['type']) ?? 'code') === 'code';
  if (!worker) {
    return criteria && code && wanted === true
      ? [
          `The plan names acceptance criteria but has no ${CONTRACT_WORKER}, the contract's worker; add it in wave 0 with "contract": true, and make every worker of wave 1 depend on it.`,
        ]
      : [];
  }
  if (!code)
    return [
      `${CONTRACT_WORKER} is the contract's worker, which only a code build has (a research or content build's reviews judge its criteria as a checklist); remove ${CONTRACT_WORKER}.`,
    ];
  if (!criteria)
    return [
      `${CONTRACT_WORKER} is the contract's worker, but the plan names no acceptance criteria; remove ${CONTRACT_WORKER}, or give the build or its workers criteria.`,
    ];
  if (wanted === false)
    return [
      `${CONTRACT_WORKER} is the contract's worker, but this plan has no contract (verification.contract is false in .github/baton.yml); remove ${CONTRACT_WORKER}.`,
    ];
  const problems: string[] = [];
  if (worker.contract !== true)
    problems.push(
      `${CONTRACT_WORKER} is the contract's worker: set "contract": true on it, as it writes the contract.`,
    );
  if (worker.dependsOn.length > 0)
    problems.push(
      `${CONTRACT_WORKER}, the contract's worker, runs before every other and depends on nothing; empty its depends_on.`,
    );
  const free = workers.filter(
    (w) =>
      w.id !== CONTRACT_WORKER &&
      !w.dependsOn.includes(CONTRACT_WORKER) &&
      (waveOf(w.id) === 1 || w.dependsOn.length === 0),
  );
  if (free.length > 0)
    problems.push(
      `${free.map((w) => w.id).join(', ')} ${free.length === 1 ? 'does' : 'do'} not wait for ${CONTRACT_WORKER}, the contract: add ${CONTRACT_WORKER} to the depends_on of every worker of wave 1 and of every worker that depends on nothing else.`,
    );
  return problems;
}

/** Whether the plan names a criterion of the build's or of any worker. */
function hasCriteria(raw: unknown): boolean {
  const own = valueAt(raw, ['criteria']);
  if (Array.isArray(own) && own.length > 0) return true;
  const list = valueAt(raw, ['workers']);
  return (Array.isArray(list) ? list : []).some((item: unknown) => {
    const criteria = valueAt(item, ['criteria']);
    return Array.isArray(criteria) && criteria.length > 0;
  });
}

function looseWorkers(raw: unknown): LooseContractWorker[] {
  const list = valueAt(raw, ['workers']);
  return (Array.isArray(list) ? list : []).flatMap((item: unknown) => {
    const id = valueAt(item, ['id']);
    if (typeof id !== 'string' || !WORKER_ID.test(id)) return [];
    const deps = valueAt(item, ['depends_on']);
    return [
      {
        id,
        dependsOn: Array.isArray(deps)
          ? deps.filter((dep): dep is string => typeof dep === 'string')
          : [],
        contract: valueAt(item, ['contract']),
      },
    ];
  });
}
