import type { Action } from '../src/core/context/action.js';
import { decide } from '../src/core/decide/decide.js';
import { waveOf } from '../src/core/plan/plan.js';
import type { BuildSnapshot, PullInfo, RunInfo } from '../src/core/snapshot/snapshot.js';
import {
  makeCommand,
  makeConfig,
  makePlan,
  makeReview,
  makeSnapshot,
  planRun,
  sha,
} from '../test/core/factories.js';

/**
 * Makespan against the critical-path lower bound, on random plans: Baton's
 * own `decide()` (workers start as soon as their own dependencies merge)
 * beside a wave-barrier scheduler and a sequential one, on the same plans and
 * run times. Reviews and checks pass at once, so only scheduling differs.
 */
export interface SchedulingReport {
  plans: number;
  baton: Ratio;
  waveBarrier: Ratio;
  sequential: Ratio;
}

export interface Ratio {
  mean: number;
  worst: number;
}

interface RandomPlan {
  ids: string[];
  deps: Map<string, string[]>;
  minutes: Map<string, number>;
}

export function measureScheduling({ plans = 40, seed = 1 } = {}): SchedulingReport {
  const random = seeded(seed);
  const ratios = { baton: [] as number[], waveBarrier: [] as number[], sequential: [] as number[] };
  for (let i = 0; i < plans; i++) {
    const plan = randomPlan(random, { waves: 2 + (i % 4), width: 2 + (i % 4) });
    const bound = criticalPath(plan);
    // Room for every worker at once (the config allows 20): only the order of starts can cost time.
    ratios.baton.push(batonMakespan(plan, Math.min(20, plan.ids.length)) / bound);
    ratios.waveBarrier.push(waveBarrierMakespan(plan) / bound);
    ratios.sequential.push(sum([...plan.minutes.values()]) / bound);
  }
  return {
    plans,
    baton: summarize(ratios.baton),
    waveBarrier: summarize(ratios.waveBarrier),
    sequential: summarize(ratios.sequential),
  };
}

/** Runs the plan through `decide` in simulated minutes. */
function batonMakespan(plan: RandomPlan, maxParallel: number): number {
  const config = makeConfig({
    maxParallel,
    review: { enabled: false },
    merge: { requireChecks: false },
  });
  const workers = plan.ids.map((id) => ({
    id,
    title: id,
    complexity: 'normal' as const,
    depends_on: plan.deps.get(id) ?? [],
  }));
  const snapshot = makeSnapshot({
    plan: { kind: 'valid', plan: makePlan({ workers }), sha: sha('p') },
    runs: [planRun({ createdAt: at(-10), updatedAt: at(-9) })],
    commands: [makeCommand({ name: 'approve' }, { createdAt: at(-5) })],
  });
  const ends = new Map<number, number>(); // run id → minute its session ends
  let nextId = 1;
  for (let minute = 0; minute < 100_000; minute++) {
    finishSessions(snapshot, ends, minute);
    for (let guard = 0; guard < plan.ids.length * 3; guard++) {
      const actions = decide({ snapshot, config, now: at(minute) });
      const changed = applyAll(snapshot, actions, { minute, plan, ends, nextId: () => nextId++ });
      if (!changed) break;
    }
    if (plan.ids.every((id) => snapshot.pulls.some((p) => p.worker === id && p.state === 'merged')))
      return minute;
  }
  throw new Error('the simulated build did not finish');
}

function finishSessions(snapshot: BuildSnapshot, ends: Map<number, number>, minute: number): void {
  for (const run of snapshot.runs) {
    if (run.status === 'completed' || (ends.get(run.id) ?? Infinity) > minute) continue;
    Object.assign(run, { status: 'completed', conclusion: 'success', updatedAt: at(minute) });
    const pull: PullInfo = {
      number: 1000 + run.id,
      worker: run.worker ?? '',
      headSha: sha(`h${run.id}`),
      state: 'open',
      mergeState: 'clean',
      reviews: [makeReview({ id: run.id, commitSha: sha(`h${run.id}`), submittedAt: at(minute) })],
      checks: { state: 'success', failedRuns: [] },
      labels: [],
      url: '',
      createdAt: at(minute),
      reviewCheck: { sha: sha(`h${run.id}`), verdict: 'approve' },
    };
    snapshot.pulls.push(pull);
  }
}

function applyAll(
  snapshot: BuildSnapshot,
  actions: Action[],
  {
    minute,
    plan,
    ends,
    nextId,
  }: { minute: number; plan: RandomPlan; ends: Map<number, number>; nextId: () => number },
): boolean {
  let changed = false;
  for (const action of actions) {
    if (action.kind === 'dispatch' && action.request.role === 'work' && action.request.worker) {
      const run: RunInfo = {
        id: nextId(),
        role: 'work',
        worker: action.request.worker,
        trigger: null,
        status: 'in_progress',
        conclusion: null,
        createdAt: at(minute),
        updatedAt: at(minute),
        url: '',
      };
      snapshot.runs.push(run);
      ends.set(run.id, minute + (plan.minutes.get(action.request.worker) ?? 1));
      changed = true;
    }
    if (action.kind === 'merge-pull') {
      const pull = snapshot.pulls.find((p) => p.number === action.pull);
      if (pull) pull.state = 'merged';
      changed = true;
    }
  }
  return changed;
}

function waveBarrierMakespan(plan: RandomPlan): number {
  const waves = new Map<number, number>();
  for (const id of plan.ids)
    waves.set(waveOf(id), Math.max(waves.get(waveOf(id)) ?? 0, plan.minutes.get(id) ?? 0));
  return sum([...waves.values()]);
}

function criticalPath(plan: RandomPlan): number {
  const finish = new Map<string, number>();
  for (const id of plan.ids) {
    const start = Math.max(0, ...(plan.deps.get(id) ?? []).map((dep) => finish.get(dep) ?? 0));
    finish.set(id, start + (plan.minutes.get(id) ?? 0));
  }
  return Math.max(...finish.values());
}

function randomPlan(
  random: () => number,
  { waves, width }: { waves: number; width: number },
): RandomPlan {
  const ids: string[] = [];
  const deps = new Map<string, string[]>();
  const minutes = new Map<string, number>();
  for (let wave = 1; wave <= waves; wave++) {
    const count = 1 + Math.floor(random() * width);
    for (let seq = 1; seq <= count; seq++) {
      const id = `W${wave}.${seq}`;
      const earlier = ids.filter((other) => waveOf(other) === wave - 1);
      const own = earlier.filter(() => random() < 0.4);
      const first = earlier[Math.floor(random() * earlier.length)];
      deps.set(id, wave === 1 ? [] : own.length > 0 ? own : first ? [first] : []);
      // Session times vary a lot in practice: 5 to 60 minutes.
      minutes.set(id, 5 + Math.floor(random() * 56));
      ids.push(id);
    }
  }
  return { ids, deps, minutes };
}

function at(minute: number): string {
  return new Date(Date.UTC(2026, 2, 1, 12) + minute * 60_000).toISOString();
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function summarize(values: number[]): Ratio {
  return { mean: sum(values) / values.length, worst: Math.max(...values) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(measureScheduling(), null, 2));
}
