import { buildTypeOf, MAX_FOLLOW_UP_ROUNDS, Plan } from '../plan/plan.js';
import { validatePlan } from '../plan/validate-plan.js';
import { briefPath } from '../vocabulary/ids.js';
import type { CommandState } from './command-state.js';
import type { PlanRead, TimedCommand, TimedRun } from './snapshot.js';

/**
 * Follow-up questions of a research build (docs/build-types.md): a synthesis
 * may append workers to `plan.json`, each marked with its round
 * (`follow_up: 1` for the first synthesis's), with a brief each. The app reads
 * only their ids and rounds. A round is part of the build only once a person
 * has approved it; until then it is a proposal, shown but never run.
 */
export interface FollowUps {
  /** Rounds approved so far: their workers run as any other. */
  approvedRounds: number;
  /** The `/approve` of the newest approved round: the synthesis after its workers answers it. */
  since: TimedCommand | null;
  /**
   * The round the newest synthesis proposed, waiting for a person's answer,
   * or `declined` by a `/skip follow-ups`; null when nothing is proposed.
   */
  proposed: { round: number; workers: string[]; declined: TimedCommand | null } | null;
}

/** The follow-up rounds of a research build with a valid plan; null for any other. */
export function followUpsOf(
  read: PlanRead,
  /** The build's runs, each with how it ended (`judgeRuns`). */
  runs: readonly (TimedRun & { outcome: string })[],
  commands: Pick<CommandState, 'approvals' | 'followUpSkips'>,
): FollowUps | null {
  if (read.kind !== 'valid' || buildTypeOf(read.plan) !== 'research') return null;
  const succeeded = runs.filter(
    (run) => run.role === 'synthesis' && run.worker === null && run.outcome === 'succeeded',
  );
  return foldFollowUps({
    plan: read.plan,
    succeeded,
    approvals: commands.approvals,
    declines: commands.followUpSkips,
  });
}

/**
 * Works the rounds out from the plan, the synthesis runs and the commands: the
 * first synthesis that succeeded after the previous round's `/approve` proposed
 * the next round (if the plan has one), and the first `/approve` written after
 * that synthesis ended approves it, unless a `/skip follow-ups` came first.
 */
export function foldFollowUps({
  plan,
  succeeded,
  approvals,
  declines,
}: {
  plan: Plan;
  /** The build's synthesis runs that succeeded, oldest first. */
  succeeded: TimedRun[];
  /** `/approve` comments, oldest first. */
  approvals: TimedCommand[];
  /** `/skip follow-ups` comments, oldest first. */
  declines: TimedCommand[];
}): FollowUps {
  let since = null as TimedCommand | null;
  for (let round = 1; round <= MAX_FOLLOW_UP_ROUNDS; round++) {
    const workers = plan.workers.filter((w) => w.follow_up === round).map((w) => w.id);
    const synthesis: TimedRun | undefined = succeeded.find(after(since?.createdMs));
    if (!synthesis || workers.length === 0)
      return { approvedRounds: round - 1, since, proposed: null };
    const approve: TimedCommand | undefined = approvals.find(after(synthesis.updatedMs));
    const decline = declines.find(after(synthesis.updatedMs)) ?? null;
    if (!approve || (decline && decline.createdMs < approve.createdMs)) {
      return { approvedRounds: round - 1, since, proposed: { round, workers, declined: decline } };
    }
    since = approve;
  }
  return { approvedRounds: MAX_FOLLOW_UP_ROUNDS, since, proposed: null };
}

/** Whether something happened after `time` (anything does when there is no time yet). */
function after(time: number | undefined): (info: { createdMs: number }) => boolean {
  return (info) => time === undefined || info.createdMs > time;
}

/** The plan without the follow-up rounds not approved: what the build runs. */
export function effectivePlan(plan: Plan, approvedRounds: number): Plan {
  if (!plan.workers.some((w) => (w.follow_up ?? 0) > approvedRounds)) return plan;
  return { ...plan, workers: plan.workers.filter((w) => (w.follow_up ?? 0) <= approvedRounds) };
}

/** The snapshot's plan read with only the approved follow-up rounds in it. */
export function effectivePlanRead(read: PlanRead, approvedRounds: number): PlanRead {
  return read.kind === 'valid' ? { ...read, plan: effectivePlan(read.plan, approvedRounds) } : read;
}

/**
 * Publish's check of what a synthesis session did to `plan.json`: it may only
 * append one new round of follow-up workers after the newest, each with its
 * new brief, and leave every other field and every earlier worker exactly as
 * it was. A round proposed and not run yet takes no round after it.
 */
export function followUpAmendmentProblems({
  before,
  after,
  build,
  briefs,
  briefSizes,
  hasFindings,
}: {
  /** `plan.json` on the build branch, parsed as JSON. */
  before: unknown;
  /** `plan.json` at the session's head, parsed as JSON; undefined when the session did not change it. */
  after: unknown;
  build: string;
  /** The workers whose briefs the session's commits change. */
  briefs: string[];
  /** Byte sizes of the files under the build folder at the head (`workers/W1.1.md`). */
  briefSizes: Record<string, number>;
  /** Whether a worker's findings are on the build branch. */
  hasFindings: (worker: string) => boolean;
}): string[] {
  if (after === undefined) {
    return briefs.map(
      (id) =>
        `${briefPath(build, id)}: a synthesis adds briefs only for the follow-up workers it appends to plan.json`,
    );
  }
  const old = Plan.safeParse(before);
  if (!old.success || buildTypeOf(old.data) !== 'research')
    return ['plan.json: a synthesis amends only the valid plan of a research build'];
  // Earlier briefs were checked when they were planned; the new ones are checked here.
  const sizes = { ...briefSizes };
  for (const worker of old.data.workers) sizes[`workers/${worker.id}.md`] ??= 1;
  const checked = validatePlan({ raw: after, build, briefSizes: sizes });
  if (!checked.ok) return checked.problems.map((problem) => `plan.json: ${problem}`);
  const next = checked.plan;
  const problems: string[] = [];
  const { workers: oldWorkers, ...oldRest } = old.data;
  const { workers: newWorkers, ...newRest } = next;
  if (JSON.stringify(oldRest) !== JSON.stringify(newRest))
    problems.push(
      'plan.json: a synthesis changes nothing in the plan but appending follow-up workers',
    );
  for (const [i, worker] of oldWorkers.entries()) {
    if (JSON.stringify(newWorkers[i]) !== JSON.stringify(worker))
      problems.push(
        `plan.json: ${worker.id} is changed or moved; a synthesis leaves every planned worker as it is`,
      );
  }
  const added = newWorkers.slice(oldWorkers.length);
  const last = Math.max(0, ...oldWorkers.map((w) => w.follow_up ?? 0));
  const pending = last > 0 && !oldWorkers.some((w) => w.follow_up === last && hasFindings(w.id));
  if (added.length > 0 && pending)
    problems.push(
      `plan.json: follow-up round ${last} is proposed and has not run; a synthesis adds no round after it`,
    );
  for (const worker of added) {
    if (worker.follow_up !== last + 1)
      problems.push(
        `plan.json: ${worker.id} is appended without "follow_up": ${last + 1}; a synthesis appends only follow-up workers of the next round`,
      );
    if (!briefs.includes(worker.id))
      problems.push(
        `${briefPath(build, worker.id)}: the follow-up worker ${worker.id} needs its brief`,
      );
  }
  const addedIds = new Set(added.map((w) => w.id));
  for (const id of briefs)
    if (!addedIds.has(id))
      problems.push(
        `${briefPath(build, id)}: a synthesis writes briefs only for the follow-up workers it appends, never another worker's`,
      );
  return problems;
}
