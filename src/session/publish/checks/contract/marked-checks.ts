import { Contract, contractPath } from '../../../../core/plan/contract.js';
import { type DueAt, dueOnBranch, isDue } from '../../../../core/plan/due-criteria.js';
import { Plan } from '../../../../core/plan/plan.js';
import {
  completionsDir,
  integrationBranch,
  planPath,
  reportedWorkersIn,
} from '../../../../core/vocabulary/ids.js';
import type { ValidationResult } from '../../../result.js';
import type { RemoteAccess } from '../../scratch-repo.js';
import { parseJson, readAt } from '../inputs/read-worker-title.js';
import { stillMarkedToFail } from './contract-breach.js';

type Failure = ValidationResult['failures'][number];

/** Where the build branch is fetched to, so that the validated head's files can be read. */
const VALIDATED_AT = 'refs/baton/validated-build';

/** The validated head as publish reads it: its plan and contract, and which criteria are due. */
export interface ValidatedHead {
  contract: Contract;
  /** The milestone, the last one, and the workers skipped (src/core/plan/due-criteria.ts). */
  due: DueAt;
}

/**
 * The plan and contract at the validated head, and where the validation
 * stands (`dueOnBranch`: the last milestone, and the workers skipped, read
 * from the reports the head holds). Null where the plan or the contract there
 * cannot be read: then every failure named is due.
 */
export async function readValidatedHead(
  access: RemoteAccess,
  build: string,
  validation: Pick<ValidationResult, 'milestone' | 'head'>,
  /** The repository validated, `owner/name`. */
  repository: string,
): Promise<ValidatedHead | null> {
  const { repo, remote, token } = access;
  const branch = integrationBranch(build);
  await repo.must({
    args: ['fetch', '--no-tags', '--quiet', remote, `+refs/heads/${branch}:${VALIDATED_AT}`],
    token,
  });
  const at = (path: string) => readAt(repo, `${validation.head}:${path}`);
  const plan = Plan.safeParse(parseJson(await at(planPath(build))));
  const contract = Contract.safeParse(parseJson(await at(contractPath(build))));
  if (!plan.success || !contract.success) return null;
  const reported = await reportedWorkers(access, build, validation.head);
  return {
    contract: contract.data,
    due: dueOnBranch({
      plan: plan.data,
      build,
      repository,
      milestone: validation.milestone,
      reported,
    }),
  };
}

/**
 * The contract's checks that the validated head still marks to fail, where
 * their criterion is due (`isDue`: its worker's wave is at most the milestone
 * and its worker was not skipped; the build's own criteria at the last
 * milestone): a check so marked passes whatever the code does, so the
 * command's green exit proves nothing of it (docs/verification.md,
 * "Validation"). Each is a failure, with a brief that says so, read by
 * publish's code from the files at the head, not by a model.
 */
export async function markedFailures(
  { repo }: RemoteAccess,
  head: string,
  { contract, due }: ValidatedHead,
): Promise<Failure[]> {
  const failures = new Map<string, Failure>();
  for (const check of contract.checks) {
    if (!isDue(check.criterion, due) || failures.has(check.criterion)) continue;
    const text = await readAt(repo, `${head}:${check.file}`);
    if (text === null || !stillMarkedToFail({ path: check.file, text, name: check.name })) continue;
    failures.set(check.criterion, {
      check: check.criterion,
      brief: `The contract's check "${check.name}" in ${check.file}, of ${check.criterion}, is still marked to fail on the build branch, so it passes whether or not the criterion holds. Make the criterion hold, then remove the mark so that the check is a plain one and passes.`,
    });
  }
  return [...failures.values()];
}

/** The workers whose reports (`completions/<id>.json`) are on the build branch at `commit`: merged, or skipped. */
export async function reportedWorkers(
  { repo }: Pick<RemoteAccess, 'repo'>,
  build: string,
  commit: string,
): Promise<Set<string>> {
  const listed = await repo.run({
    args: ['ls-tree', '--name-only', `${commit}:${completionsDir(build)}`],
  });
  return listed.code === 0 ? reportedWorkersIn(listed.stdout) : new Set();
}
