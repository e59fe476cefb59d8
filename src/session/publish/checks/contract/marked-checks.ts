import { Contract, contractPath } from '../../../../core/plan/contract.js';
import { Plan, waveOf } from '../../../../core/plan/plan.js';
import { lastWaveOf } from '../../../../core/plan/set-plan.js';
import { integrationBranch, planPath } from '../../../../core/vocabulary/ids.js';
import type { ValidationResult } from '../../../result.js';
import type { RemoteAccess } from '../../scratch-repo.js';
import { parseJson, readAt } from '../inputs/read-worker-title.js';
import { stillMarkedToFail } from './contract-breach.js';

type Failure = ValidationResult['failures'][number];

/** Where the build branch is fetched to, so that the validated head's files can be read. */
const VALIDATED_AT = 'refs/baton/validated-build';

/**
 * The contract's checks that the validated head still marks to fail, where
 * their criterion is due by this milestone (its worker's wave is at most the
 * milestone; the build's own criteria at the last one, a change set member's
 * own last, docs/change-sets.md): a check so marked
 * passes whatever the code does, so the command's green exit proves nothing of
 * it (docs/verification.md, "Validation"). Each is a failure, with a brief that
 * says so, read by publish's code from the files at the head, not by a model.
 */
export async function markedFailures(
  access: RemoteAccess,
  build: string,
  validation: Pick<ValidationResult, 'milestone' | 'head'>,
  /** The repository validated, `owner/name`: a change set's member's last milestone is its own part's last wave. */
  repository: string,
): Promise<Failure[]> {
  const { repo, remote, token } = access;
  const branch = integrationBranch(build);
  await repo.must({
    args: ['fetch', '--no-tags', '--quiet', remote, `+refs/heads/${branch}:${VALIDATED_AT}`],
    token,
  });
  const at = (path: string) => readAt(repo, `${validation.head}:${path}`);
  const plan = Plan.safeParse(parseJson(await at(planPath(build))));
  const contract = Contract.safeParse(parseJson(await at(contractPath(build))));
  if (!plan.success || !contract.success) return [];
  const last = lastWaveOf(plan.data, { build, repository });
  const failures = new Map<string, Failure>();
  for (const check of contract.data.checks) {
    const owner = check.criterion.split(':')[0] ?? '';
    const due =
      owner === 'build' ? validation.milestone >= last : waveOf(owner) <= validation.milestone;
    if (!due || failures.has(check.criterion)) continue;
    const text = await at(check.file);
    if (text === null || !stillMarkedToFail({ path: check.file, text, name: check.name })) continue;
    failures.set(check.criterion, {
      check: check.criterion,
      brief: `The contract's check "${check.name}" in ${check.file}, of ${check.criterion}, is still marked to fail on the build branch, so it passes whether or not the criterion holds. Make the criterion hold, then remove the mark so that the check is a plain one and passes.`,
    });
  }
  return [...failures.values()];
}
