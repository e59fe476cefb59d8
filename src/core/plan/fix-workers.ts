/**
 * Where a failed milestone's fix workers go in a plan (docs/verification.md):
 * one per failing check, in wave k+1 with the next free sequence numbers,
 * depending on every worker of wave k, titled "Fix: <check> fails". Written by
 * code, never a model: a build's validation publish (src/session/publish) and,
 * for a change set's member, the app (src/core/change-set/member-fixes.ts)
 * both place them here, so both number and name them alike. A check that
 * passed before the work gets a contract fix instead, in wave 0 after every
 * contract's worker (`placeContractFixes`), placed by the same publish.
 */
import { parseWorkerId } from '../vocabulary/ids.js';
import { contractFixTitle, criteriaOf } from './contract.js';
import { MAX_WORKERS, type Plan, type PlanWorker, waveOf } from './plan.js';
import { repositoryOf } from './set-plan.js';
import { validatePlan } from './validate-plan.js';
import type { FailedCheck } from './validation.js';

/** A failing check and the fix worker it was given; null where none could be added. */
export interface FixedCheck {
  check: FailedCheck;
  worker: string | null;
}

/** `Fix: W1.2:1 fails`: the title of the fix worker of one check. */
export function fixTitle(check: FailedCheck): string {
  return check === 'command' ? "Fix: the contract's command fails" : `Fix: ${check} fails`;
}

/** A change set's repository the fix workers are for (its workers alone count), and the issue's. */
export interface FixPlace {
  repository: string;
  home: string;
}

/** The fix workers placed: those new to the plan, and every check with its worker. */
export interface PlacedFixes {
  added: PlanWorker[];
  fixed: FixedCheck[];
}

/**
 * The fix workers of milestone `milestone`'s failing `checks`. A check whose
 * fix worker is in wave k+1 already (its title, in the same repository) keeps
 * it; one past the plan's room (wave 99, sequence 99, `MAX_WORKERS`) gets
 * none. In a change set (`place`), wave k means that repository's workers of
 * it, and a new worker names the repository as they do; sequence numbers are
 * the whole plan's, as ids are.
 */
export function placeFixWorkers({
  plan,
  milestone,
  checks,
  place,
}: {
  plan: Pick<Plan, 'workers'>;
  milestone: number;
  checks: readonly FailedCheck[];
  place?: FixPlace;
}): PlacedFixes {
  const here = (worker: PlanWorker) =>
    !place || repositoryOf(worker, place.home) === place.repository.toLowerCase();
  const wave = milestone + 1;
  const inWave = plan.workers.filter((worker) => waveOf(worker.id) === wave);
  const before = plan.workers.filter((worker) => waveOf(worker.id) === milestone && here(worker));
  let seq = Math.max(0, ...inWave.map((worker) => Number(worker.id.split('.')[1])));
  const added: PlanWorker[] = [];
  const fixed: FixedCheck[] = [];
  for (const check of checks) {
    const title = fixTitle(check);
    const existing =
      inWave.find((worker) => worker.title === title && here(worker)) ??
      added.find((worker) => worker.title === title);
    if (existing) {
      fixed.push({ check, worker: existing.id });
      continue;
    }
    if (wave > 99 || seq >= 99 || plan.workers.length + added.length >= MAX_WORKERS) {
      fixed.push({ check, worker: null });
      continue;
    }
    seq += 1;
    const repository = before.find((worker) => worker.repository)?.repository;
    added.push({
      id: `W${wave}.${seq}`,
      title,
      depends_on: before.map((worker) => worker.id),
      complexity: 'normal',
      ...(place && repository ? { repository } : {}),
    });
    fixed.push({ check, worker: `W${wave}.${seq}` });
  }
  return { added, fixed };
}

/**
 * The contract fixes of a milestone's criteria whose checks passed on the
 * contract's commit (not proven), guards left out.
 * Each is numbered in wave 0 after every worker there, so with k contracts
 * (one per repository of a change set) the first fix is `W0.(k+1)`, and
 * depends on nothing, as a contract's worker does; it has the contract. A
 * criterion has at most one a build: one that is in the plan and not yet
 * `merged` keeps it (publish run again), one that merged gets none, as a
 * second not-proven after a fix waits for a person, never another session.
 */
export function placeContractFixes({
  plan,
  criteria,
  merged,
}: {
  plan: Pick<Plan, 'workers' | 'criteria'>;
  criteria: readonly string[];
  /** The workers whose reports are on the build branch: merged (or skipped). */
  merged: ReadonlySet<string>;
}): PlacedFixes {
  // A guard passes before the work by design (it held already): it never gets a contract fix.
  const guards = new Set(criteriaOf(plan).flatMap((one) => (one.guard ? [one.id] : [])));
  const contracts = plan.workers.filter((worker) => waveOf(worker.id) === 0);
  let seq = Math.max(0, ...contracts.map((worker) => parseWorkerId(worker.id)?.seq ?? 0));
  const added: PlanWorker[] = [];
  const fixed: FixedCheck[] = [];
  for (const criterion of criteria.filter((one) => !guards.has(one))) {
    const title = contractFixTitle(criterion);
    const existing = [...contracts, ...added].find((worker) => worker.title === title);
    if (existing) {
      fixed.push({ check: criterion, worker: merged.has(existing.id) ? null : existing.id });
      continue;
    }
    if (seq >= 99 || plan.workers.length + added.length >= MAX_WORKERS) {
      fixed.push({ check: criterion, worker: null });
      continue;
    }
    seq += 1;
    added.push({ id: `W0.${seq}`, title, depends_on: [], complexity: 'normal', contract: true });
    fixed.push({ check: criterion, worker: `W0.${seq}` });
  }
  return { added, fixed };
}

/**
 * The fix worker a plan holds for one failing check of a milestone, or null:
 * how a record that could name none (a change set member's, whose plan the app
 * amends after it) is read against the plan that has it since.
 */
export function fixWorkerOf(
  plan: Pick<Plan, 'workers'>,
  milestone: number,
  check: FailedCheck,
): string | null {
  const title = fixTitle(check);
  return (
    plan.workers.find((worker) => waveOf(worker.id) === milestone + 1 && worker.title === title)
      ?.id ?? null
  );
}

/**
 * The plan with its fix workers appended, checked whole by `validatePlan` again
 * (earlier briefs are on the branch already and were checked when written);
 * its problems where it fails, and nothing is added.
 */
export function withFixWorkers({
  plan,
  added,
  briefs,
  build,
}: {
  plan: Plan;
  added: PlanWorker[];
  briefs: ReadonlyMap<string, string>;
  build: string;
}): { ok: true; plan: Plan } | { ok: false; problems: string[] } {
  const briefSizes: Record<string, number> = {};
  for (const worker of plan.workers) briefSizes[`workers/${worker.id}.md`] = 1;
  for (const [id, text] of briefs) briefSizes[`workers/${id}.md`] = Buffer.byteLength(text);
  const checked = validatePlan({
    raw: { ...plan, workers: [...plan.workers, ...added] },
    build,
    briefSizes,
  });
  return checked.ok ? { ok: true, plan: checked.plan } : { ok: false, problems: checked.problems };
}
