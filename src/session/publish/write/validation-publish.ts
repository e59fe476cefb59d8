import { Contract, contractPath } from '../../../core/plan/contract.js';
import { notDue } from '../../../core/plan/due-criteria.js';
import type { FixedCheck } from '../../../core/plan/fix-workers.js';
import { Plan } from '../../../core/plan/plan.js';
import {
  renderValidationMessage,
  type ValidationRecord,
  validationRef,
} from '../../../core/plan/validation.js';
import {
  briefPath,
  integrationBranch,
  parseMemberBuildId,
  parseMilestoneSubject,
  planPath,
} from '../../../core/vocabulary/ids.js';
import { type WriteTrailers, withTrailers } from '../../../core/vocabulary/trailers.js';
import type { ValidationResult } from '../../result.js';
import { sessionTrailers } from '../../session-trailers.js';
import {
  markedFailures,
  readValidatedHead,
  reportedWorkers,
} from '../checks/contract/marked-checks.js';
import { parseJson, readAt } from '../checks/inputs/read-worker-title.js';
import type { PublishOutcome } from '../publish-outcome.js';
import type { ReadSession } from '../read-session.js';
import type { RemoteAccess } from '../scratch-repo.js';
import { amendWithFixes, failuresOf } from './fix-workers.js';

import { commitAsBaton, pushRecordRef } from './record-ref.js';

/** Where the build branch is fetched to while fix workers are added. */
const BUILD_AT = 'refs/baton/validation-build';
/** Pushes of the amended plan: the build branch may move (a merge) between the fetch and the push. */
const PUSH_TRIES = 3;

/**
 * A validation's publish (no model): on a failure, first the fix workers on
 * the build branch's plan, then the record at `refs/baton/<build>/validation/M<k>/<head>`
 * that the app reads, whose existence settles the milestone. Run again, a
 * record that exists is left as it is, and a check whose fix worker is in the
 * plan already keeps it.
 */
export async function publishValidation({
  env,
  io,
  target,
  result,
  repo,
  token,
}: ReadSession): Promise<PublishOutcome> {
  const validation = result.validation;
  const milestone = parseMilestoneSubject(target.worker);
  const existing = result.existing_validation;
  if (!validation && existing && milestone !== null) {
    // The session's word is checked: the record must be this milestone's, and there.
    const own = existing.ref.startsWith(validationRef(target.build, milestone, ''));
    const there =
      own && (await repo.must({ args: ['ls-remote', io.remote, existing.ref], token })).trim();
    if (!there) {
      return {
        kind: 'refused',
        problems: [
          `the session found the validation of M${milestone} recorded at ${existing.ref}, which is not there: dispatch the validation again`,
        ],
      };
    }
    return {
      kind: 'published',
      lines: [
        `The validation of M${milestone} was recorded at ${existing.ref} already (a twin run's); nothing to record.`,
      ],
    };
  }
  if (!validation || milestone === null || validation.milestone !== milestone) {
    return {
      kind: 'refused',
      problems: [
        `a complete validate result needs its validation of ${target.worker ?? 'a milestone'}`,
      ],
    };
  }
  const access = { repo, remote: io.remote, token };
  const ref = validationRef(target.build, milestone, validation.head);
  const listed = await repo.must({ args: ['ls-remote', io.remote, ref], token });
  if (listed.trim()) {
    return {
      kind: 'published',
      lines: [`The validation of M${milestone} is recorded at ${ref} already.`],
    };
  }
  // The command's exit decides, and a check still marked to fail proves nothing by passing;
  // a check of a skipped worker's criterion, not due, is neither (src/core/plan/due-criteria.ts).
  const validated = await readValidatedHead(
    access,
    target.build,
    validation,
    env.GITHUB_REPOSITORY,
  );
  const named = failuresOf(validation);
  const skipped = validated
    ? named.filter((failure) => notDue(failure.check, validated.due) === 'skipped')
    : [];
  // A check still marked to fail is read from the runner's report where there is one (the
  // session's `checks`), and from the file's layout only where no report could be had.
  const byLayout =
    validated && validation.checks === undefined
      ? await markedFailures(access, validation.head, validated)
      : [];
  const failures = [...named.filter((failure) => !skipped.includes(failure)), ...byLayout];
  const unproven = unprovenCriteria(target.build, validation, failures);
  const fixes =
    failures.length === 0 && unproven.length === 0
      ? { fixed: [] as FixedCheck[], lines: [] as string[] }
      : await addFixWorkers(
          access,
          target.build,
          validation,
          failures,
          unproven,
          sessionTrailers(env),
        );
  // A check that passed before the work (a guard apart) fails the milestone until its contract fix.
  const passed = fixes.fixed.length === 0;
  const record: ValidationRecord = {
    version: 1,
    milestone,
    run_id: Number(env.GITHUB_RUN_ID) || 1,
    head: validation.head,
    passed,
    exit_code: validation.exit_code,
    failed: fixes.fixed,
    ...(validation.contract_commit ? { contract_commit: validation.contract_commit } : {}),
    ...(validation.checks ? { checks: validation.checks } : {}),
    ...(validation.contract_commits ? { contract_commits: validation.contract_commits } : {}),
    ...(validation.reverted?.length ? { reverted: validation.reverted } : {}),
    ...(validation.before_from ? { before_from: validation.before_from } : {}),
    ...(validation.reached && !validation.checks ? { reached: validation.reached } : {}),
  };
  const problem = await pushRecordRef({ ...access, ref, message: renderValidationMessage(record) });
  if (problem !== null)
    return { kind: 'refused', problems: [`Could not record the validation at ${ref}: ${problem}`] };
  const verdict = passed
    ? `M${milestone} passed: \`${validation.command}\` ${validation.exit_code === 0 ? 'exited 0' : 'failed only on checks not due'} on ${validation.head.slice(0, 7)}, no check due still marked to fail.`
    : `M${milestone} failed: ${fixes.fixed.map((f) => `${f.check} → ${f.worker ?? 'no fix worker'}`).join(', ')}.`;
  const notDueLines =
    skipped.length > 0
      ? [
          `Not due, as their workers were skipped, so neither failed nor given a fix worker: ${skipped.map((f) => f.check).join(', ')}.`,
        ]
      : [];
  return {
    kind: 'published',
    lines: [...notDueLines, ...fixes.lines, verdict, `Recorded the validation at ${ref}.`],
  };
}

/**
 * The criteria whose checks the runner's reports judged not proven (passed on
 * the contract's commit, not for reaching test-aware code) and none failing: each is a contract fix's, where the
 * plan does not mark it a guard. A change set's member has none yet: its plan
 * is the set's, which the app amends, and it shows them only in the guide.
 */
function unprovenCriteria(
  build: string,
  validation: ValidationResult,
  failures: ValidationResult['failures'],
): string[] {
  if (parseMemberBuildId(build)) return [];
  const failing = new Set(failures.map((failure) => failure.check));
  const checks = validation.checks ?? [];
  return [
    ...new Set(
      checks
        // A check not proven for the work's test-aware code is the work's to answer, not the contract's.
        .filter(
          (check) =>
            check.verdict === 'not-proven' && !check.reached && !failing.has(check.criterion),
        )
        .map((check) => check.criterion),
    ),
  ];
}

/**
 * Appends the fix workers to the plan on the build branch, as a commit on its
 * newest head that only adds briefs and rewrites plan.json, pushed as a
 * fast-forward (never forced): fetched again when a merge moved the branch meanwhile.
 */
async function addFixWorkers(
  access: RemoteAccess,
  build: string,
  validation: ValidationResult,
  failures: ValidationResult['failures'],
  unproven: readonly string[],
  trailers: WriteTrailers,
): Promise<{ fixed: FixedCheck[]; lines: string[] }> {
  const { repo, remote, token } = access;
  const branch = integrationBranch(build);
  // What a record says of each check where no worker could be added for it.
  const none: FixedCheck[] = [...failures.map((f) => f.check), ...unproven].map((check) => ({
    check,
    worker: null,
  }));
  let last = '';
  for (let attempt = 1; attempt <= PUSH_TRIES; attempt++) {
    await repo.must({
      args: ['fetch', '--no-tags', '--quiet', remote, `+refs/heads/${branch}:${BUILD_AT}`],
      token,
    });
    const base = (await repo.must({ args: ['rev-parse', BUILD_AT] })).trim();
    const plan = Plan.safeParse(parseJson(await readAt(repo, `${base}:${planPath(build)}`)));
    if (!plan.success)
      return {
        fixed: none,
        lines: [`${planPath(build)} on ${branch} is not a valid plan: no fix worker was added.`],
      };
    const contract = Contract.safeParse(
      parseJson(await readAt(repo, `${base}:${contractPath(build)}`)),
    );
    const amendment = amendWithFixes({
      plan: plan.data,
      build,
      validation,
      failures,
      contract: contract.success ? contract.data : null,
      unproven,
      merged: await reportedWorkers(access, build, base),
    });
    if (!amendment.plan) {
      const why = amendment.why ? [`No fix worker was added: ${amendment.why}`] : [];
      return { fixed: amendment.fixed, lines: why };
    }
    const files = new Map([
      [planPath(build), `${JSON.stringify(amendment.plan, null, 2)}\n`],
      ...[...amendment.briefs].map(([id, text]) => [briefPath(build, id), text] as const),
    ]);
    const ids = [...amendment.briefs.keys()];
    const commit = await commitFiles(access, {
      base,
      files,
      message: withTrailers(
        `Fix workers ${ids.join(', ')} for milestone ${validation.milestone}'s failed validation`,
        trailers,
      ),
    });
    const pushed = await repo.run({
      args: ['push', '--quiet', '--no-verify', remote, `${commit}:refs/heads/${branch}`],
      token,
    });
    if (pushed.code === 0) {
      return {
        fixed: amendment.fixed,
        lines: [`Added ${ids.join(', ')} to the plan on ${branch} (${commit.slice(0, 7)}).`],
      };
    }
    last = pushed.stderr.trim().split('\n')[0] ?? '';
  }
  return {
    fixed: none,
    lines: [`Could not add the fix workers to ${branch}: ${last}`],
  };
}

/** A commit on `base` whose tree is base's with `files` written, made in the scratch repository's own index. */
async function commitFiles(
  { repo }: RemoteAccess,
  { base, files, message }: { base: string; files: Map<string, string>; message: string },
): Promise<string> {
  await repo.must({ args: ['read-tree', base] });
  for (const [path, text] of files) {
    const blob = (await repo.must({ args: ['hash-object', '-w', '--stdin'], input: text })).trim();
    await repo.must({ args: ['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`] });
  }
  const tree = (await repo.must({ args: ['write-tree'] })).trim();
  return commitAsBaton(repo, { tree, parents: [base], message });
}
