import {
  CONTRACT_WORKER,
  Contract,
  contractPath,
  criteriaOf,
  isContractWorker,
  mayChangeContract,
} from '../../../core/plan/contract.js';
import { Plan } from '../../../core/plan/plan.js';
import type { Evidence } from '../../../core/sessions/evidence.js';
import type { ContractRead } from '../../../core/snapshot/snapshot.js';
import type { ContractVetting } from '../../../core/verification/risk.js';
import { type GuidePaths, renderWorkerGuide } from '../../../core/verification/worker-guide.js';
import { planPath } from '../../../core/vocabulary/ids.js';
import { parseJson, readAllAt } from '../checks/inputs/read-worker-title.js';
import { fetchedBuildCommit } from '../checks/read-pushed-commits.js';
import type { RemoteAccess } from '../scratch-repo.js';

/**
 * The guide at the head of a worker's pull request (docs/verification.md):
 * the worker's criteria from the build branch's plan, the contract's checks
 * from its `contract.json` (the build branch, which no worker session moves,
 * as publish's contract check reads them), the evidence publish measured, and
 * the default branch's settings. Reads only; no write of its own.
 */
export async function readWorkerGuide({
  repo,
  build,
  worker,
  base,
  evidence,
  paths,
}: Pick<RemoteAccess, 'repo'> & {
  build: string;
  worker: string;
  /** The session's base, where the build branch was not fetched. */
  base: string;
  evidence: Evidence;
  /** The default branch's security and interface paths (`readGuidePaths`), as the evidence was classed with. */
  paths: GuidePaths;
}): Promise<string> {
  const commit = (await fetchedBuildCommit(repo)) ?? base;
  const [planText = null, contractText = null] = await readAllAt(repo, [
    `${commit}:${planPath(build)}`,
    `${commit}:${contractPath(build)}`,
  ]);
  const plan = Plan.safeParse(parseJson(planText));
  const contract = readContract(contractText);
  const granted =
    worker === CONTRACT_WORKER || (plan.success && mayChangeContract(plan.data, worker));
  const vetting: ContractVetting | null =
    contract.kind === 'valid' ? { files: contract.contract.files, granted } : null;
  return renderWorkerGuide({
    worker,
    criteria: plan.success
      ? criteriaOf(plan.data).filter((criterion) => criterion.worker === worker)
      : [],
    contract,
    writesContract: isContractWorker(worker),
    evidence,
    paths,
    vetting,
  });
}

function readContract(text: string | null): ContractRead {
  if (text === null) return { kind: 'missing' };
  const parsed = Contract.safeParse(parseJson(text));
  return parsed.success
    ? { kind: 'valid', contract: parsed.data }
    : { kind: 'invalid', problems: ['not a valid contract'] };
}
