import { CONTRACT_WORKER, criteriaOf, type PlannedCriterion } from '../../../core/plan/contract.js';
import { type BuildType, type Complexity, waveOf } from '../../../core/plan/plan.js';

/** A worker as the model submits it, as far as the contract reads it. */
interface SubmittedWorker {
  id: string;
  depends_on: string[];
  brief: string;
  criteria?: string[] | undefined;
}

/** The contract's worker as the plan session's code adds it. */
export interface ContractPlanWorker {
  id: string;
  title: string;
  depends_on: string[];
  complexity: Complexity;
  contract: true;
  brief: string;
}

/** The title of the contract's worker, its pull request's title. */
export const CONTRACT_TITLE = 'Contract: checks for the acceptance criteria';

/**
 * The workers of a submitted plan as the plan session commits them
 * (docs/verification.md): where a code plan names acceptance criteria and the
 * configuration wants a contract, the plan session's own code (never the model)
 * adds the contract's worker `W0.1` with its brief, and makes every worker of
 * wave 1, and every other that depends on nothing, wait for it. A research or
 * content plan gets no contract: each brief lists the criteria its review
 * judges as a checklist. The model may not name `W0.1` itself.
 */
export function withContractWorker<W extends SubmittedWorker>(
  submission: { criteria?: string[] | undefined; workers: W[] },
  { type, contract }: { type: BuildType; contract: boolean },
): { workers: (W | ContractPlanWorker)[]; problems: string[] } {
  if (submission.workers.some((worker) => worker.id === CONTRACT_WORKER)) {
    return {
      workers: submission.workers,
      problems: [
        `${CONTRACT_WORKER} is the contract's worker, which Baton adds itself where the plan names criteria: number your workers from W1.1`,
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
  const waiting = submission.workers.map((worker) =>
    waveOf(worker.id) === 1 || worker.depends_on.length === 0
      ? { ...worker, depends_on: [CONTRACT_WORKER, ...worker.depends_on] }
      : worker,
  );
  const own: ContractPlanWorker = {
    id: CONTRACT_WORKER,
    title: CONTRACT_TITLE,
    depends_on: [],
    complexity: 'normal',
    contract: true,
    brief: renderContractBrief(criteria),
  };
  return { workers: [own, ...waiting], problems: [] };
}

/** The brief of the contract's worker: every criterion with its id, and what to hand in. */
export function renderContractBrief(criteria: readonly PlannedCriterion[]): string {
  return [
    '## Mission',
    '',
    "Write the build's contract: an executable check, in this repository's own test framework, for each acceptance criterion below, before any worker writes the code. Every other worker of the build waits until this pull request is merged.",
    '',
    '## Criteria',
    '',
    ...criteria.map(
      (criterion) =>
        `- \`${criterion.id}\` (${criterion.worker ?? 'the build'}): ${criterion.text}`,
    ),
    '',
    '## Requirements',
    '',
    "- Read how the repository's tests are written and run (framework, folders, names) and write the checks the same way, in test files only: never the code under test, nothing under `.github/` or `.baton/`.",
    '- Each check fails now for the right reason (the behaviour is not there yet) and passes once its criterion holds. Run them and read why each fails.',
    "- The repository's tests and CI stay green until a criterion's worker delivers it: mark each check as expected to fail with its framework's own mark where it has one (Vitest `it.fails`, Jest `test.failing`, pytest `xfail(strict=True)`, node:test `todo`), naming its criterion id; the worker whose criterion it is makes it a plain check.",
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
