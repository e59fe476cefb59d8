/**
 * Messages to running sessions and the wind-down, on the simulator with Baton's
 * own loop (docs/sessions.md, "Messages" and "Wind-down"):
 *
 * - steer latency: from a writer's `/steer` comment to the model request of the
 *   running session that first carries it, for `STEERS` steers one after the
 *   other into a paced session (a second a turn), each written a few seconds
 *   later than the one before in the session's 15 s between looks for
 *   messages (as in Actions): median and max;
 * - the requests that session added per minute: in its first minute, with no
 *   message (listings of its message refs, all but the first answered 304,
 *   which its token's limit does not count), and while it was steered
 *   (the listings, and the reads of each message's comment and reactions);
 * - the spend a wind-down keeps: in the talked-to build of test/e2e/build-talk
 *   (W1.1 winds down before the build's budget, hands in a draft, `/continue`
 *   finishes it), the dollars of W1.1's coding sessions whose work was
 *   published (a pull request's head) ÷ the dollars they spent.
 *
 * `npx tsx bench/steer.ts` prints the report; `--json` one line of it.
 */
import type { Simulation } from '../sim/e2e.js';
import { startSimulation, WHOLE_BUILD_LIMIT_MS } from '../sim/e2e.js';
import { setUpWidgets } from '../sim/scenario/builds/greeting-scenario.js';
import { talkScenario } from '../sim/scenario/builds/talk-scenario.js';
import { speakEngines } from '../sim/scenario/dialects/speak-engines.js';
import { playBuild, usageRecordsOf } from '../sim/scenario/play-build.js';
import { playTalk } from '../sim/scenario/play-talk.js';
import { createScriptedModel } from '../sim/scenario/scripted-model.js';
import { MESSAGE_POLL_MS } from '../src/session/agent/inbox/session-inbox.js';

const STEERS = 5;
/** How long the paced session runs before its first message: its quiet minute. */
const QUIET_MS = 60_000;

export interface SteerReport {
  steers: number;
  pollSeconds: number;
  latencyMs: { samples: number[]; median: number; max: number };
  /** The paced work session's reads for its messages, in its quiet minute and while steered. */
  requests: { quiet: Reads; steered: Reads };
  windDown: {
    spentUsd: number;
    publishedUsd: number;
    partialUsd: number;
    kept: number;
    /** The build's budget, and what its sessions spent before it was raised (the plan, W1.1's wound-down work). */
    budgetUsd: number;
    beforeRaiseUsd: number;
  };
}

/** A stretch of the session: its minutes, its listings (of which 304) and its message reads. */
interface Reads {
  minutes: number;
  listings: number;
  unchanged: number;
  reads: number;
  perMinute: number;
}

export async function measureSteer(): Promise<SteerReport> {
  const started: Simulation[] = [];
  try {
    const paced = await measurePaced(started);
    const windDown = await measureWindDown(started);
    return { steers: STEERS, pollSeconds: MESSAGE_POLL_MS / 1000, ...paced, windDown };
  } finally {
    await Promise.all(started.map((sim) => sim.stop()));
  }
}

/** Steers one after the other into a paced work session; its latency and its reads. */
async function measurePaced(started: Simulation[]) {
  const model = createScriptedModel(
    talkScenario({
      steered: 'STEERED.md',
      queued: 'QUEUED.md',
      held: async () => {},
      paced: { steers: STEERS },
    }),
  );
  const engines = speakEngines(model);
  const asked = new Map<number, number>();
  const sim = await startSimulation({
    respond: (request, index) => {
      asked.set(index, Date.now());
      return engines.anthropic(request, index);
    },
    // The paced session runs some minutes: past the simulated runner's two-minute default.
    jobTimeoutMs: 600_000,
    setup: (gh) => {
      setUpWidgets(gh);
      gh.git.commitOn(
        gh.defaultBranch,
        // A second a turn for minutes: more turns than the default 80.
        { '.github/baton.yml': 'session:\n  maxTurns: 1000\nbudget:\n  maxUsd: 100\n' },
        'Baton',
      );
    },
  });
  started.push(sim);
  const build = playBuild({
    sim,
    issue: { title: 'Add a greeting', body: 'The `widgets greet` text.' },
    timeoutMs: WHOLE_BUILD_LIMIT_MS,
  });
  const work = () =>
    sim.gh.runs.find((run) => run.inputs.role === 'work' && run.status === 'in_progress');
  await sim.waitFor(
    'W1.1’s work session',
    () => work() && sim.model.requests.some(isWork),
    WHOLE_BUILD_LIMIT_MS,
  );
  const issue = [...sim.gh.issues.values()].find((one) => !one.pull)?.number ?? 0;
  const runId = work()?.id;
  const quietFrom = Date.now();
  await pause(QUIET_MS);
  const quiet = readsOf(sim, { runId, from: quietFrom, to: Date.now() });
  const steeredFrom = Date.now();
  const samples: number[] = [];
  for (let n = 1; n <= STEERS; n++) {
    // Each a few seconds further into the session's wait between two looks.
    await pause((n * 3_000) % MESSAGE_POLL_MS);
    const at = Date.now();
    const comment = sim.comment({
      issue,
      body: `/steer W1.1 Also write ${n}-STEERED.md saying: message ${n}`,
    });
    const carried = await sim.waitFor(`steer ${n} in a model request`, () =>
      sim.model.requests.find((request) =>
        JSON.stringify(request.body).includes(`(comment ${comment.id}, a /steer)`),
      ),
    );
    samples.push((asked.get(carried.index) ?? Date.now()) - at);
  }
  const steered = readsOf(sim, { runId, from: steeredFrom, to: Date.now() });
  await build;
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    latencyMs: {
      samples,
      median: sorted[Math.floor(sorted.length / 2)] ?? 0,
      max: sorted.at(-1) ?? 0,
    },
    requests: { quiet, steered },
  };
}

/** The requests of a run's agent job for its messages between two times (the simulator's clock is the wall's). */
function readsOf(
  sim: Simulation,
  { runId, from, to }: { runId: number | undefined; from: number; to: number },
): Reads {
  const own = sim.gh.log.filter((entry) => {
    const at = Date.parse(entry.at ?? '');
    return entry.agentRun === runId && at >= from && at <= to;
  });
  const listings = own.filter((entry) => entry.path.includes('/git/matching-refs/baton/'));
  const reads = own.filter((entry) => /\/issues\/comments\/\d+/.test(entry.path)).length;
  const minutes = (to - from) / 60_000;
  return {
    minutes,
    listings: listings.length,
    unchanged: listings.filter((entry) => entry.status === 304).length,
    reads,
    perMinute: (listings.length + reads) / minutes,
  };
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function isWork(request: { body: unknown }): boolean {
  const body = JSON.stringify(request.body);
  return body.includes('You are worker W1.1 of build') && !body.includes('revises pull request');
}

/** The talked-to build on Baton's loop: what W1.1's coding sessions spent, and what of it was published. */
async function measureWindDown(started: Simulation[]): Promise<SteerReport['windDown']> {
  const budgetUsd = 0.35;
  const played = await playTalk({
    engine: 'baton',
    budgetUsd,
    steer: '/steer W1.1 Also write STEERED.md saying: heard while it worked',
    queue: '/queue W1.1 Also write QUEUED.md saying: kept for the next session',
    pollSeconds: 1,
    started,
  });
  const all = usageRecordsOf(played.sim.gh, played.build.build);
  const records = all.filter(
    (record) => record.worker === 'W1.1' && (record.role === 'work' || record.role === 'fix'),
  );
  const beforeRaiseUsd = all
    .filter((record) => !(record.worker === 'W1.1' && ['fix', 'review'].includes(record.role)))
    .reduce((sum, record) => sum + record.usage.cost_usd, 0);
  const spentUsd = records.reduce((sum, record) => sum + record.usage.cost_usd, 0);
  // A coding session's work is published when its pull request was opened or updated with it.
  const published = records.filter(
    (record) => record.outcome === 'partial' || record.outcome === 'complete',
  );
  const publishedUsd = published.reduce((sum, record) => sum + record.usage.cost_usd, 0);
  const partialUsd = records
    .filter((record) => record.outcome === 'partial')
    .reduce((sum, record) => sum + record.usage.cost_usd, 0);
  return {
    spentUsd,
    publishedUsd,
    partialUsd,
    kept: spentUsd > 0 ? publishedUsd / spentUsd : 0,
    budgetUsd,
    beforeRaiseUsd,
  };
}

if (process.argv[1]?.endsWith('steer.ts')) {
  const measured = await measureSteer();
  if (process.argv.includes('--json')) console.log(JSON.stringify(measured));
  else console.log(JSON.stringify(measured, null, 2));
}
