import { judgedOnFastClock } from './judged.js';
import type { ScaleReport, ScenarioFigures } from './scale.js';
import type { BreakdownRow } from './scale-breakdown.js';

/** One row of bench/results.md's table (bench/run.ts). */
export interface ScaleRow {
  figure: string;
  measured: string;
  target: string;
  met: boolean | null;
}

const n1 = (value: number) => value.toFixed(1);
const ms = (value: number) => Math.round(value).toLocaleString('en');

/**
 * The scale bench's rows, each target beside its figure: per scenario the
 * requests and writes per worker, app CPU per worker, peak writes and
 * makespan ÷ critical path; the webhook wait where builds run at once; the
 * app's memory across the run; and the 4-worker build in one process on nock
 * (`beforePerWorker`, bench/api-calls.ts) beside the same build through the app process.
 */
export function scaleRows(report: ScaleReport, beforePerWorker: number): ScaleRow[] {
  const rows: ScaleRow[] = [];
  for (const s of report.scenarios) {
    const tag = `${s.name}${s.finished ? '' : ' — DID NOT FINISH in time'}`;
    const perWorker = s.requests / s.workers;
    const writes = s.writes / s.workers;
    // A ratio on the fast clock stands only beside the app's real webhook wait (bench/judged.ts).
    const waits = [s.webhookWait.medianRealMs];
    rows.push(
      {
        figure: `Through the app process: GitHub requests / Baton's writes per worker, /approve to final PR (${tag}; the sessions' pull requests and reviews add ${(s.sessionWrites / s.workers).toFixed(1)})`,
        measured: `${n1(perWorker)} / ${n1(writes)}`,
        target: '≤ 12 / ≤ 4.5',
        met: s.finished && perWorker <= 12 && writes <= 4.5,
      },
      {
        figure: `Through the app process: app CPU seconds per worker (${s.name}; the app process alone, /proc)`,
        measured: s.cpuSecondsPerWorker.toFixed(3),
        target: '≤ 1',
        met: s.finished && s.cpuSecondsPerWorker <= 1,
      },
      {
        figure: `Through the app process: peak writes of the app and its sessions per minute / per hour, simulated time, worst installation (${s.name})`,
        measured: `${s.peakWrites.perMinute} / ${s.peakWrites.perHour}`,
        target: '< 80 / < 500',
        met: s.finished && s.peakWrites.perMinute < 80 && s.peakWrites.perHour < 500,
      },
      {
        figure: `Through the app process: GraphQL points of the app per worker / the worst installation's most in an hour of simulated time, GitHub's cost of each call (${s.name})`,
        measured: `${n1(s.graphqlPoints.perWorker)} / ${s.graphqlPoints.peakPerHour.toLocaleString('en')}`,
        target: 'reported / < 5,000',
        met: s.finished && s.graphqlPoints.peakPerHour < 5000,
      },
      {
        figure: `Through the app process: makespan ÷ critical path with the limits applied (the longest plan's critical path, or the least time 500 writes an hour allow the busiest installation's writes, if longer), simulated minutes (${s.name})`,
        ...judgedOnFastClock({
          measured: `${n1(s.makespan.spanMinutes)} ÷ ${s.makespan.leastMinutes.toFixed(0)} = ${s.makespan.limitedRatio.toFixed(3)} (longest critical path ${s.makespan.longestCriticalPathMinutes}, the limits ≥ ${s.limitMinutes.toFixed(0)})`,
          met: s.finished && s.makespan.limitedRatio <= 1.1,
          waits,
        }),
        target: '≤ 1.1',
      },
    );
    if (s.builds > 1) {
      rows.push({
        figure: `Through the app process: each build's end (from the first /approve) ÷ the later of its own plan's critical path and the installation's limit-bound (the least time 500 writes an hour allow all builds' writes), in the order they started (${s.name})`,
        ...judgedOnFastClock({
          measured: `${s.makespan.builds.map((b) => b.boundRatio.toFixed(2)).join(' · ')}; worst ${s.makespan.worstBoundRatio.toFixed(3)} (the limit-bound ${s.limitMinutes.toFixed(0)} min)`,
          met: s.finished && s.makespan.worstBoundRatio <= 1.15,
          waits,
        }),
        target: 'worst ≤ 1.15',
      });
      rows.push({
        figure: `Through the app process: each build's makespan ÷ its own plan's critical path, /approve to final PR, in the order they started; the worst in minutes; over 1.5 where the limit binds, as it must (${s.name})`,
        measured: judgedOnFastClock({
          measured: `${s.makespan.builds.map((b) => b.ratio.toFixed(2)).join(' · ')}; worst ${n1(s.makespan.minutes)} ÷ ${s.makespan.criticalPathMinutes} = ${s.makespan.ratio.toFixed(3)}`,
          met: true,
          waits,
        }).measured,
        target: 'reported',
        met: null,
      });
      rows.push({
        figure: `Through the app process: longest / p99 / median wait from a webhook's delivery to the end of its build's reconcile, simulated ms (real ms), ${s.webhookWait.count.toLocaleString('en')} deliveries (${s.name})`,
        measured: `${ms(s.webhookWait.maxMs)} (${ms(s.webhookWait.maxRealMs)}) / ${ms(s.webhookWait.p99Ms)} (${ms(s.webhookWait.p99RealMs)}) / ${ms(s.webhookWait.medianMs)} (${ms(s.webhookWait.medianRealMs)})`,
        target: 'reported',
        met: null,
      });
    }
  }
  const four = report.scenarios.find((s) => s.workers === 4);
  if (four) {
    rows.push({
      figure:
        'GitHub requests per worker, 4 workers: in one process on nock, a round of sessions at once (above) · through the app process, sessions of minutes',
      measured: `${n1(beforePerWorker)} · ${n1(four.requests / four.workers)}`,
      target: 'comparison',
      met: null,
    });
  }
  // What the app keeps: the heap less V8's compiled machine code, which grows as more paths run hot.
  const kept = (heap: number, code = 0) => heap - code;
  const data = [
    kept(report.heapStartMiB, report.codeStartMiB),
    ...report.scenarios.map((s) => kept(s.heapMiB.after, s.codeMiB?.after)),
  ];
  const code = [report.codeStartMiB, ...report.scenarios.map((s) => s.codeMiB?.after)];
  const rss = [report.rssMiB.start, ...report.scenarios.map((s) => s.rssMiB.after)];
  const growth = (data.at(-1) ?? Number.NaN) - (data[1] ?? Number.NaN);
  rows.push({
    figure: `App heap after a garbage collection, less V8's compiled machine code (that code, RSS), MiB, across the scale run: after start-up, then after each of the ${report.scenarios.length} scenarios`,
    measured: data
      .map(
        (v, i) =>
          `${v.toFixed(1)} (${(code[i] ?? Number.NaN).toFixed(1)}, ${(rss[i] ?? Number.NaN).toFixed(0)})`,
      )
      .join(' / '),
    target: 'flat (< 5 MiB growth after the first build)',
    met: growth < 5,
  });
  return rows;
}

/**
 * The section of bench/results.md on the scale run: how it ran, and requests
 * per worker by route and by the app's reason, beside the same figures
 * measured before this release's savings (`before`, bench/scale-baseline.json).
 */
export function renderScaleSection(report: ScaleReport, before: ScaleBaseline | null): string[] {
  const scenarios = report.scenarios;
  const earlier = (s: ScenarioFigures) => before?.report.scenarios.find((b) => b.name === s.name);
  return [
    '## At scale, through the app process (`bench/scale.ts`)',
    '',
    `The real app process (src/main.ts, LOG_LEVEL info, every setting at its production default) on the`,
    `simulator over HTTP, with scripted sessions of simulated minutes (plan 3, work 8–16, review 3; CI`,
    `passes at once). Both run on bench/fast-clock.mjs, ${report.k} times faster than real time: the run`,
    `took ${Math.round(report.realSeconds)} real seconds. CPU seconds are real; minutes, hours and`,
    `webhook waits are simulated. A webhook's wait on the fast clock stretches the app's real`,
    `processing by ${report.k} (the real ms beside it shrinks the pacing's waits by as much): the truth`,
    'lies between the two. The same stretch lengthens each link of a critical path a little and lets',
    'more events coalesce into one reconcile, so makespan ÷ critical path reads a little high and',
    'requests per worker a little low (see the top of bench/scale.ts for the same builds at K = 50',
    'and 100). Requests are what GitHub counts: an answer of 304 Not Modified to a conditional',
    'read does not count against the primary rate limit, and is given apart. Routes are counted in',
    "the simulator's log for the scenario's repositories, from each one's first `/approve`. Reasons are",
    "the app's own count of its requests (`baton_github_requests_total` on its `/metrics`, each request",
    'counted with the reason in force where it was made, src/github/client/request-reason.ts; GitHub is',
    "sent no header of Baton's own), read at the first `/approve` and at the last final PR: every",
    'request of the app in between, whichever repository it concerned, so their sum can differ a little.',
    ...(before ? ['', `Each cell reads before → after: before is ${before.measured}.`] : []),
    '',
    ...renderBreakdown({
      title: 'Requests per worker, by route',
      scenarios,
      earlier,
      rowsOf: (s) => s.byRoute,
      label: (key) => `\`${key}\``,
    }),
    '',
    ...renderBreakdown({
      title: "Requests (writes) per worker, by Baton's reason",
      scenarios,
      earlier,
      rowsOf: (s) => s.byReason,
      label: (key) => key,
      writes: true,
    }),
    `| answered 304 Not Modified (not counted) | ${scenarios.map((s) => pair(earlier(s)?.notModified, s.notModified, s.workers, earlier(s)?.workers)).join(' | ')} |`,
    `| the sessions' writes (pull requests, reviews) | ${scenarios.map((s) => (s.sessionWrites / s.workers).toFixed(2)).join(' | ')} |`,
    `| real seconds | ${scenarios.map((s) => Math.round(s.realSeconds)).join(' | ')} |`,
    '',
    ...renderReconcileCauses(scenarios),
  ];
}

/** The scale report measured before a change, kept to show what the change did. */
export interface ScaleBaseline {
  /** When and on what it was measured, in words. */
  measured: string;
  report: ScaleReport;
}

/** A per-worker figure, `before → after` when there is a before. */
function pair(
  before: number | undefined,
  after: number,
  workers: number,
  beforeWorkers = workers,
): string {
  const now = (after / workers).toFixed(2);
  return before === undefined ? now : `${(before / beforeWorkers).toFixed(2)} → ${now}`;
}

function renderBreakdown({
  title,
  scenarios,
  earlier,
  rowsOf,
  label,
  writes = false,
}: {
  title: string;
  scenarios: ScenarioFigures[];
  earlier: (s: ScenarioFigures) => ScenarioFigures | undefined;
  rowsOf: (s: ScenarioFigures) => BreakdownRow[];
  label: (key: string) => string;
  writes?: boolean;
}): string[] {
  const keys = [
    ...new Set(
      scenarios.flatMap((s) => [...rowsOf(s), ...rowsOf(earlier(s) ?? s)].map((r) => r.key)),
    ),
  ];
  const cell = (s: ScenarioFigures, key: string) => {
    const before = earlier(s);
    const row = (of: ScenarioFigures | undefined) =>
      of ? rowsOf(of).find((r) => r.key === key) : undefined;
    const figure = (r: BreakdownRow | undefined, workers: number) => {
      const requests = ((r?.requests ?? 0) / workers).toFixed(2);
      return writes ? `${requests} (${((r?.writes ?? 0) / workers).toFixed(2)})` : requests;
    };
    const now = figure(row(s), s.workers);
    return before ? `${figure(row(before), before.workers)} → ${now}` : now;
  };
  const total = (s: ScenarioFigures) => {
    const figure = (of: ScenarioFigures) =>
      `${(of.requests / of.workers).toFixed(2)} / ${(of.writes / of.workers).toFixed(2)}`;
    const before = earlier(s);
    return before ? `${figure(before)} → ${figure(s)}` : figure(s);
  };
  return [
    `| ${title} | ${scenarios.map((s) => s.name).join(' | ')} |`,
    `| --- | ${scenarios.map(() => '---:').join(' | ')} |`,
    ...keys.map((key) => `| ${label(key)} | ${scenarios.map((s) => cell(s, key)).join(' | ')} |`),
    `| all requests / writes | ${scenarios.map(total).join(' | ')} |`,
  ];
}

/**
 * Reconciles per worker by what started them: a webhook (by event), `timed` (a
 * later reconcile an earlier one set off: a dispatch the budget woke, a look
 * again, a held status edit that found the comment changed), `resync` (the
 * periodic resync, and what it set off).
 */
function renderReconcileCauses(scenarios: ScenarioFigures[]): string[] {
  const causes = [...new Set(scenarios.flatMap((s) => s.reconciles.map((r) => r.cause)))];
  const total = (s: ScenarioFigures) => s.reconciles.reduce((sum, r) => sum + r.count, 0);
  const perWorker = (s: ScenarioFigures, cause: string) =>
    ((s.reconciles.find((r) => r.cause === cause)?.count ?? 0) / s.workers).toFixed(2);
  return [
    `| Reconciles per worker, started by | ${scenarios.map((s) => s.name).join(' | ')} |`,
    `| --- | ${scenarios.map(() => '---:').join(' | ')} |`,
    ...causes.map(
      (cause) => `| ${cause} | ${scenarios.map((s) => perWorker(s, cause)).join(' | ')} |`,
    ),
    `| all | ${scenarios.map((s) => (total(s) / s.workers).toFixed(2)).join(' | ')} |`,
    '',
  ];
}
