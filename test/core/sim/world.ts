import type { Config } from '../../../src/core/config/config.js';
import type { Plan } from '../../../src/core/plan/plan.js';
import type {
  BuildSnapshot,
  CommandInfo,
  PullInfo,
  RunInfo,
} from '../../../src/core/snapshot/snapshot.js';
import type { StatusView } from '../../../src/core/status/status-view.js';
import { makeCompletion } from '../factories.js';

/** A small seeded random number generator (mulberry32), so every failure replays. */
export type Rng = () => number;

export function makeRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fake GitHub holding one build's truth, plus what the simulation needs to judge it. */
export interface World {
  snap: BuildSnapshot;
  config: Config;
  plan: Plan;
  clock: number;
  nextId: number;
  rng: Rng;
  /** After a while the world stops failing, so that every plan can finish. */
  calm: boolean;
  /** Runs that never finish on their own: only a `cancel-run` ends them. */
  stuck: Set<number>;
  /** CI runs re-run once, by PR number. */
  reruns: Map<number, number>;
  /** When a person last stepped in for a worker, and how many times. */
  interventions: Map<string, { at: number; count: number }>;
  lastView: StatusView | null;
  violations: string[];
}

const START = Date.parse('2026-03-01T00:00:00Z');

export function makeWorld({
  plan,
  config,
  seed,
}: {
  plan: Plan;
  config: Config;
  seed: number;
}): World {
  return {
    snap: {
      build: plan.build,
      issue: {
        number: plan.issue,
        title: plan.title,
        state: 'open',
        labels: ['orchestrate'],
        url: `https://github.com/acme/shop/issues/${plan.issue}`,
      },
      repo: { owner: 'acme', name: 'shop', defaultBranch: 'main', defaultSha: 'd0' },
      workflowInstalled: true,
      integration: null,
      plan: { kind: 'missing' },
      completions: {},
      branches: {},
      pulls: [],
      runs: [],
      commands: [],
      finalPull: null,
      statusComment: null,
    },
    config,
    plan,
    clock: START,
    nextId: 1,
    rng: makeRng(seed),
    calm: false,
    stuck: new Set(),
    reruns: new Map(),
    interventions: new Map(),
    lastView: null,
    violations: [],
  };
}

export function nowOf(world: World): string {
  return new Date(world.clock).toISOString();
}

export function newSha(world: World): string {
  return (world.nextId++).toString(16).padStart(40, 'a');
}

/** True with probability `p` while the world is still unruly; never once it is calm. */
export function chance(world: World, p: number): boolean {
  return !world.calm && world.rng() < p;
}

export function openPullOf(world: World, worker: string | null): PullInfo | undefined {
  return world.snap.pulls.find((pull) => pull.worker === worker && pull.state === 'open');
}

export function sameKey(
  run: RunInfo,
  key: { role: string; worker: string | null; trigger: string | null },
): boolean {
  return run.role === key.role && run.worker === key.worker && run.trigger === key.trigger;
}

export function postCommand(world: World, command: CommandInfo['command'], author = 'alice'): void {
  world.snap.commands.push({
    commentId: world.nextId++,
    author,
    createdAt: nowOf(world),
    source: { kind: 'issue' },
    command,
  });
}

export function completionFor(world: World, worker: string) {
  const usage = { ...makeCompletion().usage, cost_usd: Math.round(world.rng() * 100) / 100 };
  return makeCompletion({ worker_id: worker, summary: `Did ${worker}.`, usage });
}
