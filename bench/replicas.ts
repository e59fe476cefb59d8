import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { FakeGitHub } from '../sim/github/fake-github.js';
import { type RedisServer, startRedisServer } from '../sim/redis-server.js';
import { type GitHubServer, startGitHubServer } from '../sim/server/github-server.js';
import { type AppProcess, freePort, startAppProcessOnFreePort } from '../sim/start-app.js';
import { leastMinutesFor } from '../src/core/snapshot/estimate.js';
import { fastClockApp, fastClockMain, measureOnFastClock } from './in-child.js';
import { judgedOnFastClock, reconciledLines, type WebhookWait, webhookWait } from './judged.js';
import { breakdownOf } from './scale-breakdown.js';
import {
  type BuildsOutcome,
  createScaleRepo,
  criticalPathMinutes,
  firstApprovalOf,
  outcomeOf,
  playSessions,
  readOutcome,
  type ScaleBuild,
  type ScaleRepo,
  startBuild,
  untilFinished,
  wavesAndChain,
} from './scale-world.js';

/**
 * Replicas at scale (#44): builds in one installation on the simulator, with
 * the app as one process (the default, nothing else to run), and as three
 * processes behind one webhook address (each delivery to one of them, as a
 * load balancer spreads them, passing over one that does not answer) sharing
 * one real Redis (`REDIS_URL`); then three again, one of them killed
 * (SIGKILL) mid-build while it holds a build's lease.
 *
 * The world is bench/scale.ts's (scale-world.ts: scripted sessions of
 * simulated minutes, the maintainer's `/approve` a minute after each plan),
 * and the clock its fast clock (bench/fast-clock.mjs, K times faster) in the
 * app processes and here; Redis keeps real time, so the apps are told
 * `BATON_CLOCK_RATE=K` and hand it the leases, looks and request spacing in
 * its time. The simulated GitHub refuses writes past its secondary limits (80
 * a minute, 500 an hour: sim/github/secondary-limit.ts), counting the app's
 * writes (every replica's) and the sessions' pull requests and reviews.
 *
 * Per run: every build's end (its final pull request) from the first
 * `/approve`, the makespan (first `/approve` to the last final pull request);
 * the installation's most writes in any simulated minute and hour; the
 * secondary-limit refusals; what was made twice (per build, the chaos runs'
 * invariants: one status comment, one dispatch per attempt, one branch, one
 * merge, one review per head, one final pull request); Redis commands per
 * reconcile (every command Redis counted, less what the replicas send while
 * idle, ÷ the reconciles the replicas logged); and, for the killed run, the
 * builds the dead replica held and how long after its death a live replica
 * finished a reconcile of each, against the lease.
 *
 * Each app process's log goes to a file as it runs (`BENCH_APP_LOG`'s folder, else a temporary
 * one), named in the report and on stderr at the start.
 *
 * `npx tsx bench/replicas.ts [--options '{"k":120,"builds":3}']` prints the report; `--json` one line.
 */
export type RunKind = 'one' | 'replicas' | 'replicas-killed';

export interface ReplicaRun extends BuildsOutcome {
  kind: RunKind;
  replicas: number;
  workers: number;
  /** GitHub's count of the app's requests and REST writes (every replica's), first /approve to the end; 304s left out. */
  requests: number;
  writes: number;
  /** The sessions' pull requests and reviews in that time. */
  sessionWrites: number;
  /** The least time all those writes need at a steady pace (`leastMinutesFor`). */
  limitMinutes: number;
  longestCriticalPathMinutes: number;
  /** Delivery to the end of its reconcile, every replica's (bench/judged.ts). */
  webhookWait: WebhookWait;
  reconciles: number;
  /** Redis's commands per reconcile, the idle replicas' polling left out; by command. */
  redis: { perReconcile: number; byCommand: Record<string, number> } | null;
  kill: {
    atMinutes: number;
    /** The builds the dead replica held, each with the simulated ms until a live replica reconciled it. */
    held: { build: string; afterMs: number }[];
    leaseMs: number;
  } | null;
  realSeconds: number;
  /** Each app process's log, as it ran (a killed one's up to its death). */
  logs: string[];
}

export interface ReplicasReport {
  k: number;
  builds: number;
  workersPerBuild: number;
  leaseSeconds: number;
  runs: ReplicaRun[];
}

export interface ReplicasOptions {
  k: number;
  builds: number;
  /** Each build's plan: waves of these widths (`wavesAndChain`). */
  widths: number[];
  leaseSeconds: number;
  runs: RunKind[];
  /** Simulated hours a run may take before it is reported unfinished (default `RUN_HOURS`). */
  hours?: number;
}

/** The bench's size: ten builds of ten workers (waves of 4, 3, 2, 1), each run the three ways. */
export const FULL: ReplicasOptions = {
  k: 60,
  builds: 10,
  widths: [4, 3, 2, 1],
  leaseSeconds: 30,
  runs: ['one', 'replicas', 'replicas-killed'],
};

const SECRET = 'replicas-bench-secret';
/** Simulated hours a run may take, by default, before it is reported unfinished. */
const RUN_HOURS = 4;

/** Runs the replicas bench in a child process on the fast clock; resolves with its report. */
export async function measureReplicas(
  options: ReplicasOptions = FULL,
  timeoutMs = 900_000,
): Promise<ReplicasReport> {
  const report = await measureOnFastClock<ReplicasReport>('replicas.ts', options, timeoutMs);
  report.runs.forEach(readOutcome);
  return report;
}

/** The runs, on the fast clock (`--child`). */
async function runReplicas(options: ReplicasOptions): Promise<ReplicasReport> {
  const runs: ReplicaRun[] = [];
  for (const kind of options.runs) runs.push(await runOnce(kind, options));
  return {
    k: options.k,
    builds: options.builds,
    workersPerBuild: wavesAndChain(options.widths).length,
    leaseSeconds: options.leaseSeconds,
    runs,
  };
}

/** The world of one run: the simulator, Redis when replicated, and the app processes. */
interface World {
  gh: FakeGitHub;
  /** The repository, with Baton installed before any app process starts (its first pass sets nothing up). */
  repo: ScaleRepo;
  server: GitHubServer;
  redis: RedisServer | null;
  apps: AppProcess[];
  /** Each app process's log file, by index. */
  logs: string[];
  stop(): Promise<void>;
}

/**
 * Where each app process's log goes as it runs (`<kind>-<n>.log`): `BENCH_APP_LOG`'s folder,
 * else one of the run's own under the system's temporary folder; the report names each file.
 */
function logFolder(): string {
  const folder = process.env.BENCH_APP_LOG ?? mkdtempSync(join(tmpdir(), 'baton-replicas-'));
  mkdirSync(folder, { recursive: true });
  // Said at once: a run cut short by its time limit prints no report.
  console.error(`bench/replicas: the app processes' logs go to ${folder}`);
  return folder;
}

async function startWorld(kind: RunKind, options: ReplicasOptions): Promise<World> {
  const gh = new FakeGitHub({ owner: 'org', repo: 'ten-builds' });
  const repo = createScaleRepo(gh);
  const replicas = kind === 'one' ? 1 : 3;
  const redis = replicas > 1 ? await startRedisServer() : null;
  const ports = await Promise.all(Array.from({ length: replicas }, () => freePort()));
  const hook = (port: number) => `http://127.0.0.1:${port}/api/github/webhooks`;
  const [first, ...rest] = ports.map(hook);
  const server = await startGitHubServer({
    gh,
    appWebhookUrl: first ?? null,
    replicaWebhookUrls: rest,
    webhookSecret: SECRET,
    // One webhook address in front of the replicas: each delivery reaches one of them.
    faults: { fanOut: false },
  });
  const k = options.k;
  const folder = logFolder();
  const logs = ports.map((_, n) => join(folder, `${kind}-${n}.log`));
  const started = await Promise.allSettled(
    ports.map((port, index) =>
      startAppProcessOnFreePort(
        {
          ...fastClockApp({
            gheHost: server.host,
            webhookSecret: SECRET,
            k,
            env: redis
              ? {
                  REDIS_URL: redis.url,
                  BATON_CLOCK_RATE: String(k),
                  BATON_LEASE_SECONDS: String(options.leaseSeconds),
                }
              : {},
          }),
          logFile: logs[index] ?? join(folder, `${kind}-${index}.log`),
        },
        { first: port, onPort: (moved) => server.setWebhookUrl(index, hook(moved)) },
      ),
    ),
  );
  const apps = started.flatMap((one) => (one.status === 'fulfilled' ? [one.value] : []));
  const failed = started.find((one) => one.status === 'rejected');
  if (failed) {
    // One that did not start leaves none running behind it.
    await Promise.all(apps.map((app) => app.stop()));
    await server.close();
    await redis?.stop();
    throw failed.reason;
  }
  return {
    gh,
    repo,
    server,
    redis,
    apps,
    logs,
    async stop() {
      await Promise.all(apps.map((app) => app.stop()));
      await server.close();
      await redis?.stop();
    },
  };
}

async function runOnce(kind: RunKind, options: ReplicasOptions): Promise<ReplicaRun> {
  const realFrom = process.hrtime.bigint();
  const world = await startWorld(kind, options);
  const { gh, apps, repo } = world;
  const counter = world.redis ? new Redis(world.redis.url) : null;
  try {
    const builds: ScaleBuild[] = [];
    playSessions(() => builds, [repo]);
    const workers = wavesAndChain(options.widths);
    const startedAt = Date.now();
    const before = counter ? await commandStats(counter) : null;
    for (let i = 0; i < options.builds; i++)
      builds.push(startBuild(repo, { title: `Ten workers ${i + 1}`, workers }));
    let ended = false;
    const killing =
      kind === 'replicas-killed' && counter
        ? killMidBuild({ builds, apps, redis: counter, ended: () => ended })
        : null;
    const hours = options.hours ?? RUN_HOURS;
    const finished = await untilFinished(builds, { from: startedAt, hours });
    ended = true;
    const endedAt = Date.now();
    const kill = killing ? await killing : null;
    const after = counter ? await commandStats(counter) : null;
    // What the idle replicas send (their looks' polls, Bottleneck's heartbeats): a simulated minute.
    const idle = counter ? await commandsOver(counter, 60_000) : null;
    const reconciles = apps.reduce((sum, app) => sum + reconciledLines(app).length, 0);
    const approvedAt = firstApprovalOf(builds);
    const logFrom = Math.min(...builds.map((b) => b.approvedLog ?? gh.log.length));
    const { requests, writes } = breakdownOf(
      gh.log.slice(logFrom).filter((entry) => !entry.route.includes('/access_tokens')),
    );
    const sessionWrites = repo.sessionWrites
      .filter((w) => w.at >= approvedAt && w.at <= endedAt)
      .reduce((sum, w) => sum + w.count, 0);
    return {
      kind,
      replicas: apps.length,
      workers: workers.length * builds.length,
      requests,
      writes,
      sessionWrites,
      limitMinutes: leastMinutesFor(writes + sessionWrites),
      longestCriticalPathMinutes: Math.max(
        ...builds.map((b) => criticalPathMinutes(b.script.build, workers)),
      ),
      webhookWait: webhookWait({
        apps,
        server: world.server,
        repos: [gh.fullName],
        from: startedAt,
        to: endedAt,
        k: options.k,
      }),
      ...outcomeOf(repo, builds, finished),
      reconciles,
      redis:
        before && after && idle !== null
          ? perReconcile({
              before,
              after,
              idlePerMs: idle,
              ms: endedAt - startedAt,
              reconciles,
            })
          : null,
      kill: kill && {
        atMinutes: (kill.at - firstApprovalOf(builds)) / 60_000,
        held: kill.held.map((build) => ({
          build,
          afterMs: readAfter(repo, builds, { build, at: kill.at }) - kill.at,
        })),
        leaseMs: options.leaseSeconds * 1000,
      },
      realSeconds: Number(process.hrtime.bigint() - realFrom) / 1e9,
      logs: world.logs,
    };
  } finally {
    counter?.disconnect();
    await world.stop();
  }
}

/**
 * Once every build is approved and has a worker under way, kills with SIGKILL the first
 * replica seen holding a build's lease (its value names its pid), and answers when, the
 * builds it held and which it was; null if the builds ended first.
 */
async function killMidBuild({
  builds,
  apps,
  redis,
  ended,
}: {
  builds: ScaleBuild[];
  apps: AppProcess[];
  redis: Redis;
  ended: () => boolean;
}): Promise<{ at: number; held: string[]; victim: AppProcess } | null> {
  const underWay = (b: ScaleBuild) =>
    b.approvedAt !== null &&
    b.repo.gh.runs.some((r) => r.inputs.build === b.script.build && r.inputs.role === 'work');
  while (!ended()) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (!builds.every(underWay)) continue;
    const keys = await redis.keys('baton:lease:*');
    const values = keys.length > 0 ? await redis.mget(keys) : [];
    const victim = apps.find((app) => values.some((value) => value?.startsWith(`${app.pid}-`)));
    if (!victim) continue;
    process.kill(victim.pid, 'SIGKILL');
    const at = Date.now();
    await victim.exited;
    // `baton:lease:<owner>/<repo>#<build>`: the build.
    const held = keys.filter((_, i) => values[i]?.startsWith(`${victim.pid}-`));
    return { at, held: held.map((key) => key.slice(key.indexOf('#') + 1)), victim };
  }
  return null;
}

/**
 * When a reconcile of `build` began after `at`, simulated ms (NaN if none): the first read of
 * the build (its GraphQL query names its issue) GitHub answered after then. After a replica's
 * death, only the living read.
 */
function readAfter(
  repo: ScaleRepo,
  builds: ScaleBuild[],
  { build, at }: { build: string; at: number },
): number {
  const issue = builds.find((b) => b.script.build === build)?.issue;
  const index = repo.gh.log.findIndex(
    (entry, i) =>
      (repo.stamps[i] ?? 0) > at &&
      entry.route === 'POST /graphql' &&
      (entry.body as { variables?: { issue?: unknown } } | null)?.variables?.issue === issue,
  );
  return index >= 0 ? (repo.stamps[index] ?? Number.NaN) : Number.NaN;
}

/** Redis's count of the commands it ran, in all and by command. */
async function commandStats(
  redis: Redis,
): Promise<{ total: number; byCommand: Map<string, number> }> {
  const text = await redis.info('commandstats');
  const byCommand = new Map<string, number>();
  for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    byCommand.set(match[1] ?? '', Number(match[2]));
  const total = [...byCommand.values()].reduce((sum, n) => sum + n, 0);
  return { total, byCommand };
}

/** Commands Redis runs per simulated ms over `ms` while nothing happens (its `info` calls left out). */
async function commandsOver(redis: Redis, ms: number): Promise<number> {
  const from = await commandStats(redis);
  const start = Date.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const to = await commandStats(redis);
  return (to.total - from.total - 1) / (Date.now() - start);
}

function perReconcile({
  before,
  after,
  idlePerMs,
  ms,
  reconciles,
}: {
  before: { total: number; byCommand: Map<string, number> };
  after: { total: number; byCommand: Map<string, number> };
  idlePerMs: number;
  ms: number;
  reconciles: number;
}): NonNullable<ReplicaRun['redis']> {
  const byCommand: Record<string, number> = {};
  for (const [command, calls] of after.byCommand) {
    const made = calls - (before.byCommand.get(command) ?? 0);
    if (made > 0 && command !== 'info') byCommand[command] = made;
  }
  const made = Object.values(byCommand).reduce((sum, n) => sum + n, 0);
  return { perReconcile: (made - idlePerMs * ms) / Math.max(1, reconciles), byCommand };
}

function printRun(run: ReplicaRun): void {
  const held = run.kill?.held.map((h) => `${h.build} after ${(h.afterMs / 1000).toFixed(0)} s`);
  console.log(
    [
      `${run.kind} (${run.replicas} process${run.replicas > 1 ? 'es' : ''}): ${run.finished ? 'finished' : 'NOT FINISHED'} in ${run.realSeconds.toFixed(0)} real s`,
      `  makespan ${run.makespanMinutes.toFixed(1)} min (longest critical path ${run.longestCriticalPathMinutes}, the limits ≥ ${run.limitMinutes.toFixed(0)}); each build's end ${run.buildEndMinutes.map((m) => m.toFixed(1)).join(' ')}`,
      `  ${(run.requests / run.workers).toFixed(2)} requests, ${(run.writes / run.workers).toFixed(2)} writes per worker (+ ${(run.sessionWrites / run.workers).toFixed(2)} by sessions); webhook to reconcile median ${run.webhookWait.medianRealMs.toFixed(0)} real ms`,
      `  peak writes ${run.peakWrites.perMinute} a minute, ${run.peakWrites.perHour} an hour; secondary-limit refusals ${run.secondaryRefusals}`,
      `  writes by route: ${Object.entries(run.writesByRoute)
        .map(([route, n]) => `${n} ${route}`)
        .join(', ')}`,
      `  made twice: ${run.twice.length === 0 ? 'nothing' : run.twice.join('; ')}`,
      `  reconciles ${run.reconciles}${
        run.redis
          ? `; Redis commands per reconcile ${run.redis.perReconcile.toFixed(1)} (${Object.entries(
              run.redis.byCommand,
            )
              .map(([c, n]) => `${c} ${n}`)
              .join(', ')})`
          : ''
      }`,
      ...run.unfinished.map(
        ({ build, lastSaid }) =>
          `  unfinished: ${build}${run.silent.includes(build) ? ' (its status says nothing of why)' : ''}, last said: ${lastSaid}`,
      ),
      `  the app's logs: ${run.logs.join(', ')}`,
      ...(run.kill
        ? [
            `  killed at ${run.kill.atMinutes.toFixed(1)} min holding ${held?.join(', ')} (lease ${run.kill.leaseMs / 1000} s)`,
          ]
        : []),
    ].join('\n'),
  );
}

await fastClockMain(import.meta.url, {
  defaults: FULL,
  run: runReplicas,
  measure: measureReplicas,
  print: (report) => {
    for (const run of report.runs) printRun(run);
  },
});

/** A row of `npm run bench`'s table (bench/run.ts). */
export interface BenchRow {
  figure: string;
  measured: string;
  target: string;
  met: boolean | null;
}

/**
 * The three-replica run as a row of its own, judged as the scale bench judges one process:
 * requests and writes per worker, and its makespan against what the plans and the limit allow.
 */
function threeReplicaRows(run: ReplicaRun, size: string): BenchRow[] {
  const least = Math.max(run.longestCriticalPathMinutes, run.limitMinutes);
  const ratio = run.makespanMinutes / least;
  const per = (n: number) => n / run.workers;
  return [
    {
      figure: `Replicas: GitHub requests / Baton's writes per worker, every replica's, first /approve to the last final PR (3 app processes on one Redis; ${size}; the sessions' pull requests and reviews add ${per(run.sessionWrites).toFixed(1)})`,
      measured: `${per(run.requests).toFixed(1)} / ${per(run.writes).toFixed(2)}`,
      target: '≤ 12 / ≤ 4.5',
      met: run.finished && per(run.requests) <= 12 && per(run.writes) <= 4.5,
    },
    {
      figure: `Replicas: makespan ÷ the later of the longest critical path and the limit-bound (the least time all writes need at 500 an hour), simulated minutes (3 app processes on one Redis; ${size})`,
      ...judgedOnFastClock({
        measured: `${run.makespanMinutes.toFixed(1)} ÷ ${least.toFixed(0)} = ${ratio.toFixed(3)} (longest critical path ${run.longestCriticalPathMinutes}, the limits ≥ ${run.limitMinutes.toFixed(0)})`,
        met: run.finished && ratio <= 1.1,
        waits: [run.webhookWait.medianRealMs],
      }),
      target: '≤ 1.1',
    },
  ];
}

/** The replicas part's rows: limits across replicas, makespan against one process, the kill, Redis. */
export function replicasRows(report: ReplicasReport): BenchRow[] {
  const size = `${report.builds} builds of ${report.workersPerBuild} workers in one installation`;
  const one = report.runs.find((run) => run.kind === 'one');
  const three = report.runs.find((run) => run.kind === 'replicas');
  const killed = report.runs.find((run) => run.kind === 'replicas-killed');
  const replicated = [three, killed].filter((run): run is ReplicaRun => run !== undefined);
  const peaks = (run: ReplicaRun) =>
    `${run.peakWrites.perMinute} / ${run.peakWrites.perHour}, ${run.secondaryRefusals} refused`;
  const rows: BenchRow[] = replicated.map((run) => ({
    figure: `Replicas: peak writes of the app (every replica) and its sessions per simulated minute / hour, and GitHub's secondary-limit refusals (${run.replicas} app processes behind one webhook address on one Redis${run.kill ? ', one killed mid-build' : ''}; ${size})`,
    measured: peaks(run),
    target: '< 80 / < 500, 0 refused',
    met:
      run.finished &&
      run.peakWrites.perMinute < 80 &&
      run.peakWrites.perHour < 500 &&
      run.secondaryRefusals === 0,
  }));
  if (three) rows.push(...threeReplicaRows(three, size));
  if (one && three) {
    const ratio = three.makespanMinutes / one.makespanMinutes;
    rows.push({
      figure: `Replicas: makespan, three replicas ÷ one process on the same builds, every build delivered in both, simulated minutes from the first /approve (${size}; one process's peaks ${peaks(one)})`,
      ...judgedOnFastClock({
        measured: `${three.makespanMinutes.toFixed(1)} ÷ ${one.makespanMinutes.toFixed(1)} = ${ratio.toFixed(3)}`,
        met: one.finished && three.finished && ratio <= 1.1,
        waits: [three.webhookWait.medianRealMs, one.webhookWait.medianRealMs],
      }),
      target: '≤ 1.1',
    });
  }
  rows.push({
    figure: `Replicas: builds delivered (their final pull request opened), and those that were not whose status says nothing of why, every run (${size}; ${report.runs.map((run) => `${run.kind} ${run.replicas}`).join(', ')} processes)`,
    measured: report.runs
      .map(
        (run) =>
          `${run.buildEndMinutes.filter((m) => !Number.isNaN(m)).length} of ${report.builds}, ${run.silent.length} silent${run.silent.length > 0 ? ` (${run.silent.join(', ')})` : ''}`,
      )
      .join('; '),
    target: `${report.builds} of ${report.builds}, 0 silent, each run`,
    met: report.runs.every((run) => run.finished && run.silent.length === 0),
  });
  rows.push({
    figure: `Replicas: what GitHub shows made twice (status comments, dispatches, branches, merges, reviews per head, final pull requests), every run (${size})`,
    measured: String(report.runs.reduce((sum, run) => sum + run.twice.length, 0)),
    target: '0',
    met: report.runs.every((run) => run.twice.length === 0),
  });
  if (killed?.kill) {
    const { held, leaseMs, atMinutes } = killed.kill;
    const worst = Math.max(...held.map((h) => h.afterMs));
    rows.push({
      figure: `Replicas: a replica killed (SIGKILL) ${atMinutes.toFixed(1)} simulated minutes after the first /approve while it held ${held.length} build(s): every build completed; the longest from the kill to a live replica's next read of a held build, simulated s, against the lease (BATON_LEASE_SECONDS)`,
      measured: `${killed.finished ? 'completed' : 'NOT completed'}; ${(worst / 1000).toFixed(1)} s (lease ${leaseMs / 1000} s); makespan ${killed.makespanMinutes.toFixed(1)} min${one ? ` (${(killed.makespanMinutes / one.makespanMinutes).toFixed(3)} × one process's)` : ''}`,
      target: '≤ the lease (+ the start of a reconcile)',
      met: killed.finished && worst <= leaseMs + 6_000,
    });
  }
  if (three?.redis)
    rows.push({
      figure:
        'Replicas: Redis commands a reconcile adds (its hold and release, the budget read back and written through, the looks, Bottleneck spacing its writes), the replicas’ idle polling left out',
      measured: `${three.redis.perReconcile.toFixed(1)} (${three.reconciles} reconciles)`,
      target: 'reported',
      met: null,
    });
  return rows;
}
