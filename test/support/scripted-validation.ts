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

/** How a scripted validation ends: its command passes, these checks fail, or these criteria's checks passed before the work. */
export type ValidationOutcome = 'pass' | { fail: string[] } | { unproven: string[] };

/**
 * A milestone's validation as its publish job leaves it (app tests' sessions,
 * scripted-sessions.ts): on a failure the fix workers appended to the plan on
 * the build branch (publish's own amendment, `amendWithFixes`), then the
 * record at its hidden ref. `outcome` (asked once it validates): the contract's command passes, or these
 * checks (criterion ids) fail, or these criteria's checks passed before the work (each a contract fix). False: a twin run's, which found the record and ran nothing.
 */
export function playValidation(
  gh: FakeGitHub,
  {
    build,
    run,
    outcome: outcomeOf,
  }: { build: string; run: SimRun; outcome: () => ValidationOutcome },
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
  const fail = typeof outcome === 'object' && 'fail' in outcome ? outcome.fail : [];
  const unproven = typeof outcome === 'object' && 'unproven' in outcome ? outcome.unproven : [];
  const validation: ValidationResult = {
    milestone,
    head,
    command: 'npm test -- test/contract',
    exit_code: fail.length === 0 ? 0 : 1,
    tail: fail.length === 0 ? '' : 'FAIL test/contract/login.test.ts\n[exit code 1]',
    failures: fail.map((check) => ({
      check: check as FailedCheck,
      brief: `The check of ${check} fails.`,
    })),
    // Checks that passed on the contract's commit, before the work, as the runner's reports judge them.
    ...(unproven.length > 0
      ? {
          checks: unproven.map((criterion) => ({
            criterion,
            before: 'passed' as const,
            after: 'passed' as const,
            verdict: 'not-proven' as const,
          })),
        }
      : {}),
  };
  let failed: ValidationRecord['failed'] = [];
  if (outcome !== 'pass') {
    const files = gh.git.filesOf(head);
    const plan = Plan.parse(JSON.parse(files.get(planPath(build)) ?? '{}'));
    const reported = [...files.keys()].flatMap((path) => {
      const id = /\/completions\/(W\d+\.\d+)\.json$/.exec(path)?.[1];
      return id ? [id] : [];
    });
    const amendment = amendWithFixes({
      plan,
      build,
      validation,
      contract: null,
      unproven,
      merged: new Set(reported),
    });
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
    passed: failed.length === 0,
    exit_code: validation.exit_code,
    failed,
    ...(validation.checks ? { checks: validation.checks } : {}),
  };
  const sha = gh.git.commit({
    parent: null,
    changes: {},
    message: renderValidationMessage(record),
  });
  gh.git.refs.set(validationRef(build, milestone, head), sha);
  return true;
}
