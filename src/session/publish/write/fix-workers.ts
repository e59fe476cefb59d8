import type { Contract } from '../../../core/plan/contract.js';
import { contractPath } from '../../../core/plan/contract.js';
import {
  type FixedCheck,
  placeContractFixes,
  placeFixWorkers,
  withFixWorkers,
} from '../../../core/plan/fix-workers.js';
import type { Plan } from '../../../core/plan/plan.js';
import { renderBriefFile } from '../../../core/records/brief.js';
import { parseMemberBuildId } from '../../../core/vocabulary/ids.js';
import { code, quoteMaterial } from '../../../core/vocabulary/markdown.js';
import type { ValidationResult } from '../../result.js';

export interface FixAmendment {
  /** The plan with the fix workers, or null when nothing was added. */
  plan: Plan | null;
  /** The new workers' briefs, by worker id. */
  briefs: Map<string, string>;
  fixed: FixedCheck[];
  /** Why no worker could be added, when none could. */
  why: string | null;
}

/**
 * A failed milestone's fix workers, written by publish's code, not a model:
 * one per failing check, in wave k+1 with the next free sequence numbers,
 * depending on every worker of wave k, titled "Fix: <check> fails", each with
 * a brief that names the check, what the validator found and the output's
 * tail. A check that has its fix worker in that wave already (publish run
 * again) keeps it. The earlier workers stay as they are; the whole plan must
 * pass `validatePlan` again, or nothing is added.
 */
export function amendWithFixes({
  plan,
  build,
  validation,
  failures = failuresOf(validation),
  contract,
  unproven = [],
  merged = new Set(),
}: {
  plan: Plan;
  build: string;
  validation: ValidationResult;
  /** The failing checks; absent, those the command's exit and the validator named. */
  failures?: ValidationResult['failures'];
  /** The contract the command ran, for the checks' names and files; null when it cannot be read. */
  contract: Contract | null;
  /** Criteria whose checks passed before the work: each gets a contract fix, but a guard. */
  unproven?: readonly string[];
  /** The workers whose reports are on the build branch: a merged contract fix gets no second. */
  merged?: ReadonlySet<string>;
}): FixAmendment {
  // A change set's member runs the set's plan, which lies on the issue's repository, where
  // this repository's token cannot write: the app adds its fix workers there (docs/change-sets.md).
  if (parseMemberBuildId(build)) {
    return {
      plan: null,
      briefs: new Map(),
      fixed: failures.map((f) => ({ check: f.check, worker: null })),
      why: "this build is a change set's member, whose plan is the set's, on the issue's repository: the app adds its fix workers there",
    };
  }
  const failing = placeFixWorkers({
    plan,
    milestone: validation.milestone,
    checks: failures.map((failure) => failure.check),
  });
  // A check that passed before the work is the contract's to rewrite: a contract fix in wave 0.
  const rewrites = placeContractFixes({
    plan: { ...plan, workers: [...plan.workers, ...failing.added] },
    criteria: unproven,
    merged,
  });
  const added = [...failing.added, ...rewrites.added];
  const fixed = [...failing.fixed, ...rewrites.fixed];
  const briefs = new Map<string, string>();
  for (const worker of failing.added) {
    const check = failing.fixed.find((one) => one.worker === worker.id)?.check;
    const failure = failures.find((one) => one.check === check);
    if (failure)
      briefs.set(
        worker.id,
        renderBriefFile(worker, fixBrief({ build, validation, failure, contract })),
      );
  }
  for (const worker of rewrites.added) {
    const criterion = rewrites.fixed.find((one) => one.worker === worker.id)?.check ?? '';
    briefs.set(
      worker.id,
      renderBriefFile(worker, contractFixBrief({ build, validation, criterion, contract })),
    );
  }
  if (added.length === 0) {
    const why = fixed.some((f) => f.worker === null)
      ? 'the plan has no room for more workers'
      : null;
    return { plan: null, briefs, fixed, why };
  }
  const checked = withFixWorkers({ plan, added, briefs, build });
  if (!checked.ok) {
    const none = fixed.map((f) =>
      added.some((w) => w.id === f.worker) ? { ...f, worker: null } : f,
    );
    return { plan: null, briefs: new Map(), fixed: none, why: checked.problems.join(' ') };
  }
  return { plan: checked.plan, briefs, fixed, why: null };
}

/**
 * The failures publish acts on: the exit status decides, not the model. A
 * command that failed with no check named is one failure, `command`.
 */
export function failuresOf(validation: ValidationResult): ValidationResult['failures'] {
  // Judged by the runner's reports, the checks name the failures, whatever the exit status.
  if (validation.checks !== undefined) return validation.failures;
  if (validation.exit_code === 0) return [];
  if (validation.failures.length > 0) return validation.failures;
  return [
    {
      check: 'command',
      brief: `The contract's command ${code(validation.command)} fails, and the validation named no check: read its output below.`,
    },
  ];
}

/** A fix worker's brief: the failing check, what the validator found, the output's tail, what to deliver. */
function fixBrief({
  build,
  validation,
  failure,
  contract,
}: {
  build: string;
  validation: ValidationResult;
  failure: ValidationResult['failures'][number];
  contract: Contract | null;
}): string {
  const checks = (contract?.checks ?? []).filter((check) => check.criterion === failure.check);
  const named =
    checks.length > 0
      ? checks.map((check) => `- ${code(check.name)} in ${code(check.file)}`)
      : ['- the contract names no check for it: the command itself fails'];
  return [
    '## The failing check',
    '',
    `Milestone ${validation.milestone}'s validation ran the build's contract (\`${contractPath(build)}\`) on the build branch at \`${validation.head.slice(0, 12)}\`, and ${failure.check === 'command' ? 'its command failed' : `the check of criterion ${failure.check} failed`}:`,
    '',
    ...named,
    '',
    '## What the validation found',
    '',
    quoteMaterial(failure.brief),
    '',
    "## The end of the command's output",
    '',
    quoteMaterial(validation.tail),
    '',
    '## What to deliver',
    '',
    `Make the check pass by fixing the code it tests: ${code(validation.command)} must exit 0. The contract's checks are not yours to change, and publish refuses a change that weakens one.`,
  ].join('\n');
}

/**
 * A contract fix's brief: the criterion whose check passed on the contract's
 * commit, before any work, so that it passes whatever the work does; its checks
 * with what the runner's reports showed on both; what to deliver. The
 * command's output is material, in a fence.
 */
function contractFixBrief({
  build,
  validation,
  criterion,
  contract,
}: {
  build: string;
  validation: ValidationResult;
  criterion: string;
  contract: Contract | null;
}): string {
  const judged = (validation.checks ?? []).filter((check) => check.criterion === criterion);
  const named = (contract?.checks ?? []).filter((check) => check.criterion === criterion);
  const before = judged.map((check) => check.before ?? 'no report').join(', ') || 'passed';
  const commit = validation.contract_commit
    ? ` \`${validation.contract_commit.slice(0, 12)}\``
    : '';
  return [
    '## The check that proves nothing',
    '',
    `Milestone ${validation.milestone}'s validation ran the build's contract (\`${contractPath(build)}\`) twice: on the contract's commit${commit}, before any work, and on the build branch at \`${validation.head.slice(0, 12)}\`. The check of criterion ${criterion} passed on both (before the work: ${before}), so it passes whatever the work does: it proves nothing of it.`,
    '',
    ...(named.length > 0
      ? named.map((check) => `- ${code(check.name)} in ${code(check.file)}`)
      : ['- the contract names no check for it']),
    '',
    "## The end of the command's output on the head",
    '',
    quoteMaterial(validation.tail),
    '',
    '## What to deliver',
    '',
    `Rewrite the check of ${criterion} so that it fails on the contract's commit, before the work, for the reason the criterion names, and passes once the criterion holds: assert what the work changes, not what held already. Write it as a plain check, with no expected-failure mark: the work it checks is merged. Keep every other check as it is, and hand in the whole contract again (\`${contractPath(build)}\`, naming every criterion). The work is merged on this branch already, so your check passes here; the next validation runs it on the contract's commit again. A criterion that held before the work is a guard: say so in your report, and a person marks it in the plan.`,
  ].join('\n');
}
