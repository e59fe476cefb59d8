/**
 * The contract's place in a plan (docs/verification.md): a code plan with
 * acceptance criteria has the contract's worker `W0.1`, alone in wave 0, with
 * `contract: true` and no dependency, and every other worker waits on it, so
 * no work starts before the contract is merged. These are the rules
 * `validatePlan` holds a plan to; the plan session's own code adds `W0.1`.
 */
import { parseWorkerId, WORKER_ID } from '../vocabulary/ids.js';
import { CONTRACT_WORKER, isContractFix } from './contract.js';
import { waveOf } from './plan.js';
import { valueAt } from './plan-schema-problems.js';

/** A worker as far as the contract's rules read it, from a plan that may be broken. */
interface LooseContractWorker {
  id: string;
  dependsOn: string[];
  contract: unknown;
  /** The repository it names, lower case; '' for the issue's. */
  repository: string;
  /** Whether it names criteria of its own. */
  criteria: boolean;
  /** Whether it is a contract fix (`isContractFix`), not a repository's contract. */
  fix: boolean;
}

/**
 * What is wrong with the plan's contract workers. `wanted`: the configuration's
 * `verification.contract` where it is at hand (true: a code plan with criteria
 * must have a contract; false: none may); absent, the contract's workers are
 * checked only where they are. A build has one, `W0.1`; a change set one per
 * repository (docs/change-sets.md), each waited for by every worker of its
 * repository that depends on no other worker there.
 */
export function contractProblems(raw: unknown, wanted: boolean | undefined): string[] {
  const workers = looseWorkers(raw);
  const contracts = workers.filter((w) => waveOf(w.id) === 0 && !w.fix);
  const fixes = workers.filter((w) => waveOf(w.id) === 0 && w.fix);
  const criteria = hasCriteria(raw);
  const code = (valueAt(raw, ['type']) ?? 'code') === 'code';
  const named = contracts.map((w) => w.id).join(', ');
  if (contracts.length === 0 && fixes.length > 0) return fixProblems(contracts, fixes);
  if (contracts.length === 0) {
    return criteria && code && wanted === true
      ? [
          `The plan names acceptance criteria but has no ${CONTRACT_WORKER}, the contract's worker; add it in wave 0 with "contract": true, and make every worker of wave 1 depend on it.`,
        ]
      : [];
  }
  if (!code)
    return [
      `${named} ${contracts.length === 1 ? 'is' : 'are'} the contract's worker, which only a code build has (a research or content build's reviews judge its criteria as a checklist); remove ${named}.`,
    ];
  if (!criteria)
    return [
      `${named} ${contracts.length === 1 ? 'is' : 'are'} the contract's worker, but the plan names no acceptance criteria; remove ${named}, or give the build or its workers criteria.`,
    ];
  if (wanted === false)
    return [
      `${named} ${contracts.length === 1 ? 'is' : 'are'} the contract's worker, but this plan has no contract (verification.contract is false in .github/baton.yml); remove ${named}.`,
    ];
  const problems: string[] = fixProblems(contracts, fixes);
  const numbered = contracts.map((_, index) => `W0.${index + 1}`);
  if (contracts.some((w, index) => w.id !== numbered[index]))
    problems.push(
      `The contract's workers are numbered from ${CONTRACT_WORKER} without a gap, one per repository: rename ${named} to ${numbered.join(', ')}.`,
    );
  const byRepository = new Map<string, LooseContractWorker>();
  for (const worker of contracts) {
    const other = byRepository.get(worker.repository);
    if (other)
      problems.push(
        `${other.id} and ${worker.id} both write the contract of ${worker.repository || "the issue's repository"}; a repository has one contract: remove ${worker.id}.`,
      );
    else byRepository.set(worker.repository, worker);
    if (worker.contract !== true)
      problems.push(
        `${worker.id} is the contract's worker: set "contract": true on it, as it writes the contract.`,
      );
    if (worker.dependsOn.length > 0)
      problems.push(
        `${worker.id}, the contract's worker, runs before every other and depends on nothing; empty its depends_on.`,
      );
  }
  const repositoryOfId = new Map(workers.map((w) => [w.id, w.repository]));
  const free = workers.filter((w) => {
    const own = byRepository.get(w.repository);
    if (!own || waveOf(w.id) === 0) return false;
    const local = w.dependsOn.some(
      (dep) => waveOf(dep) > 0 && repositoryOfId.get(dep) === w.repository,
    );
    return !local && !w.dependsOn.includes(own.id);
  });
  for (const w of free)
    problems.push(
      `${w.id} does not wait for ${byRepository.get(w.repository)?.id}, the contract of its repository: add it to the depends_on of every worker that depends on no other worker of its repository.`,
    );
  const uncovered = [
    ...new Set(
      workers
        .filter((w) => w.criteria && !byRepository.has(w.repository))
        .map((w) => w.repository || "the issue's repository"),
    ),
  ];
  if (wanted === true && uncovered.length > 0)
    problems.push(
      `${uncovered.join(', ')} ${uncovered.length === 1 ? 'has' : 'have'} workers with criteria but no contract's worker; add one in wave 0 for each, with "repository" naming it.`,
    );
  return problems;
}

/**
 * A contract fix (`isContractFix`) comes after every contract's worker, so
 * that with k contracts the first is `W0.(k+1)` and no fix takes a number a
 * change set's contract would; like them it has the contract and depends on nothing.
 */
function fixProblems(contracts: LooseContractWorker[], fixes: LooseContractWorker[]): string[] {
  const last = Math.max(0, ...contracts.map((w) => sequenceOf(w.id)));
  return fixes.flatMap((fix) => [
    ...(sequenceOf(fix.id) <= last
      ? [
          `${fix.id} is a contract fix, numbered after every contract's worker (W0.1 to W0.${last}): renumber it W0.${last + 1} or later.`,
        ]
      : []),
    ...(fix.contract !== true
      ? [`${fix.id} is a contract fix: set "contract": true on it, as it rewrites the contract.`]
      : []),
    ...(fix.dependsOn.length > 0
      ? [`${fix.id}, a contract fix, depends on nothing; empty its depends_on.`]
      : []),
  ]);
}

function sequenceOf(id: string): number {
  return parseWorkerId(id)?.seq ?? 0;
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
        repository: repositoryNamed(valueAt(item, ['repository'])),
        criteria:
          Array.isArray(valueAt(item, ['criteria'])) &&
          (valueAt(item, ['criteria']) as unknown[]).length > 0,
        fix: isContractFix({ id, title: String(valueAt(item, ['title']) ?? '') }),
      },
    ];
  });
}

function repositoryNamed(value: unknown): string {
  return typeof value === 'string' ? value.toLowerCase() : '';
}
