import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import type { CodeSource } from '../actions/run-step.js';
import { MAINTAINER, type Simulation, startSimulation } from '../e2e.js';
import { overloadSome, type Respond, slowly } from '../fake-anthropic.js';
import { startRedisServer } from '../redis-server.js';
import {
  diamondScenario,
  GREETING_ISSUE,
  setUpWidgets,
} from '../scenario/builds/greeting-scenario.js';
import { playBuild } from '../scenario/play-build.js';
import { readSessionRequest } from '../scenario/read-request.js';
import { createScriptedModel } from '../scenario/scripted-model.js';
import { type FaultSettings, Faults } from '../server/faults.js';
import { checkInvariants, type ModelCall } from './invariants.js';
import { type LeaseThief, startLeaseThief } from './lease-thief.js';

/** What one seeded chaos run did and found. */
export interface ChaosResult {
  seed: number;
  completed: boolean;
  /** The invariants that failed; empty when the build held up. */
  violations: string[];
  /** Faults served, by kind, and model 529s. */
  faults: Record<string, number>;
  seconds: number;
  /** What to read when something failed: the app's and the jobs' output. */
  diagnostics: string;
}

/**
 * The faults of a chaos run: on the app's and the sessions' GitHub traffic,
 * webhooks duplicated, shuffled, delivered to every replica, and one in fifty
 * of those the build's own work causes lost.
 */
export const CHAOS_FAULTS: Partial<FaultSettings> = {
  duplicateWebhooks: true,
  reorderWindow: 4,
  restFailureRate: 0.05,
  rateLimitRate: 0.01,
  resetRate: 0.02,
  restFaultScope: 'all',
  fanOut: true,
  dropWebhookRate: 0.02,
};

/** The fraction of model requests answered 529. */
const OVERLOAD_RATE = 0.05;
/**
 * The replicas' lease in a run whose leases are stolen (`startLeaseThief`): each
 * theft holds its build from every replica for one lease.
 */
const THEFT_LEASE_SECONDS = 10;

/**
 * Plays the diamond build (W1.1, W1.2 → W2.1, no scripted failures) through the
 * real app (two replicas) and session processes on the simulator, with faults
 * drawn from `seed`, then checks the issue's invariants against what the
 * simulated GitHub did.
 */
export async function runChaos({
  seed,
  timeoutMs = 300_000,
  appEnv = {},
  prepare,
  replicas = 2,
  faults = true,
  modelMs = 0,
  store = 'redis',
  leaseThefts = faults,
  code,
  reviewJobs,
}: {
  seed: number;
  timeoutMs?: number;
  appEnv?: Record<string, string>;
  /** App processes behind the webhook URL, sharing a Redis of the run's own; default 2. */
  replicas?: number;
  /** With faults (the default); without, the same build's fault-free time to compare with. */
  faults?: boolean;
  /** How long each model request takes to answer (a turn's length); default 0, at once. */
  modelMs?: number;
  /**
   * What several replicas share: a Redis of the run's own (the default), or nothing
   * (`memory`: each process alone, as replicas run without `REDIS_URL`).
   */
  store?: 'redis' | 'memory';
  /**
   * Whether builds' leases are taken from the replicas holding them mid-reconcile
   * (`startLeaseThief`); default: with faults, on replicas sharing a Redis.
   */
  leaseThefts?: boolean;
  /** Arms targeted faults once the simulation runs. */
  prepare?: (sim: Simulation) => void;
  /** How the sessions run (`startSimulation`'s `code`): the action's committed bundle unless asked. */
  code?: CodeSource;
  /** Whether the workflow has its review jobs (`startSimulation`'s); default true. */
  reviewJobs?: boolean;
}): Promise<ChaosResult> {
  const started = Date.now();
  const modelFaults = new Faults({ seed: seed * 7919 + 1 });
  // Each answered model request, with where GitHub's log stood when it came (the model and GitHub run here).
  const modelCalls: ModelCall[] = [];
  let log: readonly unknown[] = [];
  const scripted = () =>
    slowly(
      recordCalls(createScriptedModel(diamondScenario({})), modelCalls, () => log.length),
      modelMs,
    );
  const model = overloadSome(scripted(), {
    rate: OVERLOAD_RATE,
    random: () => modelFaults.random(),
  });
  // The replicas share GitHub's limits, their leases and looks through one Redis (REDIS_URL).
  const redis = replicas > 1 && store === 'redis' ? await startRedisServer() : null;
  const leaseSeconds = Number(appEnv.BATON_LEASE_SECONDS ?? THEFT_LEASE_SECONDS);
  const theftDraws = new Faults({ seed: seed * 104_729 + 3 });
  const thief: LeaseThief | null =
    redis && leaseThefts
      ? await startLeaseThief({
          url: redis.url,
          leaseMs: leaseSeconds * 1000,
          random: () => theftDraws.random(),
        })
      : null;
  const sim = await startSimulation({
    respond: faults ? model : scripted(),
    setup: setUpWidgets,
    parallel: 2,
    replicas,
    ...(faults ? { faults: CHAOS_FAULTS } : {}),
    seed,
    appEnv: {
      ...appEnv,
      ...(redis ? { REDIS_URL: redis.url } : {}),
      ...(thief ? { BATON_LEASE_SECONDS: String(leaseSeconds) } : {}),
    },
    ...(code ? { code } : {}),
    ...(reviewJobs === false ? { reviewJobs: false } : {}),
  });
  log = sim.gh.log;
  prepare?.(sim);
  let completed = false;
  let diagnostics = '';
  try {
    try {
      await playBuild({
        sim,
        issue: GREETING_ISSUE,
        retries: 0,
        timeoutMs: timeoutMs + 60 * modelMs,
      });
      completed = true;
    } catch (error) {
      diagnostics = error instanceof Error ? error.message : String(error);
      await sim.runner.idle().catch(() => undefined);
    }
    const { gh } = sim;
    const issue =
      [...gh.issues.values()].find((one) => one.title === GREETING_ISSUE.title)?.number ?? 0;
    const build = findBuild(gh.git.refs.keys()) ?? '';
    const personComments = gh.comments
      .filter((c) => c.user.login === MAINTAINER)
      .map((c) => c.body);
    const violations = checkInvariants({
      gh,
      issue,
      build,
      completed,
      personComments,
      modelCalls,
    });
    if (violations.length > 0 && !diagnostics) diagnostics = sim.diagnostics();
    const faults: Record<string, number> = { 'model-529': model.overloads() };
    for (const { fault } of sim.server.requests) {
      if (fault) faults[fault] = (faults[fault] ?? 0) + 1;
    }
    faults['lost-webhook'] = sim.server.deliveries.filter((d) => d.status === 'dropped').length;
    if (thief) faults['lease-stolen'] = thief.stolen();
    return {
      seed,
      completed,
      violations,
      faults,
      seconds: Math.round((Date.now() - started) / 1000),
      diagnostics,
    };
  } finally {
    await sim.stop();
    await thief?.stop();
    await redis?.stop();
  }
}

/** `respond`, noting each request it answers as a `ModelCall` at `at()`. */
function recordCalls(respond: Respond, calls: ModelCall[], at: () => number): Respond {
  return (request, index) => {
    const session = readSessionRequest(request.body);
    if (typeof session !== 'string') {
      calls.push({ role: session.role, pr: session.pr, turn: session.turn, at: at() });
    }
    return respond(request, index);
  };
}

function findBuild(refs: Iterable<string>): string | null {
  for (const ref of refs) {
    const match = /^refs\/heads\/baton\/(.+)\/integration$/.exec(ref);
    if (match?.[1] && integrationBranch(match[1]) === ref.slice('refs/heads/'.length)) {
      return match[1];
    }
  }
  return null;
}
