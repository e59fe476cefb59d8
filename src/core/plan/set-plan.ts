/**
 * A change set's plan (docs/change-sets.md): which repository each worker
 * changes, the repositories' own graph and the order their final pull
 * requests land in, and each repository's slice of the workers.
 */

import { parseMemberBuildId } from '../vocabulary/ids.js';
import { type Plan, type PlanWorker, waveOf } from './plan.js';
import { findCycles } from './plan-graph.js';

/** A plan as far as where its workers are and what they wait on. */
type PlacedPlan = {
  workers: readonly Pick<PlanWorker, 'id' | 'depends_on' | 'repository'>[];
};

/** The repository a worker changes: the one it names, else the (`home`). */
export function repositoryOf(worker: Pick<PlanWorker, 'repository'>, home: string): string {
  return worker.repository ?? home.toLowerCase();
}

/** Whether a plan is a change set: a worker changes another repository than the issue's. */
export function isChangeSetPlan(plan: PlacedPlan, home: string): boolean {
  return plan.workers.some((worker) => repositoryOf(worker, home) !== home.toLowerCase());
}

/** The repositories a plan touches, in the order their first worker appears. */
export function planRepositories(plan: PlacedPlan, home: string): string[] {
  return [...new Set(plan.workers.map((worker) => repositoryOf(worker, home)))];
}

/**
 * Each repository with the repositories it lands after: those whose workers
 * one of its workers depends on.
 */
export function repositoryGraph(plan: PlacedPlan, home: string): Map<string, string[]> {
  const where = new Map(plan.workers.map((worker) => [worker.id, repositoryOf(worker, home)]));
  const graph = new Map(planRepositories(plan, home).map((repo) => [repo, [] as string[]]));
  for (const worker of plan.workers) {
    const repo = repositoryOf(worker, home);
    const after = graph.get(repo) ?? [];
    for (const dep of worker.depends_on) {
      const other = where.get(dep);
      if (other && other !== repo && !after.includes(other)) after.push(other);
    }
    graph.set(repo, after);
  }
  return graph;
}

export type RepositoryOrder =
  | { ok: true; order: string[]; after: Map<string, string[]> }
  | { ok: false; cycle: string[] };

/**
 * The order the repositories' final pull requests land in: each after every
 * repository it depends on, the plan's order otherwise; or a cycle, which no
 * order can land.
 */
export function repositoryOrder(plan: PlacedPlan, home: string): RepositoryOrder {
  const after = repositoryGraph(plan, home);
  const [cycle] = findCycles([...after].map(([id, dependsOn]) => ({ id, dependsOn })));
  if (cycle) return { ok: false, cycle };
  const order: string[] = [];
  const placed = new Set<string>();
  while (order.length < after.size) {
    const next = [...after].find(
      ([repo, deps]) => !placed.has(repo) && deps.every((dep) => placed.has(dep)),
    );
    if (!next) break;
    order.push(next[0]);
    placed.add(next[0]);
  }
  return { ok: true, order, after };
}

/** Every repository that lands after `repository`, directly or through others. */
export function landsAfter(after: Map<string, string[]>, repository: string): string[] {
  const found = new Set<string>();
  const visit = (repo: string) => {
    for (const [other, deps] of after)
      if (deps.includes(repo) && !found.has(other)) {
        found.add(other);
        visit(other);
      }
  };
  visit(repository);
  return [...found];
}

/** The plan as one repository runs it: its workers alone, their dependencies kept. */
export function sliceOf(plan: Plan, repository: string, home: string): Plan {
  return { ...plan, workers: plan.workers.filter((w) => repositoryOf(w, home) === repository) };
}

/** What a repository's workers depend on in other repositories: worker id → its repository. */
export function outsideDependencies(
  plan: PlacedPlan,
  repository: string,
  home: string,
): Map<string, string> {
  const where = new Map(plan.workers.map((worker) => [worker.id, repositoryOf(worker, home)]));
  const outside = new Map<string, string>();
  for (const worker of plan.workers) {
    if (repositoryOf(worker, home) !== repository) continue;
    for (const dep of worker.depends_on) {
      const other = where.get(dep);
      if (other && other !== repository) outside.set(dep, other);
    }
  }
  return outside;
}

/**
 * The last wave of what the build `build` runs in `repository`: a change set
 * member's (its id names its set's issue's repository) is its own part's last
 * wave, whose milestone is its last validation; any other build's, its plan's.
 */
export function lastWaveOf(
  plan: Plan,
  { build, repository }: { build: string; repository: string },
): number {
  const member = parseMemberBuildId(build);
  const own = member ? sliceOf(plan, repository.toLowerCase(), member.home) : plan;
  return Math.max(...own.workers.map((worker) => waveOf(worker.id)));
}
