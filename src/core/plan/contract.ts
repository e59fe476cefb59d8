/**
 * The build's contract (docs/verification.md): the plan's acceptance criteria
 * turned into executable checks in the repository's own test framework, by a
 * session of its own before any worker starts. Its work is the build's wave 0,
 * worker `W0.1`, on which every other worker waits; it arrives as a pull
 * request into the build branch, reviewed and merged like any other. It leaves
 * `contract.json` beside the plan: which check proves which criterion, the
 * files that hold the checks and the command that runs them. The app reads only
 * that file; publish refuses a worker's change that weakens any check it names.
 */
import { z } from 'zod';
import { buildDir, parseWorkerId } from '../vocabulary/ids.js';
import { type Criterion, OutputPath, type Plan, type PlanWorker } from './plan.js';
import { planRepositories, repositoryOf, repositoryOrder } from './set-plan.js';

/** The contract's worker: wave 0, before every other. */
export const CONTRACT_WORKER = 'W0.1';

/**
 * Whether a worker writes a contract: wave 0, `W0.1` in a build; in a change
 * set one per repository that has criteria, `W0.1`, `W0.2` … (docs/change-sets.md);
 * and a contract fix numbered after them (`isContractFix`), which runs as a contract session too.
 */
export function isContractWorker(worker: string): boolean {
  return parseWorkerId(worker)?.wave === 0;
}

/** `Contract fix: W1.2:1 passes before the work`: the title of a criterion's contract fix. */
export function contractFixTitle(criterion: string): string {
  return `${CONTRACT_FIX_PREFIX}${criterion} passes before the work`;
}

const CONTRACT_FIX_PREFIX = 'Contract fix: ';

/**
 * Whether a worker is a contract fix (docs/verification.md, "Contract fixes"):
 * wave 0, after every contract's worker, titled for the criterion whose check
 * passed on the contract's commit. It runs as a contract session.
 */
export function isContractFix(worker: { id: string; title: string }): boolean {
  return isContractWorker(worker.id) && worker.title.startsWith(CONTRACT_FIX_PREFIX);
}

/** The largest `contract.json` the app or a session will read. */
export const CONTRACT_MAX_BYTES = 64 * 1024;

/** Where the contract record lies on the build branch. */
export function contractPath(build: string): string {
  return `${buildDir(build)}/contract.json`;
}

/** `W1.2:1`: the first criterion of W1.2; `build:2`: the build's second. */
export const CRITERION_ID = /^(build|W\d{1,2}\.\d{1,2}):([1-9]\d?)$/;

export const CriterionId = z
  .string()
  .regex(CRITERION_ID, 'a criterion is <worker>:<n> or build:<n>, like W1.2:1 or build:1');

/** One check of the contract: the criterion it proves, where it is, and its name as the test runner reports it. */
export const ContractCheck = z.strictObject({
  criterion: CriterionId,
  /** The file that holds the check, relative to the repository root. */
  file: OutputPath,
  /** The test's name (`describe › it`, a pytest node id, a Go test), as the runner prints it. */
  name: z.string().trim().min(1).max(300),
});
export type ContractCheck = z.infer<typeof ContractCheck>;

/** `contract.json`. */
export const Contract = z.strictObject({
  version: z.literal(1),
  /** The command that runs every check of the contract, from the repository root. */
  command: z.string().trim().min(1).max(500),
  /** Every file that holds a check; publish guards these. */
  files: z.array(OutputPath).min(1).max(100),
  checks: z.array(ContractCheck).min(1).max(500),
  /** Workers whose criteria the contract holds no check for, and why (a criterion no test can judge). */
  unchecked: z
    .array(z.strictObject({ criterion: CriterionId, why: z.string().max(500) }))
    .max(100)
    .default([]),
});
export type Contract = z.infer<typeof Contract>;

/** One criterion of a plan, with its id. */
export interface PlannedCriterion {
  id: string;
  /** The worker it belongs to; null for the build's own. */
  worker: string | null;
  text: string;
  /**
   * It holds already, before any work: its check guards against a regression
   * and must pass on the contract's commit and after the work alike, where every
   * other check must fail before and pass after (docs/verification.md).
   */
  guard?: boolean;
}

/** A criterion's sentence, and whether the plan marks it a guard. */
export function criterionParts(criterion: Criterion): { text: string; guard: boolean } {
  return typeof criterion === 'string'
    ? { text: criterion, guard: false }
    : { text: criterion.text, guard: criterion.guard === true };
}

/** Every criterion of a plan, the build's first, then each worker's in plan order. */
export function criteriaOf(plan: {
  criteria?: readonly Criterion[] | undefined;
  workers: readonly { id: string; criteria?: readonly Criterion[] | undefined }[];
}): PlannedCriterion[] {
  return [
    ...(plan.criteria ?? []).map((criterion, index) => ({
      id: `build:${index + 1}`,
      worker: null,
      ...criterionParts(criterion),
    })),
    ...plan.workers.flatMap((worker) =>
      (worker.criteria ?? []).map((criterion, index) => ({
        id: `${worker.id}:${index + 1}`,
        worker: worker.id,
        ...criterionParts(criterion),
      })),
    ),
  ];
}

/** Whether a plan asks for a contract: it names at least one criterion. */
export function wantsContract(plan: Pick<Plan, 'criteria' | 'workers'>): boolean {
  return criteriaOf(plan).length > 0;
}

/** Whether the plan lets this worker change the contract. */
export function mayChangeContract(plan: Pick<Plan, 'workers'>, worker: string): boolean {
  return plan.workers.some((planned) => planned.id === worker && planned.contract === true);
}

/** The role of a worker's first session (and of a `/retry`'s): `contract` for the contract's worker, `work` for any other. */
export function workRoleOf(worker: string): 'work' | 'contract' {
  return isContractWorker(worker) ? 'contract' : 'work';
}

/** A plan as the routing of its criteria reads it. */
type RoutedPlan = {
  criteria?: readonly Criterion[] | undefined;
  workers: readonly (Pick<PlanWorker, 'id' | 'depends_on' | 'repository'> & {
    criteria?: readonly Criterion[] | undefined;
  })[];
};

/**
 * The repository whose contract holds a criterion (docs/change-sets.md), in a
 * build or a change set whose issue is in `home`: a worker's criterion, its
 * worker's repository (the worker makes it pass there); one of the build's,
 * the repository that lands last among those the criterion names as
 * `owner/name` (every repository of the plan where it names none), as that
 * one lands after the others it depends on and can run a check across them.
 */
export function criterionRepository(
  criterion: PlannedCriterion,
  plan: RoutedPlan,
  home: string,
): string {
  const own = plan.workers.find((worker) => worker.id === criterion.worker);
  if (own) return repositoryOf(own, home);
  const order = repositoryOrder(plan, home);
  return (
    buildCriterionRepository(
      criterion.text,
      order.ok ? order.order : planRepositories(plan, home),
    ) ?? home.toLowerCase()
  );
}

/**
 * The repository of `landing` (the set's repositories in the order their final pull
 * requests land) whose contract holds a build criterion: the last among those it names.
 */
export function buildCriterionRepository(text: string, landing: readonly string[]): string | null {
  const named = landing.filter((repository) => namesRepository(text, repository));
  const candidates = named.length > 0 ? named : landing;
  return [...landing].reverse().find((repository) => candidates.includes(repository)) ?? null;
}

/** The criteria whose checks the contract of `repository` holds: all of a build's, a change set's member's own. */
export function contractCriteria(
  plan: RoutedPlan,
  repository: string,
  home: string,
): PlannedCriterion[] {
  const here = repository.toLowerCase();
  return criteriaOf(plan).filter(
    (criterion) => criterionRepository(criterion, plan, home) === here,
  );
}

/** Whether a criterion's text names the repository `owner/name`, in any case, as a whole name. */
function namesRepository(text: string, repository: string): boolean {
  if (!repository) return false;
  const escaped = repository.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\w./-])${escaped}(?![\\w/-]|\\.\\w)`, 'i').test(text);
}
