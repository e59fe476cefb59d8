import type { Config } from '../config/config.js';
import type { RuleAction } from '../context/action.js';
import type { DecideContext } from '../context/decide-context.js';
import { moneyWaitOf, moneyWaitText } from '../context/money-waits.js';
import { type JudgedRun, lookAgain } from '../context/runs.js';
import { isContractWorker } from '../plan/contract.js';
import { milestonesOf, type Plan, waveOf } from '../plan/plan.js';
import { type ValidationRecord, validationRef } from '../plan/validation.js';
import { isSessionTrigger, parseTrigger } from '../sessions/session.js';
import type { BuildSnapshot } from '../snapshot/snapshot.js';
import type { ValidationView } from '../status/status-view.js';
import { type BindingFacts, sealBreach } from '../verification/seal-binding.js';
import { milestoneSubject, parseMilestoneSubject } from '../vocabulary/ids.js';
import { isDone, type WorkerState } from '../workers/worker-state.js';

/** What the milestones' validations ask for, and how the status shows them. */
export interface ValidationDecision {
  actions: RuleAction[];
  /** Each milestone validated or being validated, oldest first; absent in a build without a contract. */
  views: ValidationView[] | null;
}

/**
 * Validators that did not write the code (docs/verification.md). Milestone k
 * is reached when every worker of waves ≤ k is merged or skipped; it is no
 * barrier, as each worker starts when its own dependencies merge. Once the
 * build branch holds a valid contract, the highest milestone reached is
 * validated: `baton validate <build> M<k> head-<sha>`, once per milestone and
 * build branch head, by a session on the build branch that runs the contract's
 * command. It takes no lock ref (`lockFor`): a run listed for the milestone
 * holds its next dispatch, and twin runs of two replicas settle on one record,
 * the second run ending when it finds it. A record settles the milestone: a
 * pass, or a failure whose fix workers publish appended to wave k+1, where the
 * next milestone's validation takes them in; a check that passed before the
 * work gets a contract fix in wave 0 instead, and the milestone is validated
 * again once it merged. A failure no fix worker could be
 * added for, or a session that ended without a record, waits for a new head;
 * one the budget stopped waits for money and runs again on a raise.
 * A pause or a reached budget holds it like any session; one runs at a time.
 */
export function decideValidation(
  ctx: DecideContext,
  plan: Plan,
  workers: WorkerState[],
): ValidationDecision {
  if (ctx.snapshot.contract?.kind !== 'valid') return { actions: [], views: null };
  const runs = ctx.snapshot.runs.filter(
    (run) => run.role === 'validate' && parseMilestoneSubject(run.worker) !== null,
  );
  const records = ctx.snapshot.validations ?? [];
  const milestones = milestonesOf(plan);
  const skips = ctx.commands.skips;
  const breach = (record: ValidationRecord) =>
    sealBreach(record, ctx.snapshot, ctx.config.merge.method);
  const views = milestones.flatMap((k) => {
    const view = milestoneView(k, records, runs, { skips, breach });
    return view ? [moneyView(ctx, view, runs)] : [];
  });
  const reached = reachedMilestone(milestones, workers);
  const head = ctx.snapshot.integration?.sha;
  if (reached === null || !head) return { actions: [], views };
  const view = views.find((candidate) => candidate.milestone === reached) ?? null;
  const settling = runs
    .filter((run) => parseMilestoneSubject(run.worker) === reached)
    .map((run) => run.settlesInMs);
  // A validation the budget stopped runs again, the same session, once there is money.
  // The same validation, of the same head: a new head is validated afresh.
  const stopped =
    view?.state === 'awaiting-budget' && view.head === head ? newestRun(runs, reached) : null;
  const wait = moneyWaitOf(ctx, stopped);
  if (stopped && wait) {
    if (!wait.lifted || !ctx.canDispatchWork || !stopped.worker || !stopped.trigger)
      return { actions: [], views };
    const again: RuleAction = {
      kind: 'dispatch',
      request: {
        role: 'validate',
        worker: stopped.worker,
        trigger: stopped.trigger,
        resume: stopped.id,
      },
    };
    return { actions: [again], views };
  }
  // A record no validation run wrote, in this validation's place, would end its session as a twin's:
  // it goes first, and a session it ended so is asked again (src/core/snapshot/validation-ties.ts).
  const place = validationRef(ctx.snapshot.build, reached, head).slice('refs/baton/'.length);
  const squatted = (ctx.snapshot.ignoredValidations ?? []).filter((one) => one.ref === place);
  const again =
    squatted.length > 0 &&
    view?.state === 'session-failed' &&
    view.head === head &&
    runs.filter((run) => run.worker === milestoneSubject(reached) && headOf(run) === head).length <
      SQUATTED_RUNS_MAX;
  // What the final pull request will say is proven, it says of the head it opens on.
  const holdsFinal =
    reached === milestones.at(-1) && workers.every(isDone) && !ctx.snapshot.finalPull;
  if (!again && !needsValidation(view, head, holdsFinal))
    return { actions: lookAgain(settling), views };
  // One validation at a time: a milestone reached while another runs waits for its record.
  if (runs.some((run) => run.outcome === 'active') || !ctx.canDispatchWork) {
    return { actions: [], views };
  }
  const dispatch: RuleAction = {
    kind: 'dispatch',
    request: { role: 'validate', worker: milestoneSubject(reached), trigger: `head-${head}` },
  };
  const drop: RuleAction[] =
    squatted.length > 0 ? [{ kind: 'drop-records', refs: squatted.map((one) => one.ref) }] : [];
  return { actions: [...drop, dispatch], views };
}

/**
 * How many validate runs of one milestone and head a forged record in their place may end
 * before the milestone waits for a new head as any session without a record does.
 */
const SQUATTED_RUNS_MAX = 3;

/** A milestone's newest validate run. */
function newestRun(runs: JudgedRun[], milestone: number): JudgedRun | null {
  return runs.filter((run) => parseMilestoneSubject(run.worker) === milestone).at(-1) ?? null;
}

/** A validation whose session the budget stopped waits for money, and says what it needs. */
function moneyView(ctx: DecideContext, view: ValidationView, runs: JudgedRun[]): ValidationView {
  if (view.state !== 'session-failed') return view;
  const wait = moneyWaitOf(ctx, newestRun(runs, view.milestone));
  return wait ? { ...view, state: 'awaiting-budget', note: moneyWaitText(ctx, wait) } : view;
}

/**
 * The small guard `decideFinal` asks: with a valid contract, the final pull
 * request waits until the last milestone's validation passed. Every worker is
 * done when it asks, so the last milestone is the one reached. A change set's
 * member waits, besides, for every member that owes one (`owesValidation`).
 */
export function validationHoldsFinal(ctx: DecideContext, plan: Plan): boolean {
  if ((ctx.snapshot.changeSet?.unvalidated ?? []).length > 0) return true;
  if (ctx.snapshot.contract?.kind !== 'valid') return false;
  return !lastMilestonePassed(ctx.snapshot, plan, ctx.commands.skips, ctx.config.merge.method, {
    head: ctx.snapshot.integration?.sha,
  });
}

/** Who skipped which worker (`/skip`), as the commands say. */
export type Skips = ReadonlyMap<string, { author: string }>;

/**
 * Whether a record settles its milestone: it passed, or a person accepted what it found,
 * every failure being a check not proven whose contract fix they `/skip`ped
 * (docs/verification.md, "Contract fixes"): the build goes on without that proof, and
 * the guide and the status say so. A record whose contract was not the one Baton's
 * publish sealed (`facts` given: src/core/verification/seal-binding.ts) settles nothing.
 */
export function settles(
  record: ValidationRecord,
  skips: Skips,
  facts?: { binding: BindingFacts; method?: Config['merge']['method'] },
): boolean {
  if (facts && sealBreach(record, facts.binding, facts.method) !== null) return false;
  return record.passed || acceptedUnproven(record, skips);
}

function acceptedUnproven(record: ValidationRecord, skips: Skips): boolean {
  return (
    record.failed.length > 0 &&
    record.failed.every(
      (failure) =>
        failure.worker !== null &&
        isContractFixId(failure.worker) &&
        skips.has(failure.worker) &&
        unproven(record, failure.check),
    )
  );
}

/**
 * Whether a change set's member build still owes its last milestone's passing
 * validation (docs/change-sets.md), which every final pull request of the set
 * waits for: its part of the plan has a contract's worker, and its contract is
 * not yet on its build branch or its last milestone has not passed. A contract
 * on its build branch that cannot be read holds nothing, as in a build.
 */
export function owesValidation(
  snapshot: Pick<BuildSnapshot, 'contract'> & BindingFacts,
  slice: Plan,
): boolean {
  if (!slice.workers.some((worker) => isContractWorker(worker.id))) return false;
  if (snapshot.contract?.kind === 'invalid') return false;
  return snapshot.contract?.kind !== 'valid' || !lastMilestonePassed(snapshot, slice);
}

function lastMilestonePassed(
  snapshot: BindingFacts,
  plan: Plan,
  skips: Skips = new Map(),
  method: Config['merge']['method'] = 'squash',
  { head }: { head?: string | undefined } = {},
): boolean {
  const last = milestonesOf(plan).at(-1);
  if (last === undefined) return true;
  // A pass counts at the head it ran on; a person's acceptance of checks not proven, at any.
  return (snapshot.validations ?? []).some(
    (record) =>
      record.milestone === last &&
      settles(record, skips, { binding: snapshot, method }) &&
      (head === undefined || record.head === head || !record.passed),
  );
}

/**
 * A milestone needs a validation at this head when none was asked for yet,
 * or when its last ended with nothing to go on (a session without a record,
 * a failure no fix worker could be added for) on another head, or with a
 * contract fix (which merged, or the milestone would not be reached). The
 * last milestone's pass, with every worker done and the final pull request
 * yet to open (`holdsFinal`), is of the head the final pull request opens on:
 * a push after the validation began (a writer's, the default branch merged in)
 * is validated too.
 */
function needsValidation(view: ValidationView | null, head: string, holdsFinal: boolean): boolean {
  if (view === null) return true;
  if (holdsFinal && view.state === 'passed' && view.head !== head) return true;
  const stuck =
    view.state === 'session-failed' ||
    view.state === 'awaiting-budget' ||
    view.state === 'breach' ||
    (view.state === 'failed' &&
      view.failed.some((failure) => failure.worker === null || isContractFixId(failure.worker)));
  return stuck && view.head !== head;
}

/**
 * A contract fix is in wave 0, so the milestone whose failure it answers is
 * reached again only once it merged: its new checks are validated there.
 */
function isContractFixId(worker: string): boolean {
  return waveOf(worker) === 0;
}

/** The plan's milestones: its waves after the contract's (wave 0), in order. */
/** The highest milestone whose waves are all merged or skipped, or null before the first. */
function reachedMilestone(milestones: number[], workers: WorkerState[]): number | null {
  let reached: number | null = null;
  for (const k of milestones) {
    const through = workers.filter((state) => waveOf(state.worker.id) <= k);
    if (!through.every(isDone)) break;
    reached = k;
  }
  return reached;
}

/** A milestone's newest validation: its newest run when no record answers it, else its newest record. */
function milestoneView(
  milestone: number,
  records: ValidationRecord[],
  runs: JudgedRun[],
  { skips, breach }: { skips: Skips; breach: (record: ValidationRecord) => string | null },
): ValidationView | null {
  const record =
    records
      .filter((candidate) => candidate.milestone === milestone)
      .sort((a, b) => a.run_id - b.run_id)
      .at(-1) ?? null;
  const run = runs
    .filter((candidate) => parseMilestoneSubject(candidate.worker) === milestone)
    .at(-1);
  const answered = run !== undefined && answeredRun(run, milestone, records, runs);
  if (run && !answered && (!record || run.id > record.run_id)) {
    const waiting = run.outcome === 'active' || run.settlesInMs !== null;
    return {
      milestone,
      state: waiting ? 'running' : 'session-failed',
      head: headOf(run),
      url: run.url,
      failed: [],
    };
  }
  if (!record) return null;
  const ran = runs.find((candidate) => candidate.id === record.run_id);
  const broken = breach(record);
  if (broken !== null) {
    return {
      milestone,
      state: 'breach',
      note: broken,
      head: record.head,
      url: ran?.url ?? null,
      failed: [],
    };
  }
  return {
    milestone,
    state: record.passed ? 'passed' : acceptedUnproven(record, skips) ? 'accepted' : 'failed',
    head: record.head,
    url: ran?.url ?? null,
    failed: record.failed.map((failure) => {
      if (!unproven(record, failure.check)) return failure;
      const skipped = failure.worker ? skips.get(failure.worker) : undefined;
      return {
        ...failure,
        unproven: true as const,
        ...(skipped ? { skippedBy: skipped.author } : {}),
      };
    }),
  };
}

/**
 * Whether a record's failure is a check that passed before the work: the
 * runner's reports judged a check of its criterion not proven and none failing
 * (publish gave it a contract fix, `placeContractFixes`, or a person is needed).
 */
function unproven(record: ValidationRecord, check: string): boolean {
  const own = (record.checks ?? []).filter((one) => one.criterion === check);
  return (
    own.some((one) => one.verdict === 'not-proven') && !own.some((one) => one.verdict === 'failing')
  );
}

/**
 * Whether a record answers a validate run: its own, or, for a twin run (two
 * replicas dispatched the same validation, `lockFor`) that ended finding the
 * record there, the record of its milestone at the head it was asked for, or
 * the record of its twin (a run of the same milestone and trigger).
 */
function answeredRun(
  run: JudgedRun,
  milestone: number,
  records: ValidationRecord[],
  runs: JudgedRun[],
): boolean {
  const twins = new Set(
    runs
      .filter((candidate) => candidate.worker === run.worker && candidate.trigger === run.trigger)
      .map((candidate) => candidate.id),
  );
  return records.some(
    (record) =>
      twins.has(record.run_id) ||
      (record.milestone === milestone && record.head !== '' && record.head === headOf(run)),
  );
}

/** The head a validate run was asked to validate, from its trigger (`head-<sha>`). */
function headOf(run: JudgedRun): string {
  if (!run.trigger || !isSessionTrigger(run.trigger)) return '';
  const { kind, id } = parseTrigger(run.trigger);
  return kind === 'head' ? id : '';
}
