import type { SimRequestLog } from '../sim/github/fake-github.js';
import { installedRepo, type PlanWorkerSpec, tickingClock } from '../test/support/builds.js';
import { driveBuild, type SessionScript } from '../test/support/scripted-sessions.js';
import { startPacedApp } from './paced-app.js';
import { isWrite } from './scale-breakdown.js';

/**
 * GitHub API requests the app makes for one build, by route, from `/approve`
 * to the final PR, through the real app (handlers, reconciler, Octokit) on the
 * simulated GitHub. Each round delivers the events of the round before at
 * once, as GitHub does in a burst, then the events the app's own writes set
 * off (a merge's push, an updated branch's synchronize: GitHub sends them
 * within a second), then every queued session finishes.
 *
 * The status comment is paced as in production (one edit per build every
 * `STATUS_EDIT_SECONDS`, a trailing edit after), and the installation's write
 * budget is on: their clock moves a minute per round, because a round stands
 * for sessions that take minutes, so a round's deferred edit is made before
 * the next round starts, and a window's budget is spent as a real build's
 * would be if its sessions took a minute each (a floor: they take longer).
 */
export interface ApiCallReport {
  workers: number;
  /** Requests GitHub counts: every one but those answered 304 Not Modified. */
  total: number;
  /** Conditional reads answered 304 Not Modified, which GitHub does not count. */
  notModified: number;
  perWorker: number;
  /** Content-creating requests: every REST method but GET and HEAD (GraphQL here is queries only). */
  writes: number;
  writesPerWorker: number;
  byRoute: { route: string; calls: number }[];
  /**
   * Writes of the app and its sessions (their pull requests and reviews) per
   * round, a round standing for a minute: the most in one round and in any 60.
   */
  peakWrites: { perRound: number; perSixtyRounds: number };
  /** Rounds from `/approve` to the final pull request. */
  rounds: number;
  /** CPU seconds of this process per worker, /approve to final PR: the app and the simulated GitHub. */
  cpuSecondsPerWorker: number;
  /**
   * Status comment edits, and those of them a person would not see as
   * different: the text read (hidden markers and link targets left out) is
   * the same as the version before.
   */
  statusEdits: { total: number; unseen: number };
}

const ROUND_MS = 60_000;

const STATUS_EDIT = 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}';
const COMMENT_POST = 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments';

/** A comment as a person reads it: without hidden markers (the command ledger) and link targets. */
export function visibleText(body: string): string {
  return body.replace(/<!--[\s\S]*?-->/g, '').replace(/\]\([^)]*\)/g, ']');
}

/** The status comment edits from log entry `from` on, and those that changed nothing a person sees. */
function countStatusEdits(log: SimRequestLog[], from: number): { total: number; unseen: number } {
  let last: string | null = null;
  let total = 0;
  let unseen = 0;
  for (const [index, entry] of log.entries()) {
    const body = String((entry.body as { body?: unknown } | null)?.body ?? '');
    const isStatus = body.includes('<!-- baton:status');
    if (entry.status >= 300 || !isStatus) continue;
    if (entry.route === STATUS_EDIT && index >= from) {
      total++;
      if (last !== null && visibleText(body) === visibleText(last)) unseen++;
    }
    if (entry.route === STATUS_EDIT || entry.route === COMMENT_POST) last = body;
  }
  return { total, unseen };
}

/**
 * A plan in waves of the given widths: each worker of a wave after the first
 * depends on the worker at the same place in the wave before (or its last).
 */
export function wavesPlan(widths: number[]): PlanWorkerSpec[] {
  return widths.flatMap((width, wave) =>
    Array.from({ length: width }, (_, i) => ({
      id: `W${wave + 1}.${i + 1}`,
      ...(wave === 0
        ? {}
        : { depends_on: [`W${wave}.${Math.min(i, (widths[wave - 1] ?? 1) - 1) + 1}`] }),
    })),
  );
}

/** Runs a build of `width` independent workers plus a chain of `depth` (or `plan`) through the real app. */
export async function measureApiCalls({
  width = 3,
  depth = 1,
  plan,
  requireUpToDate = true,
  extra = {},
}: {
  width?: number;
  depth?: number;
  plan?: PlanWorkerSpec[];
  /** Branch protection's "up to date before merging" on the build branch (see FakeGitHub). */
  requireUpToDate?: boolean;
  /** What else the app is started with (`startPacedApp`): the audit stream and traces (bench/audit.ts). */
  extra?: Parameters<typeof startPacedApp>[2];
} = {}): Promise<ApiCallReport> {
  const now = tickingClock();
  const gh = installedRepo(now);
  gh.requireUpToDate = requireUpToDate;
  const { app, time, stop } = await startPacedApp(gh, now, extra);
  // Writes per round: the app's from the log, the sessions' as the pull requests and
  // reviews that appeared beyond the app's own (scripted sessions write to the simulator directly).
  const perRound: number[] = [];
  let seen = { log: 0, made: 0 };
  const countRound = () => {
    const appWrites = gh.log.slice(seen.log).filter(isWrite);
    const made = gh.pulls.size + gh.reviews.length;
    const byApp = appWrites.filter((e) => e.route === 'POST /repos/{owner}/{repo}/pulls').length;
    perRound.push(appWrites.length + (made - seen.made - byApp));
    seen = { log: gh.log.length, made };
  };
  const afterRound = async () => {
    time.advance(ROUND_MS);
    await app.idle();
    countRound();
  };
  try {
    const workers = plan ?? [
      ...Array.from({ length: width }, (_, i) => ({ id: `W1.${i + 1}` })),
      ...Array.from({ length: depth }, (_, i) => ({
        id: `W${i + 2}.1`,
        depends_on: [i === 0 ? 'W1.1' : `W${i + 1}.1`],
      })),
    ];
    const script: SessionScript = { build: '1-measure', issue: 1, workers };
    const issue = gh.openIssue({ title: 'Measure', labels: ['orchestrate'] });
    gh.events.labeled(issue, 'orchestrate', 'maintainer');
    await driveBuild({ gh, apps: [app], script, burst: true, afterRound, echoesInRound: true });
    const from = gh.log.length;
    perRound.length = 0;
    seen = { log: from, made: gh.pulls.size + gh.reviews.length };
    const cpu = process.cpuUsage();
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
    // A build at rest with writes deferred (timers set) goes on when their window has room.
    do
      await driveBuild({
        gh,
        apps: [app],
        script,
        burst: true,
        afterRound,
        maxRounds: 400,
        echoesInRound: true,
      });
    while (time.pending().length > 0);
    const used = process.cpuUsage(cpu);
    const final = [...gh.pulls.values()].find((pull) => pull.base === gh.defaultBranch);
    if (!final) throw new Error('the measured build did not open its final pull request');
    const asked = gh.log.slice(from).filter((entry) => !entry.route.includes('/access_tokens'));
    // What GitHub counts: a 304 Not Modified to a conditional read is not (given apart).
    const calls = asked.filter((entry) => entry.status !== 304);
    const counts = new Map<string, number>();
    for (const entry of calls) counts.set(entry.route, (counts.get(entry.route) ?? 0) + 1);
    const byRoute = [...counts]
      .map(([route, n]) => ({ route, calls: n }))
      .sort((a, b) => b.calls - a.calls);
    const writes = calls.filter(isWrite).length;
    const sixty = perRound.map((_, i) => perRound.slice(i, i + 60).reduce((a, b) => a + b, 0));
    const statusEdits = countStatusEdits(gh.log, from);
    return {
      peakWrites: { perRound: Math.max(0, ...perRound), perSixtyRounds: Math.max(0, ...sixty) },
      rounds: perRound.length,
      cpuSecondsPerWorker: (used.user + used.system) / 1e6 / workers.length,
      statusEdits,
      workers: workers.length,
      total: calls.length,
      notModified: asked.length - calls.length,
      perWorker: calls.length / workers.length,
      writes,
      writesPerWorker: writes / workers.length,
      byRoute,
    };
  } finally {
    stop();
  }
}

/** The builds `npm run bench` measures, in the order of bench/results.md's route table. */
export const BENCH_BUILDS: { name: string; options: Parameters<typeof measureApiCalls>[0] }[] = [
  {
    name: '4 workers: 3 at once and a chain of 1, build branch requires up-to-date PRs',
    options: { width: 3, depth: 1 },
  },
  {
    name: '20 workers: 17 at once and a chain of 3, build branch requires up-to-date PRs',
    options: { width: 17, depth: 3 },
  },
  {
    name: "20 workers: the same plan, no up-to-date rule (GitHub's default)",
    options: { width: 17, depth: 3, requireUpToDate: false },
  },
  {
    name: '60 workers: waves of 20, 15, 15, 10, no up-to-date rule',
    options: { plan: wavesPlan([20, 15, 15, 10]), requireUpToDate: false },
  },
];

export interface MeasuredBuild {
  name: string;
  report: ApiCallReport;
}

/** Measures every build of `BENCH_BUILDS`, one after another. */
export async function measureBenchBuilds(): Promise<MeasuredBuild[]> {
  const measured: MeasuredBuild[] = [];
  for (const { name, options } of BENCH_BUILDS) {
    measured.push({ name, report: await measureApiCalls(options) });
  }
  return measured;
}

/** The route table of bench/results.md: requests per worker by route, one column per build. */
export function renderRouteTable(builds: MeasuredBuild[]): string[] {
  const routes = [...new Set(builds.flatMap(({ report }) => report.byRoute.map((r) => r.route)))];
  const perWorker = (report: ApiCallReport, route: string) =>
    ((report.byRoute.find((r) => r.route === route)?.calls ?? 0) / report.workers).toFixed(2);
  return [
    `| Route | ${builds.map(({ name }) => name).join(' | ')} |`,
    `| --- | ${builds.map(() => '---:').join(' | ')} |`,
    ...routes.map(
      (route) =>
        `| \`${route}\` | ${builds.map(({ report }) => perWorker(report, route)).join(' | ')} |`,
    ),
    `| all requests / writes | ${builds.map(({ report }) => `${report.perWorker.toFixed(2)} / ${report.writesPerWorker.toFixed(2)}`).join(' | ')} |`,
    `| answered 304 Not Modified (not counted) | ${builds.map(({ report }) => (report.notModified / report.workers).toFixed(2)).join(' | ')} |`,
    `| status edits a person would not see as different / all status edits | ${builds.map(({ report }) => `${report.statusEdits.unseen} / ${report.statusEdits.total}`).join(' | ')} |`,
  ];
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] === '--bench') {
  // `npx tsx bench/api-calls.ts --bench`: the api-calls part of `npm run bench` alone, its route table.
  console.log(renderRouteTable(await measureBenchBuilds()).join('\n'));
} else if (import.meta.url === `file://${process.argv[1]}`) {
  // `npx tsx bench/api-calls.ts 20,15,15,10 [--loose]`: a plan in waves of those widths.
  const widths = (process.argv[2] ?? '3,1').split(',').map(Number);
  const report = await measureApiCalls({
    plan: wavesPlan(widths),
    requireUpToDate: !process.argv.includes('--loose'),
  });
  console.log(
    `${report.total} requests, ${report.writes} writes for ${report.workers} workers: ${report.perWorker.toFixed(2)} requests and ${report.writesPerWorker.toFixed(2)} writes per worker (${report.notModified} answered 304, not counted)`,
  );
  console.log(
    `peak writes incl. sessions: ${report.peakWrites.perRound} in a round, ${report.peakWrites.perSixtyRounds} in 60; ${report.rounds} rounds; ${report.cpuSecondsPerWorker.toFixed(3)} CPU s per worker`,
  );
  console.log(
    `status edits: ${report.statusEdits.total}, ${report.statusEdits.unseen} a person would not see as different`,
  );
  for (const { route, calls } of report.byRoute)
    console.log(`${String(calls).padStart(5)}  ${route}`);
}
