import {
  contractCriteria,
  criteriaOf,
  isContractWorker,
  type PlannedCriterion,
} from '../../../core/plan/contract.js';
import type { BuildType, Complexity, Criterion } from '../../../core/plan/plan.js';
import { planRepositories, repositoryOf } from '../../../core/plan/set-plan.js';

/** A worker as the model submits it, as far as the contract reads it. */
interface SubmittedWorker {
  id: string;
  depends_on: string[];
  brief: string;
  criteria?: Criterion[] | undefined;
  repository?: string | undefined;
}

/** The contract's worker as the plan session's code adds it. */
export interface ContractPlanWorker {
  id: string;
  title: string;
  depends_on: string[];
  complexity: Complexity;
  contract: true;
  brief: string;
  /** In a change set, the repository whose contract it writes; absent, the issue's. */
  repository?: string;
}

/** The title of the contract's worker, its pull request's title. */
export const CONTRACT_TITLE = 'Contract: checks for the acceptance criteria';

/**
 * The workers of a submitted plan as the plan session commits them
 * (docs/verification.md): where a code plan names acceptance criteria and the
 * configuration wants a contract, the plan session's own code (never the model)
 * adds a contract's worker with its brief, and makes every worker that depends
 * on no other wait for it. A change set (docs/change-sets.md) gets one per
 * repository whose contract holds a criterion (`contractCriteria`): `W0.1`,
 * `W0.2` … in the order the plan first names the repositories, each running in
 * its repository, waited for by every worker there that depends on no other
 * worker of that repository. A research or content plan gets no contract: each
 * brief lists the criteria its review judges as a checklist. The model may not
 * name a worker of wave 0 itself.
 */
export function withContractWorker<W extends SubmittedWorker>(
  submission: { criteria?: Criterion[] | undefined; workers: W[] },
  { type, contract, home = '' }: { type: BuildType; contract: boolean; home?: string },
): { workers: (W | ContractPlanWorker)[]; problems: string[] } {
  const own = submission.workers.filter((worker) => isContractWorker(worker.id));
  if (own.length > 0) {
    return {
      workers: submission.workers,
      problems: [
        `${own.map((worker) => worker.id).join(', ')} ${own.length === 1 ? "is the contract's worker" : "are the contract's workers"}, which Baton adds itself where the plan names criteria (wave 0 is theirs): number your workers from W1.1`,
      ],
    };
  }
  const criteria = criteriaOf(submission);
  if (criteria.length === 0) return { workers: submission.workers, problems: [] };
  if (type !== 'code') {
    return {
      workers: submission.workers.map((worker) => {
        const checklist = renderChecklist(criteria, worker.id);
        return checklist ? { ...worker, brief: `${worker.brief.trim()}\n\n${checklist}` } : worker;
      }),
      problems: [],
    };
  }
  if (!contract) return { workers: submission.workers, problems: [] };
  const plan = { ...submission, workers: submission.workers.map(asRouted) };
  const where = (worker: { repository?: string | undefined }) =>
    repositoryOf(asRouted(worker), home);
  const several = planRepositories(plan, home).length > 1;
  const contracts = planRepositories(plan, home).flatMap((repository) => {
    const held = contractCriteria(plan, repository, home);
    return held.length > 0 ? [{ repository, criteria: held }] : [];
  });
  const added = contracts.map(
    ({ repository, criteria: held }, index): ContractPlanWorker => ({
      id: `W0.${index + 1}`,
      title: CONTRACT_TITLE,
      depends_on: [],
      complexity: 'normal',
      contract: true,
      brief: renderContractBrief(held, several ? repository : null),
      ...(repository && repository !== home.toLowerCase() ? { repository } : {}),
    }),
  );
  const contractOf = new Map(added.map((worker) => [where(worker), worker.id]));
  const repositoryOfId = new Map(submission.workers.map((worker) => [worker.id, where(worker)]));
  const waiting = submission.workers.map((worker) => {
    const id = contractOf.get(where(worker));
    const local = worker.depends_on.some((dep) => repositoryOfId.get(dep) === where(worker));
    return id && !local ? { ...worker, depends_on: [id, ...worker.depends_on] } : worker;
  });
  return { workers: [...added, ...waiting], problems: [] };
}

/** A submitted worker as the routing reads it: its repository lower case, as plan.json keeps it. */
function asRouted<W extends { repository?: string | undefined }>(
  worker: W,
): W & { repository?: string } {
  const { repository, ...rest } = worker;
  return (repository ? { ...rest, repository: repository.toLowerCase() } : rest) as W & {
    repository?: string;
  };
}

/** The brief of the contract's worker: every criterion with its id, and what to hand in. */
export function renderContractBrief(
  criteria: readonly PlannedCriterion[],
  repository: string | null = null,
): string {
  return [
    '## Mission',
    '',
    repository
      ? `Write ${repository}'s contract in this change set: an executable check, in this repository's own test framework, for each acceptance criterion below (those of this repository's workers, and those of the build's that this repository can run), before any worker writes the code. Every other worker of this repository waits until this pull request is merged.`
      : "Write the build's contract: an executable check, in this repository's own test framework, for each acceptance criterion below, before any worker writes the code. Every other worker of the build waits until this pull request is merged.",
    '',
    '## Criteria',
    '',
    ...criteria.map(
      (criterion) =>
        `- \`${criterion.id}\` (${criterion.worker ?? 'the build'})${criterion.guard ? ', a guard: it holds already' : ''}: ${criterion.text}`,
    ),
    '',
    '## Requirements',
    '',
    "- Read how the repository's tests are written and run (framework, folders, names) and write the checks the same way, in test files only: never the code under test, nothing under `.github/` or `.baton/`.",
    '- Each check fails now for the right reason (the behaviour is not there yet) and passes once its criterion holds. Run them and read why each fails.',
    "- The repository's tests and CI stay green until a criterion's worker delivers it: mark each check as expected to fail with its framework's own mark where it has one (Vitest `it.fails`, Jest `test.failing`, pytest `xfail(strict=True)`, node:test `todo`), naming its criterion id; the worker whose criterion it is makes it a plain check.",
    "- A criterion marked a guard holds already: its check passes now, unmarked, and fails only if the work breaks it. Validation runs every check on this pull request's commit and again after the work: any other check that passes now proves nothing.",
    '- A criterion no test can judge goes in `unchecked` with why; never write a check that cannot fail.',
    '- Hand in `contract.json` with your report through the submission tool: the command that runs every check, the files that hold them, and each check with its criterion id and its name as the runner prints it.',
    '',
    '## Success criteria',
    '',
    '- [ ] Every criterion above has a check, or is in `unchecked` with why.',
    "- [ ] Every check runs with the contract's command and fails now for the reason its criterion is not met yet.",
    '',
    'In a research or content build there is no contract: the reviews judge the criteria as a checklist, each with a citation.',
  ].join('\n');
}

/** A research or content worker's criteria (and the build's), which its review judges with citations. */
function renderChecklist(criteria: readonly PlannedCriterion[], worker: string): string {
  const own = criteria.filter((criterion) => criterion.worker === worker || !criterion.worker);
  if (own.length === 0) return '';
  return [
    '## Acceptance criteria',
    '',
    'Your review judges each of these as a checklist, and asks for a citation of where your work meets it:',
    '',
    ...own.map((criterion) => `- \`${criterion.id}\`: ${criterion.text}`),
  ].join('\n');
}
