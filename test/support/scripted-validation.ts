import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { SimRun } from '../../sim/github/records.js';
import { Plan } from '../../src/core/plan/plan.js';
import {
  type FailedCheck,
  renderValidationMessage,
  type ValidationRecord,
  validationRef,
} from '../../src/core/plan/validation.js';
import {
  briefPath,
  integrationBranch,
  parseMilestoneSubject,
  planPath,
} from '../../src/core/vocabulary/ids.js';
import { amendWithFixes } from '../../src/session/publish/write/fix-workers.js';
import type { ValidationResult } from '../../src/session/result.js';

/**
 * A milestone's validation as its publish job leaves it (app tests' sessions,
 * scripted-sessions.ts): on a failure the fix workers appended to the plan on
 * the build branch (publish's own amendment, `amendWithFixes`), then the
 * record at its hidden ref. `outcome` (asked once it validates): the contract's command passes, or these
 * checks (criterion ids) fail. False: a twin run's, which found the record and ran nothing.
 */
export function playValidation(
  gh: FakeGitHub,
  {
    build,
    run,
    outcome: outcomeOf,
  }: { build: string; run: SimRun; outcome: () => 'pass' | { fail: string[] } },
): boolean {
  const milestone = parseMilestoneSubject(run.inputs.worker) ?? 0;
  const branch = integrationBranch(build);
  const head = gh.git.resolve(branch) ?? '';
  // As the session does: a twin run (two replicas dispatched it) finds the record, at the head
  // its dispatch asked for or the one it checks out, and ends having run nothing.
  const asked = /^head-([0-9a-f]{40})$/.exec(run.inputs.trigger ?? '')?.[1];
  const heads = asked ? [asked, head] : [head];
  if (heads.some((at) => gh.git.refs.has(validationRef(build, milestone, at)))) return false;
  const outcome = outcomeOf();
  const passed = outcome === 'pass';
  const validation: ValidationResult = {
    milestone,
    head,
    command: 'npm test -- test/contract',
    exit_code: passed ? 0 : 1,
    tail: passed ? '' : 'FAIL test/contract/login.test.ts\n[exit code 1]',
    failures: passed
      ? []
      : outcome.fail.map((check) => ({
          check: check as FailedCheck,
          brief: `The check of ${check} fails.`,
        })),
  };
  let failed: ValidationRecord['failed'] = [];
  if (!passed) {
    const plan = Plan.parse(JSON.parse(gh.git.filesOf(head).get(planPath(build)) ?? '{}'));
    const amendment = amendWithFixes({ plan, build, validation, contract: null });
    failed = amendment.fixed;
    if (amendment.plan) {
      gh.pushCommit({
        branch,
        changes: {
          [planPath(build)]: `${JSON.stringify(amendment.plan, null, 2)}\n`,
          ...Object.fromEntries(
            [...amendment.briefs].map(([id, text]) => [briefPath(build, id), text]),
          ),
        },
        message: `Fix workers for milestone ${milestone}`,
      });
    }
  }
  const record: ValidationRecord = {
    version: 1,
    milestone,
    run_id: run.id,
    head,
    passed,
    exit_code: validation.exit_code,
    failed,
  };
  const sha = gh.git.commit({
    parent: null,
    changes: {},
    message: renderValidationMessage(record),
  });
  gh.git.refs.set(validationRef(build, milestone, head), sha);
  return true;
}
