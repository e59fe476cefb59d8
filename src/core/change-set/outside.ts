import type { Plan } from '../plan/plan.js';
import { dependentChainLengths } from '../plan/schedule.js';
import { outsideDependencies } from '../plan/set-plan.js';
import type { OutsideWorkers } from '../snapshot/snapshot.js';
import type { WorkerRow } from '../status/status-view.js';
import type { MemberDecision } from './decide-member.js';
import type { SetMember } from './set-snapshot.js';

/**
 * What a member's workers depend on in the set's other repositories, as the
 * members decided before it (each lands after what it depends on): done once
 * merged there with its report on this member's build branch, or skipped. The
 * chains run across the whole set, so a repository starts first what the set
 * waits on.
 */
export function outsideOf({
  plan,
  home,
  member,
  decided,
}: {
  plan: Plan;
  home: string;
  member: SetMember;
  decided: MemberDecision[];
}): OutsideWorkers {
  const elsewhere = outsideDependencies(plan, member.repository, home);
  const done = [...elsewhere].flatMap(([worker, repository]) => {
    const row = rowOf(decided, repository, worker);
    const merged = row?.state === 'merged' && member.snapshot.completions[worker] !== undefined;
    return merged || row?.state === 'skipped' ? [worker] : [];
  });
  const chains = dependentChainLengths(plan.workers);
  const mine = plan.workers.filter((worker) => !elsewhere.has(worker.id)).map((w) => w.id);
  return {
    done,
    repositories: Object.fromEntries(elsewhere),
    chains: Object.fromEntries(mine.map((id) => [id, chains.get(id) ?? 1])),
  };
}

function rowOf(decided: MemberDecision[], repository: string, worker: string): WorkerRow | null {
  const view = decided.find((one) => one.repository === repository)?.view;
  const progress =
    view?.phase === 'running' || view?.phase === 'done' || view?.phase === 'cancelled'
      ? view.progress
      : null;
  return progress?.workers.find((row) => row.id === worker) ?? null;
}
