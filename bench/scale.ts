import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { FakeGitHub } from '../sim/github/fake-github.js';
import { type GitHubServer, startGitHubServer } from '../sim/server/github-server.js';
import { type AppProcess, freePort, startAppProcess } from '../sim/start-app.js';
import { leastMinutesFor } from '../src/core/snapshot/estimate.js';
import type { PlanWorkerSpec } from '../test/support/builds.js';
import { heapOf, rssMiB } from './app-memory.js';
import { childMain, fastClockApp, flagValue, isMainModule, measureInChild } from './in-child.js';
import { reconciledLines, type WebhookWait, webhookWait } from './judged.js';
import {
  type Breakdown,
  breakdownOf,
  isWrite,
  reasonsBetween,
  requestCounts,
} from './scale-breakdown.js';
import {
  createScaleRepo,
  criticalPathMinutes,
  finalPullAt,
  peakInWindow,
  playSessions,
  type ScaleBuild,
  type ScaleRepo,
  type Stamped,
  startBuild,
  wavesAndChain,
} from './scale-world.js';

/**
 * Baton at scale, measured through the REAL app process (src/main.ts as
 * `npm start` runs it, LOG_LEVEL info, every setting at its production
 * default: request pacing, status-edit pacing, the write budget, the
 * 10-minute resync) on the simulator over HTTP, in one run:
 *
 * - four workers (3 at once and a chain of 1), as bench/api-calls.ts measures
 *   them in one process on nock, so the two can be read side by side;
 * - a 60-worker plan: waves of 20, 15, 15 and 7, then a chain of 3;
 * - ten builds of ten workers (waves of 4, 3, 2, 1) at once in one installation;
 * - the same ten builds across ten installations, one each.
 *
 * Sessions are scripted (no session processes, no model): when the simulator
 * receives a dispatch, the bench plays what that session's publish job would
 * write through the simulator's store (the work session's push, completion
 * and pull request; the review its run then makes of that pull request, with
 * no dispatch of its own) after a simulated duration: 3 minutes to plan,
 * 8–16 minutes of work (fixed per worker), 3 more minutes in the same run to
 * review. CI passes at once. The maintainer approves a minute after the plan.
 *
 * Time: a 60-worker build takes hours of GitHub's write limits, so the app
 * and this process both run on bench/fast-clock.mjs, K times faster (K = 60
 * by default: a simulated hour in a real minute; the whole run about six real
 * minutes). CPU seconds are real; makespans, peak writes per minute and hour,
 * and webhook waits are on the simulated clock. The app's own processing is
 * stretched by K on that clock (20 real ms read as 1.2 simulated s), so
 * webhook waits are given in both: simulated ms, and real ms (÷ K) — the
 * truth lies between, as the pacing's waits are simulated and the processing
 * real. The stretch also lengthens each link of a critical path a little
 * (makespan ÷ critical path reads high) and lets more events coalesce into
 * one reconcile (requests per worker read low): measured on the same code,
 * K = 50 gave the 60-worker build 19.1 requests per worker and a ratio of
 * 1.049, K = 100 gave 16.1–16.6 and 1.059–1.064.
 *
 * Counted: requests per worker by route (the simulator's log for the
 * scenario's repositories, first `/approve` to last final PR, token requests
 * left out); writes are REST requests but GET and HEAD. By reason: the app's
 * own count (`baton_github_requests_total` on its `/metrics`, read at the
 * first `/approve` and at the last final PR: every request the app made in
 * between, whichever repository it concerned). Peak writes add the
 * sessions' pull requests and reviews (their API writes; pushes are git), in
 * any sliding minute and hour, per installation, the worst installation. App
 * CPU from /proc/<pid>/stat (the app process alone). The webhook wait is from
 * the simulator sending a delivery to the end of the reconcile that carries
 * its `deliveryId` (the app's `baton: reconciled` line, logged when the
 * reconcile ends: an upper bound of the wait for it to start). Memory: the
 * app's RSS from /proc/<pid>/status, and its heap after a garbage collection
 * (bench/heap-probe.mjs, asked by SIGUSR2), before and after each scenario,
 * with V8's compiled machine code in it given apart: that grows as more of
 * the app's paths run hot (2.2 of 3.5 MiB of growth over the last three
 * scenarios, in heap snapshots), and what the app keeps is the rest.
 *
 * `npx tsx bench/scale.ts [--k 100] [--only 0,1]` prints the figures (of some
 * scenarios, by index); `--json` one line; `BENCH_APP_LOG=file` keeps the
 * app's log (each reconcile's actions) in `file`.
 */
/** Its requests: those GitHub counts (a 304 is not), by route and by the app's reason (`Breakdown`). */
export interface ScenarioFigures extends Breakdown {
  name: string;
  builds: number;
  installations: number;
  workers: number;
  /** Whether every build opened its final pull request within the real time limit. */
  finished: boolean;
  sessionWrites: number;
  cpuSecondsPerWorker: number;
  peakWrites: { perMinute: number; perHour: number };
  /**
   * GraphQL points the app spent (GitHub's cost of each call, charged by the
   * simulator as GitHub charges them): in all, per worker, and the worst
   * installation's most in any hour of simulated time, against its 5,000.
   */
  graphqlPoints: { total: number; perWorker: number; peakPerHour: number };
  /**
   * Simulated minutes. The worst build: /approve to final PR beside its plan's
   * critical path. The scenario: first /approve to last final PR (`spanMinutes`)
   * beside the least the plans and the limits allow (`leastMinutes`: the
   * longest critical path, or `limitMinutes` if longer), and their ratio.
   */
  makespan: {
    minutes: number;
    criticalPathMinutes: number;
    ratio: number;
    /**
     * Each build, in the order they started: /approve to final PR ÷ its own plan's critical
     * path (`ratio`), and its end (from the scenario's first /approve) ÷ the later of that path
     * and the installation's limit-bound (`boundRatio`: where the limit binds, a build waits
     * its turn in the hour, and a build's own path says nothing of that).
     */
    builds: {
      minutes: number;
      criticalPathMinutes: number;
      ratio: number;
      endMinutes: number;
      boundMinutes: number;
      boundRatio: number;
    }[];
    /** The worst `boundRatio`. */
    worstBoundRatio: number;
    spanMinutes: number;
    /** The longest critical path of the scenario's plans. */
    longestCriticalPathMinutes: number;
    leastMinutes: number;
    limitedRatio: number;
  };
  /**
   * The least minutes GitHub's 500 writes an hour allow for the busiest
   * installation's writes (Baton's and its sessions'), whatever the plan.
   */
  limitMinutes: number;
  /** Delivery to the end of its reconcile: the longest, p99 and median, simulated and real ms. */
  webhookWait: WebhookWait;
  /**
   * Reconciles of the scenario's builds by what started them: the webhook
   * (`pull_request.opened`, …) whose delivery queued it, `timed` for one a
   * reconcile set off later with the same delivery (a trailing status edit, a
   * deferred dispatch), `resync` for the periodic resync.
   */
  reconciles: { cause: string; count: number }[];
  realSeconds: number;
  rssMiB: { before: number; after: number };
  /** The app's heap after a garbage collection, before and after the scenario (bench/heap-probe.mjs). */
  heapMiB: { before: number; after: number };
  /** Of that heap, V8's compiled machine code (its code spaces). */
  codeMiB?: { before: number; after: number };
}

export interface ScaleReport {
  k: number;
  scenarios: ScenarioFigures[];
  /** The app's RSS at start (after start-up) and at the end of the run, MiB. */
  rssMiB: { start: number; end: number; max: number };
  /** The app's heap after a garbage collection at start, MiB. */
  heapStartMiB: number;
  /** Of that heap, V8's compiled machine code, MiB. */
  codeStartMiB?: number;
  realSeconds: number;
}

const SECRET = 'scale-bench-secret';
const DEFAULT_K = 60;
/** Simulated hours a scenario may take before it is reported unfinished (240 real s at K = 60). */
const SCENARIO_HOURS = 4;

interface Scenario {
  name: string;
  builds: { repo: ScaleRepo; title: string; workers: PlanWorkerSpec[] }[];
}

/** Runs the scale bench in a child process on the fast clock; resolves with its report. */
export async function measureScale({
  k = DEFAULT_K,
  only,
  timeoutMs = 600_000,
}: {
  k?: number;
  /** Some scenarios, by index (`--only 0,1`). */
  only?: string;
  timeoutMs?: number;
} = {}): Promise<ScaleReport> {
  const clock = new URL('./fast-clock.mjs', import.meta.url).href;
  const env = { ...process.env, FAST_CLOCK_K: String(k), FAST_CLOCK_EPOCH: String(Date.now()) };
  const report = await measureInChild<ScaleReport>('scale.ts', timeoutMs, {
    nodeArgs: ['--import', clock],
    args: ['--child', ...(only ? ['--only', only] : [])],
    env,
  });
  // JSON carries an unfinished build's NaN minutes as null: read them back as NaN.
  for (const s of report.scenarios) {
    const m = s.makespan as unknown as Record<string, number | null>;
    for (const field of ['minutes', 'ratio', 'spanMinutes', 'limitedRatio', 'worstBoundRatio'])
      m[field] ??= Number.NaN;
    for (const b of s.makespan.builds) {
      b.minutes ??= Number.NaN;
      b.ratio ??= Number.NaN;
      b.endMinutes ??= Number.NaN;
      b.boundRatio ??= Number.NaN;
    }
  }
  return report;
}

/** The run itself, on the fast clock (`--child`). */
async function runScale(): Promise<ScaleReport> {
  const k = Number(process.env.FAST_CLOCK_K);
  const realStart = realNow();
  let installation = 0;
  const repo = (name: string) => {
    installation++;
    return createScaleRepo(
      new FakeGitHub({
        owner: `org-${installation}`,
        repo: name,
        installationId: installation,
        repositoryId: installation,
      }),
    );
  };
  const four = repo('four');
  const sixty = repo('sixty');
  const shared = repo('ten-builds');
  const teams = Array.from({ length: 10 }, (_, i) => repo(`team-${i + 1}`));
  const repos = [four, sixty, shared, ...teams];
  const tenWorkers = wavesAndChain([4, 3, 2, 1]);
  const scenarios: Scenario[] = [
    {
      name: '4 workers: 3 at once and a chain of 1',
      builds: [{ repo: four, title: 'Four workers', workers: wavesAndChain([3], 1) }],
    },
    {
      name: '60 workers: waves of 20, 15, 15, 7, then a chain of 3',
      builds: [{ repo: sixty, title: 'Sixty workers', workers: wavesAndChain([20, 15, 15, 7], 3) }],
    },
    {
      name: 'ten builds of 10 workers (waves of 4, 3, 2, 1) at once, one installation',
      builds: Array.from({ length: 10 }, (_, i) => ({
        repo: shared,
        title: `Ten workers ${i + 1}`,
        workers: tenWorkers,
      })),
    },
    {
      name: 'the same ten builds across ten installations',
      builds: teams.map((team, i) => ({
        repo: team,
        title: `Ten workers ${i + 1}`,
        workers: tenWorkers,
      })),
    },
  ];
  const [first, ...rest] = repos as [ScaleRepo, ...ScaleRepo[]];
  const port = await freePort();
  const server = await startGitHubServer({
    gh: first.gh,
    repositories: rest.map((r) => r.gh),
    appWebhookUrl: `http://127.0.0.1:${port}/api/github/webhooks`,
    webhookSecret: SECRET,
  });
  const app = await startAppProcess({
    ...fastClockApp({
      gheHost: server.host,
      webhookSecret: SECRET,
      k,
      preload: ['./heap-probe.mjs'],
    }),
    port,
  });

  const running: ScaleBuild[] = [];
  playSessions(() => running, repos);
  const rssStart = rssMiB(app.pid);
  const heapStart = await heapOf(app, k);
  let rssMax = rssStart;
  const figures: ScenarioFigures[] = [];
  // `--only 0,1`: some scenarios, by index (to try a change quickly).
  const only = process.argv.includes('--only')
    ? (process.argv[process.argv.indexOf('--only') + 1] ?? '').split(',').map(Number)
    : null;
  try {
    for (const [index, scenario] of scenarios.entries()) {
      if (only && !only.includes(index)) continue;
      const measured = await runScenario({ scenario, app, server, running, k });
      rssMax = Math.max(rssMax, measured.rssMiB.after);
      figures.push(measured);
      if (!process.argv.includes('--json')) printScenario(measured);
    }
    const rssEnd = rssMiB(app.pid);
    return {
      k,
      scenarios: figures,
      rssMiB: { start: rssStart, end: rssEnd, max: Math.max(rssMax, rssEnd) },
      heapStartMiB: heapStart.heap,
      codeStartMiB: heapStart.code,
      realSeconds: (realNow() - realStart) / 1000,
    };
  } finally {
    await app.stop();
    await server.close();
    // `BENCH_APP_LOG=file`: the app's log lines, to see what each reconcile did.
    if (process.env.BENCH_APP_LOG) writeFileSync(process.env.BENCH_APP_LOG, app.output());
  }
}

async function runScenario({
  scenario,
  app,
  server,
  running,
  k,
}: {
  scenario: Scenario;
  app: AppProcess;
  server: GitHubServer;
  running: ScaleBuild[];
  k: number;
}): Promise<ScenarioFigures> {
  const realFrom = realNow();
  const startedAt = Date.now();
  const rssBefore = rssMiB(app.pid);
  const heapBefore = await heapOf(app, k);
  const builds = scenario.builds.map((spec) => startBuild(spec.repo, spec));
  running.push(...builds);
  const repos = [...new Set(builds.map((b) => b.repo))];
  // Each repository's requests count from its first /approve.
  const logFrom = new Map<ScaleRepo, number>();
  let cpuFrom: number | null = null;
  let countsFrom: Map<string, number> | null = null;
  let finished = true;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    for (const build of builds) {
      if (build.approvedAt === null) continue;
      const from = Math.min(
        logFrom.get(build.repo) ?? Number.POSITIVE_INFINITY,
        build.approvedLog ?? 0,
      );
      logFrom.set(build.repo, from);
      cpuFrom ??= cpuSeconds(app.pid);
      countsFrom ??= await requestCountsOf(app);
      build.finalAt ??= finalPullAt(build);
    }
    if (builds.every((b) => b.finalAt !== null)) break;
    if (Date.now() - startedAt > SCENARIO_HOURS * 3_600_000) {
      finished = false;
      break;
    }
  }
  const cpu = cpuSeconds(app.pid) - (cpuFrom ?? 0);
  const approvedFrom = Math.min(...builds.map((b) => b.approvedAt ?? Number.POSITIVE_INFINITY));
  const endedAt = Date.now();
  const workers = builds.reduce((sum, b) => sum + b.script.workers.length, 0);
  const calls = repos.flatMap((r) =>
    r.gh.log
      .slice(logFrom.get(r) ?? r.gh.log.length)
      .filter((e) => !e.route.includes('/access_tokens')),
  );
  // `BENCH_SIM_LOG=file`: the requests counted, in order, to see where they go.
  if (process.env.BENCH_SIM_LOG)
    appendFileSync(
      process.env.BENCH_SIM_LOG,
      `${calls.map((e) => `${e.status} ${e.method} ${e.path}`).join('\n')}\n`,
    );
  const sessionWritesOf = (r: ScaleRepo) =>
    r.sessionWrites
      .filter((w) => w.at >= approvedFrom && w.at <= endedAt)
      .reduce((sum, w) => sum + w.count, 0);
  const writesOf = (r: ScaleRepo) =>
    r.gh.log
      .slice(logFrom.get(r) ?? r.gh.log.length)
      .filter((e) => isWrite(e) && !e.route.includes('/access_tokens')).length + sessionWritesOf(r);
  const limitMinutes = leastMinutesFor(Math.max(...repos.map(writesOf)));
  const breakdown = {
    ...breakdownOf(calls),
    byReason: reasonsBetween(countsFrom ?? new Map(), await requestCountsOf(app)),
  };
  const rssAfter = rssMiB(app.pid);
  const heapAfter = await heapOf(app, k);
  return {
    name: scenario.name,
    builds: builds.length,
    installations: new Set(repos.map((r) => r.gh.installationId)).size,
    workers,
    finished,
    ...breakdown,
    sessionWrites: repos.reduce((sum, r) => sum + sessionWritesOf(r), 0),
    cpuSecondsPerWorker: cpu / workers,
    peakWrites: peakWrites(repos, { from: startedAt, to: endedAt }),
    graphqlPoints: graphqlPoints(repos, { from: startedAt, to: endedAt, workers }),
    makespan: makespanOf(builds, limitMinutes),
    limitMinutes,
    webhookWait: webhookWait({
      apps: [app],
      server,
      repos: repos.map((r) => r.gh.fullName),
      from: startedAt,
      to: endedAt,
      k,
    }),
    reconciles: reconcileCauses({ app, server, repos, from: startedAt, to: endedAt }),
    realSeconds: (realNow() - realFrom) / 1000,
    rssMiB: { before: rssBefore, after: rssAfter },
    heapMiB: { before: heapBefore.heap, after: heapAfter.heap },
    codeMiB: { before: heapBefore.code, after: heapAfter.code },
  };
}

/** The app's count of its requests to GitHub by route, status and reason, read from its `/metrics`. */
async function requestCountsOf(app: AppProcess): Promise<Map<string, number>> {
  const answer = await fetch(`${app.url}/metrics`);
  return requestCounts(await answer.text());
}

/** The worst installation's most writes in a minute and in an hour, the sessions' included. */
function peakWrites(
  repos: ScaleRepo[],
  { from, to }: { from: number; to: number },
): { perMinute: number; perHour: number } {
  const byInstallation = new Map<number, Stamped[]>();
  for (const repo of repos) {
    const stamps = byInstallation.get(repo.gh.installationId) ?? [];
    repo.gh.log.forEach((entry, i) => {
      const at = repo.stamps[i] ?? 0;
      if (at >= from && at <= to && isWrite(entry) && !entry.route.includes('/access_tokens'))
        stamps.push({ at, count: 1 });
    });
    stamps.push(...repo.sessionWrites.filter((s) => s.at >= from && s.at <= to));
    byInstallation.set(repo.gh.installationId, stamps);
  }
  const all = [...byInstallation.values()];
  return {
    perMinute: Math.max(0, ...all.map((s) => peakInWindow(s, 60_000))),
    perHour: Math.max(0, ...all.map((s) => peakInWindow(s, 3_600_000))),
  };
}

/** The GraphQL points charged to the scenario's installations between `from` and `to`. */
function graphqlPoints(
  repos: ScaleRepo[],
  { from, to, workers }: { from: number; to: number; workers: number },
): ScenarioFigures['graphqlPoints'] {
  const byInstallation = new Map<number, Stamped[]>();
  for (const repo of repos) {
    const stamps = byInstallation.get(repo.gh.installationId) ?? [];
    for (const charge of repo.gh.graphqlBudget.charges)
      if (charge.at >= from && charge.at <= to)
        stamps.push({ at: charge.at, count: charge.points });
    byInstallation.set(repo.gh.installationId, stamps);
  }
  const all = [...byInstallation.values()];
  const total = all.flat().reduce((sum, stamp) => sum + stamp.count, 0);
  return {
    total,
    perWorker: total / workers,
    peakPerHour: Math.max(0, ...all.map((stamps) => peakInWindow(stamps, 3_600_000))),
  };
}

function makespanOf(builds: ScaleBuild[], limitMinutes: number): ScenarioFigures['makespan'] {
  const firstApproval = Math.min(...builds.map((b) => b.approvedAt ?? Number.POSITIVE_INFINITY));
  const each = builds.map((b) => {
    const minutes =
      b.approvedAt !== null && b.finalAt !== null
        ? (b.finalAt - b.approvedAt) / 60_000
        : Number.NaN;
    const endMinutes = b.finalAt !== null ? (b.finalAt - firstApproval) / 60_000 : Number.NaN;
    const critical = criticalPathMinutes(b.script.build, b.script.workers);
    const boundMinutes = Math.max(critical, limitMinutes);
    return {
      minutes,
      criticalPathMinutes: critical,
      ratio: minutes / critical,
      endMinutes,
      boundMinutes,
      boundRatio: endMinutes / boundMinutes,
    };
  });
  const worst = each.reduce((a, b) => (b.ratio > a.ratio || Number.isNaN(b.ratio) ? b : a));
  const finished = builds.every((b) => b.approvedAt !== null && b.finalAt !== null);
  const spanMinutes = finished
    ? (Math.max(...builds.map((b) => b.finalAt ?? 0)) -
        Math.min(...builds.map((b) => b.approvedAt ?? 0))) /
      60_000
    : Number.NaN;
  const longestCriticalPathMinutes = Math.max(...each.map((b) => b.criticalPathMinutes));
  const leastMinutes = Math.max(limitMinutes, longestCriticalPathMinutes);
  const bounds = each.map((b) => b.boundRatio);
  return {
    ...worst,
    builds: each,
    worstBoundRatio: bounds.some(Number.isNaN) ? Number.NaN : Math.max(...bounds),
    spanMinutes,
    longestCriticalPathMinutes,
    leastMinutes,
    limitedRatio: spanMinutes / leastMinutes,
  };
}

/** What started each reconcile of the scenario's builds (`ScenarioFigures['reconciles']`). */
function reconcileCauses({
  app,
  server,
  repos,
  from,
  to,
}: ScenarioLog): ScenarioFigures['reconciles'] {
  const names = new Set(repos.map((r) => r.gh.fullName));
  const events = new Map(server.deliveries.map((d) => [d.id, d.event]));
  const seen = new Set<string>();
  const counts = new Map<string, number>();
  for (const { deliveryId: id, at, repo } of reconciledLines(app)) {
    if (at < from || at > to || !names.has(repo)) continue;
    const cause = id === null ? 'resync' : seen.has(id) ? 'timed' : (events.get(id) ?? 'unknown');
    if (id !== null) seen.add(id);
    counts.set(cause, (counts.get(cause) ?? 0) + 1);
  }
  return [...counts].map(([cause, count]) => ({ cause, count })).sort((a, b) => b.count - a.count);
}

/** The scenario's share of the app's log, and the run's simulator. */
interface ScenarioLog {
  app: AppProcess;
  server: GitHubServer;
  repos: ScaleRepo[];
  from: number;
  to: number;
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** User + system CPU seconds of a process so far (/proc/<pid>/stat, fields 14 and 15). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Real milliseconds, whatever the fast clock does (hrtime is not scaled). */
function realNow(): number {
  return Number(process.hrtime.bigint() / 1_000_000n);
}

function row(r: Breakdown['byRoute'][number], workers: number): string {
  const per = (n: number) => (n / workers).toFixed(2);
  return `${per(r.requests).padStart(6)} (${per(r.writes)}) [${per(r.notModified)}]`;
}

function printScenario(s: ScenarioFigures): void {
  console.log(
    [
      `${s.name}: ${s.finished ? 'finished' : 'NOT FINISHED'} in ${s.realSeconds.toFixed(0)} real s`,
      `  ${(s.requests / s.workers).toFixed(2)} requests, ${(s.writes / s.workers).toFixed(2)} writes per worker (+ ${(s.sessionWrites / s.workers).toFixed(2)} by sessions; ${(s.notModified / s.workers).toFixed(2)} answered 304, not counted)`,
      `  ${s.cpuSecondsPerWorker.toFixed(3)} app CPU s per worker`,
      `  peak writes: ${s.peakWrites.perMinute} a minute, ${s.peakWrites.perHour} an hour`,
      `  GraphQL points: ${s.graphqlPoints.total} (${s.graphqlPoints.perWorker.toFixed(1)} per worker), at most ${s.graphqlPoints.peakPerHour} in an hour of 5,000`,
      `  makespan ${s.makespan.spanMinutes.toFixed(1)} min ÷ the least the plans and limits allow ${s.makespan.leastMinutes.toFixed(0)} min = ${s.makespan.limitedRatio.toFixed(3)} (longest critical path ${s.makespan.longestCriticalPathMinutes} min, 500 writes an hour alone need ${s.limitMinutes.toFixed(0)} min; worst build ${s.makespan.minutes.toFixed(1)} ÷ ${s.makespan.criticalPathMinutes} = ${s.makespan.ratio.toFixed(3)})`,
      `  webhook to reconcile: max ${s.webhookWait.maxMs.toFixed(0)} ms (${s.webhookWait.maxRealMs.toFixed(1)} real), p99 ${s.webhookWait.p99Ms.toFixed(0)} ms (${s.webhookWait.p99RealMs.toFixed(1)} real), median ${s.webhookWait.medianMs.toFixed(0)} ms (${s.webhookWait.medianRealMs.toFixed(1)} real), ${s.webhookWait.count} deliveries`,
      `  app RSS ${s.rssMiB.before.toFixed(0)} → ${s.rssMiB.after.toFixed(0)} MiB, heap ${s.heapMiB.before.toFixed(1)} → ${s.heapMiB.after.toFixed(1)} MiB (compiled code ${s.codeMiB?.before.toFixed(1)} → ${s.codeMiB?.after.toFixed(1)})`,
      `  each build ÷ its own critical path: ${s.makespan.builds.map((b) => b.ratio.toFixed(2)).join(' ')}`,
      `  each build's end ÷ the later of its critical path and the limit-bound: ${s.makespan.builds.map((b) => b.boundRatio.toFixed(2)).join(' ')}`,
      '  by route: requests (writes) [304s] per worker',
      ...s.byRoute.map((r) => `    ${row(r, s.workers)}  ${r.key}`),
      '  by reason:',
      ...s.byReason.map((r) => `    ${row(r, s.workers)}  ${r.key}`),
      `  reconciles per worker: ${(s.reconciles.reduce((sum, r) => sum + r.count, 0) / s.workers).toFixed(2)}, by what started them:`,
      ...s.reconciles.map((r) => `    ${(r.count / s.workers).toFixed(2).padStart(6)}  ${r.cause}`),
    ].join('\n'),
  );
}

if (isMainModule(import.meta.url)) {
  const k = flagValue('--k');
  const only = flagValue('--only');
  await childMain({
    run: runScale,
    measure: () => measureScale({ ...(k ? { k: Number(k) } : {}), ...(only ? { only } : {}) }),
    print: (report) => {
      for (const s of report.scenarios) printScenario(s);
    },
  });
}
