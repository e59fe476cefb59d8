/**
 * The seal bound to its publish (docs/verification.md, "The bound seal"), as a
 * validation record is bound to its run (src/core/snapshot/validation-ties.ts):
 * the contract's tree is built from the newest commit of the build branch that
 * brought `contract.json` or `seal.json`, so whoever can push there (a writer,
 * or CI code with `contents: write`) could make an empty seal or a new command
 * the contract's. A record names every such commit it found
 * (`contract_commits`), and each must be the merge of a pull request of a worker
 * given the contract whose head Baton's publish pushed (its evidence is for that
 * head): any other is a breach, which fails the milestone and calls the people
 * Baton notifies. A record that reused the contract's run of another
 * (`before_from`) is believed only where that run's record is bound too and
 * holds the same outcomes. Pure.
 */
import type { Config } from '../config/config.js';
import { isContractWorker, mayChangeContract } from '../plan/contract.js';
import type { ValidationRecord } from '../plan/validation.js';
import type { BuildSnapshot } from '../snapshot/snapshot.js';
import { evidenceForHead } from './risk.js';

/** What a record's breach is judged against: the build's pull requests, its plan, its bound records. */
export type BindingFacts = Pick<BuildSnapshot, 'validations'> &
  Partial<Pick<BuildSnapshot, 'pulls' | 'plan'>>;

/** Why the record's contract is not the one Baton's publish sealed, or null when it is. */
export function sealBreach(
  record: ValidationRecord,
  facts: BindingFacts,
  method: Config['merge']['method'] = 'squash',
): string | null {
  const commits = record.contract_commits;
  if (commits !== undefined) {
    const bound = boundMerges(facts);
    // A push taken back by its exact revert left nothing of it; a sealed merge taken back is a breach.
    const sealed = record.reverted?.find(({ commit }) => bound.has(commit));
    if (sealed) {
      return `commit ${sealed.by.slice(0, 7)} reverted ${sealed.commit.slice(0, 7)}, a merge of the contract Baton's publish sealed`;
    }
    let newerBound = false;
    for (const commit of commits) {
      if (bound.has(commit)) {
        newerBound = true;
        continue;
      }
      // A rebase lands each commit of the pull request: those below its merge are its own.
      if (method === 'rebase' && newerBound) continue;
      return `commit ${commit.slice(0, 7)} changed the contract or its seal on the build branch, and it is no merge of a contract worker's pull request that Baton's publish pushed`;
    }
  }
  if (record.before_from !== undefined) return reuseBreach(record, facts);
  return null;
}

/** The merges of pull requests of workers given the contract whose merged head is the one publish judged. */
function boundMerges({ pulls = [], plan }: BindingFacts): Set<string> {
  const given = (worker: string) =>
    isContractWorker(worker) || (plan?.kind === 'valid' && mayChangeContract(plan.plan, worker));
  return new Set(
    pulls.flatMap((pull) =>
      pull.state === 'merged' && pull.mergeSha && given(pull.worker) && evidenceForHead(pull)
        ? [pull.mergeSha]
        : [],
    ),
  );
}

function reuseBreach(record: ValidationRecord, { validations = [] }: BindingFacts): string | null {
  const outcomes = (one: ValidationRecord) =>
    JSON.stringify((one.checks ?? []).map((check) => [check.criterion, check.before]));
  const source = validations.find((one) => one.run_id === record.before_from);
  const same =
    source !== undefined &&
    source.before_from === undefined &&
    source.contract_commit === record.contract_commit &&
    source.contract_commits?.[0] === record.contract_commits?.[0] &&
    outcomes(source) === outcomes(record);
  return same
    ? null
    : `it reused the outcomes on the contract's commit of run ${record.before_from}, whose record is no validation of Baton's of this contract`;
}
