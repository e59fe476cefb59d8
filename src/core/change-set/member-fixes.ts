/**
 * A change set's member whose milestone failed validation gets its fix workers
 * as a build does (docs/change-sets.md), though its plan is the set's, on the
 * issue's repository, where the member's publish token cannot write: its
 * publish records the failing checks with no worker, and the app, which reads
 * that record (structured: milestone, head, criterion ids), appends the fix
 * workers to the set's plan. What it writes it composes from ids and the
 * plan's own text; no word of the validation's output crosses repositories.
 */

import { contractCriteria, contractPath, criteriaOf } from '../plan/contract.js';
import {
  type FixedCheck,
  fixWorkerOf,
  placeFixWorkers,
  withFixWorkers,
} from '../plan/fix-workers.js';
import type { Plan, PlanWorker } from '../plan/plan.js';
import { sliceOf } from '../plan/set-plan.js';
import type { FailedCheck, ValidationRecord } from '../plan/validation.js';
import { renderBriefFile } from '../records/brief.js';
import { briefPath, integrationBranch, planPath } from '../vocabulary/ids.js';
import type { SetAction } from './set-action.js';
import type { SetMember, SetSnapshot } from './set-snapshot.js';

/** The link that adds a member's fix workers, if one is due, and the set as its members then read. */
export interface MemberFixes {
  link: SetAction | null;
  /**
   * The set with each member's records naming the fix worker the plan holds
   * for each failing check, or is given by `link` in this pass: a member reads
   * its failure as answered, and asks no person, while the app adds the worker.
   */
  set: SetSnapshot;
}

/** A member's fix workers, if any are due (`fixLink`), and its records read against the plan they make. */
export function memberFixes(set: SetSnapshot, plan: Plan): MemberFixes {
  const due = fixLink(set, plan);
  const after = due?.plan ?? plan;
  const home = set.homeRepository;
  const members = set.members.map((member) => {
    const records = member.snapshot.validations;
    if (!records) return member;
    const slice = sliceOf(after, member.repository, home);
    const validations = records.map((record) => ({
      ...record,
      failed: record.failed.map((one) =>
        one.worker === null
          ? { ...one, worker: fixWorkerOf(slice, record.milestone, one.check) }
          : one,
      ),
    }));
    return { ...member, snapshot: { ...member.snapshot, validations } };
  });
  return { link: due?.link ?? null, set: { ...set, members } };
}

/**
 * The fix workers of one member's failed milestones, at most one member a
 * pass (each write moves the set build's branch, so a second would not be a
 * fast-forward): its newest record of each milestone, where it failed, gives
 * a worker to each failing check that has none in the plan yet. Only checks
 * the member's own contract holds count (its criteria, or `command`): a
 * record names nothing of another repository's. None where the plan has no
 * room, or the amended plan fails `validatePlan`: the status says the
 * milestone waits for a person, as in a build.
 */
function fixLink(set: SetSnapshot, plan: Plan): { link: SetAction; plan: Plan } | null {
  const base = set.home.integration?.sha;
  if (!base) return null;
  const home = set.homeRepository;
  for (const member of set.members) {
    const head = member.snapshot.integration?.sha;
    if (!member.recorded || !head) continue;
    const own = new Set(contractCriteria(plan, member.repository, home).map((one) => one.id));
    const owned = (one: FixedCheck) =>
      one.worker === null && (one.check === 'command' || own.has(one.check));
    const added: PlanWorker[] = [];
    const briefs = new Map<string, string>();
    for (const record of newestFailures(member.snapshot.validations ?? [])) {
      const placed = placeFixWorkers({
        plan: { workers: [...plan.workers, ...added] },
        milestone: record.milestone,
        checks: record.failed.filter(owned).map((one) => one.check),
        place: { repository: member.repository, home },
      });
      for (const worker of placed.added) {
        const check = placed.fixed.find((one) => one.worker === worker.id)?.check ?? 'command';
        added.push(worker);
        briefs.set(
          worker.id,
          renderBriefFile(worker, memberFixBrief({ plan, member, record, check })),
        );
      }
    }
    if (added.length === 0) continue;
    const amended = withFixWorkers({ plan, added, briefs, build: set.home.build });
    if (!amended.ok) continue;
    const ids = added.map((worker) => worker.id);
    const link: SetAction = {
      kind: 'add-member-fixes',
      repository: member.repository,
      workers: ids,
      message: `Fix workers ${ids.join(', ')} for ${member.repository}'s failed validation`,
      // The member's copy first: its sessions read their briefs there once the set's plan has them.
      writes: [
        {
          repository: member.repository,
          branch: integrationBranch(member.snapshot.build),
          base: head,
          files: planFiles(member.snapshot.build, amended.plan, briefs),
        },
        {
          repository: home,
          branch: integrationBranch(set.home.build),
          base,
          files: planFiles(set.home.build, amended.plan, briefs),
        },
      ],
    };
    return { link, plan: amended.plan };
  }
  return null;
}

/** Each milestone's newest record (by its run), where it failed. */
function newestFailures(records: readonly ValidationRecord[]): ValidationRecord[] {
  const newest = new Map<number, ValidationRecord>();
  for (const record of records) {
    const seen = newest.get(record.milestone);
    if (!seen || record.run_id > seen.run_id) newest.set(record.milestone, record);
  }
  return [...newest.values()]
    .filter((record) => !record.passed)
    .sort((a, b) => a.milestone - b.milestone);
}

/** `plan.json` (named for `build`, as a member's copy is) and the new briefs, under `build`'s folder. */
function planFiles(
  build: string,
  plan: Plan,
  briefs: ReadonlyMap<string, string>,
): Record<string, string> {
  return {
    [planPath(build)]: `${JSON.stringify({ ...plan, build }, null, 2)}\n`,
    ...Object.fromEntries([...briefs].map(([id, text]) => [briefPath(build, id), text])),
  };
}

/**
 * A member's fix worker's brief: the milestone, the head, the check and its
 * criterion as the plan words it. The validation's output stays in the
 * member's repository; the session runs the contract's command there to see it.
 */
function memberFixBrief({
  plan,
  member,
  record,
  check,
}: {
  plan: Plan;
  member: SetMember;
  record: ValidationRecord;
  check: FailedCheck;
}): string {
  const build = member.snapshot.build;
  const criterion = criteriaOf(plan).find((one) => one.id === check);
  const failed =
    check === 'command'
      ? 'its command failed with no check named'
      : `the check of criterion ${check} failed`;
  return [
    '## The failing check',
    '',
    `Milestone ${record.milestone}'s validation ran ${member.repository}'s contract (\`${contractPath(build)}\`) on its build branch \`${integrationBranch(build)}\` at \`${record.head.slice(0, 12)}\`, and ${failed}.`,
    ...(criterion ? ['', 'The criterion, as the plan words it:', '', `> ${criterion.text}`] : []),
    '',
    '## What to deliver',
    '',
    "Run the contract's command (`contract.json` names it, and the checks of each criterion) in this checkout to see the failure, and make the check pass by fixing the code it tests: the command must exit 0. The contract's checks are not yours to change, and publish refuses a change that weakens one.",
  ].join('\n');
}
