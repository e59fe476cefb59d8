/**
 * The same build in both modes on the simulator (docs/serverless.md): the
 * diamond W1.1, W1.2 → W2.1 of the end-to-end test (a review that asks for a
 * change and its fix, a conflict and its fix, one failed attempt and its
 * retry), once with the app hosted and once with nothing hosted, one after
 * the other, each on a fresh simulator with GitHub's pace (writes a second
 * apart). For each mode:
 *
 * - requests and REST writes per worker made by the conductor (the hosted
 *   app, or the conductor workflow's jobs, its token minting included), and
 *   by the sessions; and every request GitHub answered, counted the same way
 *   in both modes by what it was for (`counted`: the reconciles, the app's
 *   logins and token mints wherever made, the sessions' own work);
 * - the delay from an event to its reconcile's first write: with nothing
 *   hosted, for each `conduct` job that wrote, from its run's creation (the
 *   event) to its first write; hosted, for each webhook delivery followed by
 *   a write of the app before the next delivery, from the delivery to it;
 * - Actions minutes per worker as GitHub bills them (each job rounded up to
 *   the started minute): the conductor's jobs, and the sessions' for scale;
 * - the conductor's runs: those that ran a job, and those GitHub started but
 *   whose route condition skipped every job (free).
 *
 * `npx tsx bench/serverless.ts` prints the table; `--json` the report.
 */
import { type Simulation, type SimulationMode, startSimulation } from '../sim/e2e.js';
import {
  diamondScenario,
  GREETING_ISSUE,
  setUpWidgets,
} from '../sim/scenario/builds/greeting-scenario.js';
import { playBuild } from '../sim/scenario/play-build.js';
import { createScriptedModel } from '../sim/scenario/scripted-model.js';

const WORKERS = 3;

export interface ModeReport {
  mode: SimulationMode;
  seconds: number;
  /**
   * Every request GitHub answered from the label to the final PR, per worker, counted the
   * same way in both modes, by what it was for, whoever made it: the reconciles (the app, or
   * the conductor's jobs), the app's logins and token mints (its JWT: the installation's
   * lookup and each token minted, by the app for itself and for publish, by a conduct job, or
   * by publish with nothing hosted), and the sessions' own work.
   */
  counted: { all: number; reconciles: number; auth: number; sessions: number };
  /** The reconciles' requests per worker by route, most first. */
  reconcileRoutes: Record<string, number>;
  /** The conductor's side (the hosted app, or the conductor's jobs) per worker. */
  requestsPerWorker: number;
  writesPerWorker: number;
  /** The sessions' requests per worker (agent and publish, the same in both modes but for minting). */
  sessionRequestsPerWorker: number;
  delay: { count: number; medianMs: number; p90Ms: number; maxMs: number };
  conductorMinutesPerWorker: number;
  sessionMinutesPerWorker: number;
  conductorRuns: { ran: number; skipped: number };
}

export interface ServerlessReport {
  workers: number;
  modes: ModeReport[];
}

export async function measureServerless(): Promise<ServerlessReport> {
  const modes: ModeReport[] = [];
  for (const mode of ['hosted', 'serverless'] as const) modes.push(await measureMode(mode));
  return { workers: WORKERS, modes };
}

async function measureMode(mode: SimulationMode): Promise<ModeReport> {
  const scenario = diamondScenario({
    reviewChanges: true,
    sharedIndex: true,
    failures: { 'W2.1': ['failed'] },
  });
  const model = createScriptedModel(scenario);
  const sim = await startSimulation({ respond: model, setup: setUpWidgets, mode, parallel: 2 });
  try {
    const started = Date.now();
    await playBuild({ sim, issue: GREETING_ISSUE, retries: 1, timeoutMs: 300_000 });
    if (model.problems.length > 0) throw new Error(model.problems.join('\n'));
    return report(sim, mode, (Date.now() - started) / 1000);
  } finally {
    await sim.stop();
  }
}

const isSession = (userAgent: string) => /^baton-(session|doctor)/.test(userAgent);
const isWrite = (method: string, path: string) => method !== 'GET' && path !== '/graphql';
/** A request made with the app's JWT: the installation's lookup, a token minted. */
const isAuth = (path: string) => /^\/app(\/|$)|^\/repos\/[^/]+\/[^/]+\/installation$/.test(path);
/** A path as its route: numbers and hexadecimal ids stand for their parameter. */
const routeOf = (method: string, path: string) =>
  `${method} ${path.replace(/\/\d+(?=\/|$)/g, '/{n}').replace(/\/[0-9a-f]{40}(?=\/|$)/g, '/{sha}')}`;

function report(sim: Simulation, mode: SimulationMode, seconds: number): ModeReport {
  const requests = sim.server.requests;
  const conductor = requests.filter((r) => !isSession(r.userAgent));
  const writes = conductor.filter((r) => isWrite(r.method, r.path));
  const jobs = sim.runner.jobs;
  const billed = (names: string[]) =>
    jobs
      .filter((job) => names.includes(job.job))
      .reduce(
        (sum, job) =>
          sum + Math.max(1, Math.ceil(((job.endedAt ?? 0) - (job.startedAt ?? 0)) / 60_000)),
        0,
      );
  const conductorRuns = sim.gh.runs.filter((run) => run.workflow === 'baton-conductor.yml');
  const reconciles = conductor.filter((r) => !isAuth(r.path));
  const routes = new Map<string, number>();
  for (const r of reconciles) {
    const route = routeOf(r.method, r.path.split('?')[0] ?? r.path);
    routes.set(route, (routes.get(route) ?? 0) + 1 / WORKERS);
  }
  return {
    mode,
    seconds,
    counted: {
      all: requests.length / WORKERS,
      reconciles: reconciles.length / WORKERS,
      auth: requests.filter((r) => isAuth(r.path)).length / WORKERS,
      sessions: requests.filter((r) => isSession(r.userAgent) && !isAuth(r.path)).length / WORKERS,
    },
    reconcileRoutes: Object.fromEntries([...routes].sort((a, b) => b[1] - a[1])),
    requestsPerWorker: conductor.length / WORKERS,
    writesPerWorker: writes.length / WORKERS,
    sessionRequestsPerWorker: (requests.length - conductor.length) / WORKERS,
    delay: summarize(
      mode === 'serverless' ? conductDelays(sim, writes) : webhookDelays(sim, writes),
    ),
    conductorMinutesPerWorker: billed(['route', 'conduct']) / WORKERS,
    sessionMinutesPerWorker: billed(['agent', 'publish']) / WORKERS,
    conductorRuns: {
      ran: conductorRuns.filter((run) => run.conclusion !== 'skipped').length,
      skipped: conductorRuns.filter((run) => run.conclusion === 'skipped').length,
    },
  };
}

/** Each conduct job that wrote: from its run's creation (the event) to its first write. */
function conductDelays(sim: Simulation, writes: { at: number }[]): number[] {
  return sim.runner.jobs
    .filter((job) => job.job === 'conduct')
    .flatMap((job) => {
      const run = sim.gh.runs.find((one) => one.id === job.runId);
      const first = writes.find(
        (write) => write.at >= (job.startedAt ?? 0) && write.at <= (job.endedAt ?? 0),
      );
      return run && first ? [first.at - Date.parse(run.createdAt)] : [];
    });
}

/** Each webhook delivery followed by a write of the app before the next delivery: the wait for it. */
function webhookDelays(sim: Simulation, writes: { at: number }[]): number[] {
  const sent = [...new Set(sim.server.deliveries.map((d) => d.sentAt))].sort((a, b) => a - b);
  return sent.flatMap((at, i) => {
    const next = sent[i + 1] ?? Number.POSITIVE_INFINITY;
    const first = writes.find((write) => write.at >= at && write.at < next);
    return first ? [first.at - at] : [];
  });
}

function summarize(delays: number[]): ModeReport['delay'] {
  const sorted = [...delays].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { count: sorted.length, medianMs: at(0.5), p90Ms: at(0.9), maxMs: sorted.at(-1) ?? 0 };
}

if (process.argv[1]?.endsWith('serverless.ts')) {
  const measured = await measureServerless();
  if (process.argv.includes('--json')) console.log(JSON.stringify(measured));
  else console.log(JSON.stringify(measured, null, 2));
}
