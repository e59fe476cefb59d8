import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { type MeasuredBuild, measureBenchBuilds, renderRouteTable } from './api-calls.js';
import { attackLines, attackRows, measureAttacks } from './attacks.js';
import { auditCostRows, measureAuditCost } from './audit.js';
import { type ChangeSetReport, measureChangeSet } from './change-set.js';
import type { ContextReport } from './context.js';
import { correctionsRows, measureCorrections } from './corrections.js';
import { doorRows, measureDoors } from './doors.js';
import { type EgressReport, egressUnmeasurable } from './egress.js';
import type { EngineReport } from './engines.js';
import { evidenceRows, measureEvidence } from './evidence.js';
import { measureInChild } from './in-child.js';
import { judgedOnFastClock } from './judged.js';
import { lessonRows, measureLessons } from './lessons.js';
import { type MemoryReport, measureMemory } from './memory.js';
import { measurePacingReport, pacingRows } from './pacing.js';
import { type PageReport, pageRows } from './page.js';
import {
  type MissedPart,
  measurePart,
  missedLines,
  notMeasured,
  type Row,
  renderTable,
  rowsOf,
} from './parts.js';
import { measureProofs, proofRows } from './proof.js';
import { measureReplicas, replicasRows } from './replicas.js';
import { measureScale, type ScaleReport } from './scale.js';
import { renderScaleSection, type ScaleBaseline, scaleRows } from './scale-report.js';
import { measureScheduling, type SchedulingReport } from './scheduling.js';
import type { ServerlessReport } from './serverless.js';
import { measureServerlessScale, serverlessScaleRows } from './serverless-scale.js';
import type { StartupReport } from './startup.js';
import type { SteerReport } from './steer.js';
import type { TokenReport } from './tokens.js';
import type { WebhookReport } from './webhooks.js';

/**
 * `npm run bench`: every figure measured in one run, with its target beside
 * it, printed as one table and written to bench/results.md. A missed target is
 * reported as missed; a part that fails or runs past its time limit is named
 * at the top of results.md, and every other part's figures are written all
 * the same (bench/parts.ts). The run then exits 1.
 */
async function main(): Promise<void> {
  const rows: Row[] = [];
  const missed: MissedPart[] = [];
  const started = Date.now();
  const part = <T>(name: string, measure: () => T | Promise<T>) =>
    measurePart(name, missed, measure);
  const inChild = <T>(file: string, timeoutMs: number) =>
    part(`bench/${file}`, () => measureInChild<T>(file, timeoutMs));

  const byRoute =
    (await part('bench/api-calls.ts', async () => {
      const builds = await measureBenchBuilds();
      if (builds.length === 0) throw new Error('it names no builds');
      return builds;
    })) ?? [];
  const api = byRoute[0]?.report ?? null;
  rows.push(...apiCallRows(byRoute));

  // The same figures at scale, through the real app process on the fast clock (bench/scale.ts).
  const scale = await part('bench/scale.ts', () => measureScale());
  rows.push(...rowsOf(scale, (report) => scaleRows(report, api?.perWorker ?? Number.NaN)));
  // Replicas on one Redis, and nothing hosted, at the same scale (bench/replicas.ts, serverless-scale.ts).
  rows.push(...rowsOf(await part('bench/replicas.ts', () => measureReplicas()), replicasRows));
  rows.push(
    ...rowsOf(
      await part('bench/serverless-scale.ts', () => measureServerlessScale()),
      serverlessScaleRows,
    ),
  );
  // The write budget alone on a model of the ten builds, which no machine's load stretches.
  rows.push(...rowsOf(await part('bench/pacing.ts', () => measurePacingReport()), pacingRows));
  rows.push(
    ...rowsOf(
      await part('bench/scheduling.ts', () => measureScheduling({ plans: 40 })),
      schedulingRows,
    ),
  );
  rows.push(...rowsOf(await part('bench/memory.ts', () => measureMemory()), memoryRows));

  const webhooks = await inChild<WebhookReport>('webhooks.ts', 180_000);
  rows.push(...rowsOf(webhooks, webhookRows));
  const tokens = await inChild<TokenReport>('tokens.ts', 200_000);
  rows.push(...rowsOf(tokens, tokenRows));
  rows.push(...rowsOf(await part('bench/lessons.ts', () => measureLessons()), lessonRows));
  rows.push(
    ...rowsOf(await part('bench/corrections.ts', () => measureCorrections()), correctionsRows),
  );
  rows.push(...rowsOf(await part('bench/proof.ts', () => measureProofs()), proofRows));
  rows.push(...rowsOf(await part('bench/attacks.ts', () => measureAttacks()), attackRows));
  rows.push(...rowsOf(await part('bench/audit.ts', () => measureAuditCost()), auditCostRows));
  rows.push(...rowsOf(await part('bench/doors.ts', () => measureDoors()), doorRows));
  rows.push(
    ...rowsOf(await inChild<ContextReport>('context.ts', 120_000), (report) => [
      contextRow(report),
    ]),
  );
  rows.push(...rowsOf(await inChild<StartupReport>('startup.ts', 200_000), startupRows));
  rows.push(...rowsOf(await inChild<EngineReport>('engines.ts', 900_000), engineRows));
  rows.push(...rowsOf(await inChild<ServerlessReport>('serverless.ts', 600_000), serverlessRows));
  rows.push(...rowsOf(await part('bench/change-set.ts', () => measureChangeSet()), changeSetRows));
  rows.push(...rowsOf(await part('bench/evidence.ts', () => measureEvidence()), evidenceRows));
  rows.push(...rowsOf(await inChild<SteerReport>('steer.ts', 600_000), steerRows));
  rows.push(...rowsOf(await inChild<PageReport>('page.ts', 600_000), pageRows));

  const unmeasurable = egressUnmeasurable();
  const egress = unmeasurable ?? (await inChild<EgressReport>('egress.ts', 120_000));
  rows.push(...rowsOf(egress, egressRows));

  const table = renderTable(rows);
  console.log(table);
  for (const line of missedLines(missed)) console.error(line);
  writeFileSync(
    new URL('./results.md', import.meta.url),
    renderResults({
      table,
      missed,
      ms: Date.now() - started,
      byRoute,
      webhooks,
      tokens,
      scale,
    }),
  );
  if (missed.length > 0) process.exitCode = 1;
}

/** The builds of bench/api-calls.ts: requests (and writes) per worker, status edits, and the 60 workers' peaks. */
function apiCallRows([first, ...builds]: MeasuredBuild[]): Row[] {
  if (!first) return [];
  // Every build's writes are judged beside its requests, the 4-worker build's too.
  const rows: Row[] = [first, ...builds].map(({ name, report }) => ({
    figure: `GitHub requests / writes per worker, /approve to final PR (${name})`,
    measured: `${report.perWorker.toFixed(1)} / ${report.writesPerWorker.toFixed(2)}`,
    target: '≤ 12 / ≤ 4.5',
    met: report.perWorker <= 12 && report.writesPerWorker <= 4.5,
  }));
  const edits = [first, ...builds].map(({ report }) => report.statusEdits);
  rows.push({
    figure:
      'Status comment edits a person would not see as different (the text read, hidden markers and link targets left out, is as before), every build above',
    measured: `${edits.reduce((sum, e) => sum + e.unseen, 0)} of ${edits.reduce((sum, e) => sum + e.total, 0)}`,
    target: '0',
    met: edits.every((e) => e.unseen === 0),
  });
  const sixty = builds.at(-1)?.report;
  if (sixty) {
    rows.push(
      {
        figure:
          'Peak writes of the app and its sessions, 60 workers, per round / per 60 rounds (a round of sessions standing for a minute; the write budget on)',
        measured: `${sixty.peakWrites.perRound} / ${sixty.peakWrites.perSixtyRounds} (${sixty.rounds} rounds)`,
        target: '< 80 / < 500',
        met: sixty.peakWrites.perRound < 80 && sixty.peakWrites.perSixtyRounds < 500,
      },
      {
        figure:
          'CPU seconds per worker, 60 workers, /approve to final PR (the app and the simulated GitHub in one process)',
        measured: sixty.cpuSecondsPerWorker.toFixed(3),
        target: '≤ 1',
        met: sixty.cpuSecondsPerWorker <= 1,
      },
    );
  }
  return rows;
}

/** Makespan ÷ critical path of random plans (bench/scheduling.ts): Baton's, beside a wave barrier and one at a time. */
function schedulingRows(scheduling: SchedulingReport): Row[] {
  return [
    {
      figure: `Makespan ÷ critical path, Baton (mean / worst of ${scheduling.plans} random plans)`,
      measured: `${scheduling.baton.mean.toFixed(3)} / ${scheduling.baton.worst.toFixed(3)}`,
      target: '≤ 1.05',
      met: scheduling.baton.mean <= 1.05,
    },
    {
      figure: 'Makespan ÷ critical path, wave barrier (same plans)',
      measured: `${scheduling.waveBarrier.mean.toFixed(3)} / ${scheduling.waveBarrier.worst.toFixed(3)}`,
      target: 'comparison',
      met: null,
    },
    {
      figure: 'Makespan ÷ critical path, sequential (same plans)',
      measured: `${scheduling.sequential.mean.toFixed(3)} / ${scheduling.sequential.worst.toFixed(3)}`,
      target: 'comparison',
      met: null,
    },
  ];
}

/** The app's heap as events go by (bench/memory.ts). */
function memoryRows(memory: MemoryReport): Row[] {
  const [base, ...after] = memory.readings;
  const last = after.at(-1);
  const growth = base && last ? last.heapMiB - base.heapMiB : Number.NaN;
  return [
    {
      figure: `App heap after ${memory.readings.map((r) => r.events.toLocaleString('en')).join(' / ')} events (MiB)`,
      measured: memory.readings.map((r) => r.heapMiB.toFixed(1)).join(' / '),
      target: 'flat (< 5 MiB growth)',
      met: growth < 5,
    },
  ];
}

/** The long session of bench/context.ts: the prompt the model reads at its last request, with and without context management. */
function contextRow(report: ContextReport): Row {
  const last = report.with.inputTokens.at(-1) ?? 0;
  const peak = Math.max(...report.with.inputTokens);
  return {
    figure: `Input tokens read at the last request of a ${report.turns}-turn session with ~7,000-token tool results, with context management (peak) / without`,
    measured: `${last.toLocaleString('en')} (${peak.toLocaleString('en')}) / ${report.without.outcome.startsWith('failed') ? `refused after ${report.without.inputTokens.length} requests` : 'completed'}`,
    target: `< ${report.window.toLocaleString('en')}`,
    met: report.with.outcome === 'completed' && peak < report.window,
  };
}

function webhookRows(report: WebhookReport): Row[] {
  const { baton, noop, bare } = report.throughput;
  const ratio = baton.perSecond / noop.perSecond;
  const load = `${report.rounds} × ${report.events.toLocaleString('en')} ${report.event}, ${Math.round(report.bytes / 1024)} KB, ${report.concurrency} at a time`;
  const ms = (latency: { p50Ms: number; p99Ms: number }) =>
    `${latency.p50Ms.toFixed(1)} / ${latency.p99Ms.toFixed(1)}`;
  const clean =
    report.failedCalls === 0 &&
    Object.values(report.throughput).every((t) => t.accepted === t.sent);
  return [
    {
      figure: `Webhooks answered per second, Baton ÷ no-op Probot app (${load})`,
      measured: `${perSecond(baton)} ÷ ${perSecond(noop)} = ${ratio.toFixed(2)}×${clean ? '' : ` (${report.failedCalls} API errors, or deliveries refused)`}`,
      target: '≥ 0.8×',
      met: clean && ratio >= 0.8,
    },
    {
      figure: 'Webhooks answered per second, Probot app with no handler (same load)',
      measured: perSecond(bare),
      target: 'comparison',
      met: null,
    },
    {
      figure: `Webhook to first API call, Baton, p50 / p99 ms (${report.samples} one at a time)`,
      measured: ms(report.latency.baton),
      target: 'comparison',
      met: null,
    },
    {
      figure: 'Webhook to first API call, no-op Probot app, p50 / p99 ms (same)',
      measured: ms(report.latency.noop),
      target: 'comparison',
      met: null,
    },
    {
      figure:
        'API requests per webhook, one at a time / under load, Baton (reconciles coalesce per build) · no-op',
      measured: `${report.latency.baton.callsPerEvent.toFixed(2)} / ${baton.callsPerEvent.toFixed(3)} · ${report.latency.noop.callsPerEvent.toFixed(2)} / ${noop.callsPerEvent.toFixed(3)}`,
      target: 'comparison',
      met: null,
    },
    {
      figure: `Webhook to first API call, Baton as \`npm start\` runs it (its request pacing on), median / max ms of ${report.throttled.samples} back to back`,
      measured: `${report.throttled.p50Ms.toFixed(0)} / ${report.throttled.maxMs.toFixed(0)}`,
      target: 'median ≤ 50',
      met: report.throttled.p50Ms <= 50,
    },
  ];
}

const APP_NAMES: Record<string, string> = {
  baton: 'Baton',
  noop: 'no-op Probot app (one API call)',
  bare: 'Probot app with no handler',
};

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function perSecond({ perSecond }: { perSecond: number }): string {
  return Math.round(perSecond).toLocaleString('en');
}

function tokenRows(report: TokenReport): Row[] {
  const proven =
    report.requests > 0 &&
    report.fromApp === 0 &&
    report.fromSessions === report.requests &&
    report.appModelVariables.length === 0;
  const n = (value: number) => value.toLocaleString('en');
  return [
    {
      figure: `Model tokens the app sends (each of the build's ${report.requests} model requests traced to its process)`,
      measured: `${n(report.appTokens)}: ${report.fromApp} requests from the app, ${report.fromSessions} from session agents of the role they name; ANTHROPIC_* in the app: ${report.appModelVariables.length}`,
      target: '0',
      met: proven && report.appTokens === 0,
    },
    ...report.roles.map((role) => ({
      figure: `Model tokens, ${role.role} sessions (${plural(role.sessions, 'session')}, ${plural(role.requests, 'request')}): input (read from cache) / output`,
      measured: `${n(role.input + role.cacheRead + role.cacheWrite)} (${n(role.cacheRead)}) / ${n(role.output)}`,
      target: 'reported',
      met: null,
    })),
  ];
}

/**
 * The old workflow's clone + `npm install` + `tsc` before Baton's first
 * request, timed once by hand on this machine (warm npm cache; see
 * bench/results.md "Session start-up"): the before beside the bundle's after.
 */
const BEFORE_SECONDS = { clone: 0.9, install: 77.2, tsc: 64.5 };

function startupRows(report: StartupReport): Row[] {
  const before = BEFORE_SECONDS.clone + BEFORE_SECONDS.install + BEFORE_SECONDS.tsc;
  return report.jobs.map(({ code, job, medianMs, maxMs }) => {
    const action = code === 'action';
    const what =
      job === 'route' || job === 'conduct'
        ? `Conductor ${job} step (server-less), step start to its first request, Baton's action (both bundles), median / max of ${report.samples}`
        : `Session ${job} job, step start to its first request, ${action ? "Baton's session action (bundle)" : 'sources through tsx'}, median / max of ${report.samples} (before: clone + npm install + tsc ≈ ${before.toFixed(0)} s)`;
    return {
      figure: what,
      measured: `${(medianMs / 1000).toFixed(2)} s / ${(maxMs / 1000).toFixed(2)} s`,
      target: action ? '≤ 3 s' : 'comparison',
      met: action ? maxMs <= 3000 : null,
    };
  });
}

/** Each engine's start-up beside Baton's loop (bench/engines.ts), and what finding or installing it took. */
function engineRows(report: EngineReport): Row[] {
  return report.engines.map(({ engine, version, ensureMs, downloaded, medianMs, maxMs }) => ({
    figure: `Engine ${engine} ${version}, spawn to its first model request, median / max of ${report.samples} (Baton's loop: the agent job row above); ${downloaded ? 'installed into' : 'found in'} the tool cache first in ${(ensureMs / 1000).toFixed(2)} s`,
    measured: `${(medianMs / 1000).toFixed(2)} s / ${(maxMs / 1000).toFixed(2)} s`,
    target: 'reported',
    met: null,
  }));
}

/** A change set across three repositories through the app process (bench/change-set.ts). */
function changeSetRows(r: ChangeSetReport): Row[] {
  const tag = `a change set of ${r.workers} workers across three repositories of one installation: waves of 6 and 4 in the library, 6 and 6 in the service, 5 and 3 in the client, each wave after the first depending on the one before${r.finished ? '' : '; NOT FINISHED'}`;
  const perWorker = r.requests / r.workers;
  const writesPerWorker = r.writes / r.workers;
  const ratio = r.makespanMinutes / r.criticalPathMinutes;
  return [
    {
      figure: `Through the app process: GitHub requests / Baton's writes per worker, /approve to the last final PR, every repository of the set (${tag})`,
      measured: `${perWorker.toFixed(1)} / ${writesPerWorker.toFixed(1)}`,
      target: '≤ 12 / ≤ 4.5',
      met: r.finished && perWorker <= 12 && writesPerWorker <= 4.5,
    },
    {
      figure:
        'Through the app process: makespan ÷ the cross-repository critical path (each worker after its dependencies, whichever repository they are in), simulated minutes (the same change set)',
      ...judgedOnFastClock({
        measured: `${r.makespanMinutes.toFixed(1)} ÷ ${r.criticalPathMinutes} = ${ratio.toFixed(3)}`,
        met: r.finished && ratio <= 1.1,
        waits: [r.webhookWait.medianRealMs],
      }),
      target: '≤ 1.1',
    },
  ];
}

/** The same build with the app hosted and with nothing hosted (bench/serverless.ts), side by side. */
function serverlessRows(report: ServerlessReport): Row[] {
  const [hosted, serverless] = report.modes;
  if (!hosted || !serverless) return [];
  const both = (show: (mode: ServerlessReport['modes'][number]) => string) =>
    `${show(hosted)} · ${show(serverless)}`;
  const build = `the diamond, ${report.workers} workers, a fix, a conflict and a retry; hosted · nothing hosted`;
  const ms = (value: number) => `${(value / 1000).toFixed(1)} s`;
  return [
    {
      figure: `GitHub requests per worker, every one GitHub answered, counted the same way in both modes: all = the reconciles (the app, or the conductor's jobs) + the app's logins and token mints (its JWT, for itself and for publish, wherever made) + the sessions' own, /label to final PR (${build})`,
      measured: both(
        ({ counted: c }) =>
          `${c.all.toFixed(1)} = ${c.reconciles.toFixed(1)} + ${c.auth.toFixed(1)} + ${c.sessions.toFixed(1)}`,
      ),
      target: 'reported',
      met: null,
    },
    {
      figure: `GitHub requests / REST writes per worker of the conductor (the app, or the conductor workflow's jobs), /label to final PR (${build})`,
      measured: both((m) => `${m.requestsPerWorker.toFixed(1)} / ${m.writesPerWorker.toFixed(1)}`),
      target: 'comparison',
      met: null,
    },
    {
      figure: `GitHub requests per worker of the sessions (publish's token: the app's endpoint, or minted from the key) (${build})`,
      measured: both((m) => m.sessionRequestsPerWorker.toFixed(1)),
      target: 'comparison',
      met: null,
    },
    {
      figure: `Event to its reconcile's first write, median / p90 / max (hosted: webhook delivery to the app's next write; nothing hosted: the conductor run's creation to its conduct job's first write, no runner queue simulated) (${build})`,
      measured: both(
        (m) =>
          `${ms(m.delay.medianMs)} / ${ms(m.delay.p90Ms)} / ${ms(m.delay.maxMs)} (${m.delay.count})`,
      ),
      target: 'reported',
      met: null,
    },
    {
      figure: `Actions minutes per worker as GitHub bills them (each job rounded up to its started minute): the conductor's jobs / the sessions' (${build}); the conductor's runs that ran a job / that every job skipped (free)`,
      measured: both(
        (m) =>
          `${m.conductorMinutesPerWorker.toFixed(1)} / ${m.sessionMinutesPerWorker.toFixed(1)}${m.mode === 'serverless' ? ` (${m.conductorRuns.ran} / ${m.conductorRuns.skipped} runs)` : ''}`,
      ),
      target: 'reported',
      met: null,
    },
    {
      figure: `Build time, label to final PR, simulated GitHub at its pace (${build})`,
      measured: both((m) => `${m.seconds.toFixed(0)} s`),
      target: 'comparison',
      met: null,
    },
  ];
}

/** Messages to a running session and the wind-down (bench/steer.ts). */
function steerRows(report: SteerReport): Row[] {
  const { latencyMs, requests, windDown } = report;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const usd = (value: number) => `$${value.toFixed(3)}`;
  const { quiet, steered } = requests;
  return [
    {
      figure: `Steer latency: a writer's \`/steer\` comment to the first model request of W1.1's running session that carries it, median / max of ${report.steers} (Baton's loop on the simulator; the session looks for messages every ${report.pollSeconds} s, as in Actions, and takes a turn a second)`,
      measured: `${seconds(latencyMs.median)} / ${seconds(latencyMs.max)}`,
      target: 'max < 60 s',
      met: latencyMs.max < 60_000,
    },
    {
      figure:
        "GitHub requests a running session adds per minute for its messages, with none / while steered (listings of its message refs, all but a changed one answered 304, which GitHub's rate limit does not count; and each new message's comment and reactions)",
      measured: `${quiet.perMinute.toFixed(1)} (${quiet.listings} listings, ${quiet.unchanged} answered 304) / ${steered.perMinute.toFixed(1)} (${steered.listings} listings, ${steered.unchanged} answered 304, ${steered.reads} reads for ${report.steers} messages)`,
      target: 'reported',
      met: null,
    },
    {
      figure:
        "Spend kept by a wind-down: dollars of W1.1's coding sessions whose work was published ÷ dollars they spent (test/e2e/build-talk's build on Baton's loop: its work session winds down before the build's budget into a draft, `/continue` finishes it)",
      measured: `${usd(windDown.publishedUsd)} ÷ ${usd(windDown.spentUsd)} = ${(windDown.kept * 100).toFixed(0)}% (the partial session's ${usd(windDown.partialUsd)} included)`,
      target: '100%',
      met: windDown.kept >= 0.999,
    },
    {
      figure:
        "A wind-down's spend against its limit: what the build's sessions spent before its budget was raised (the plan, and W1.1's work session that wound down) ÷ that budget (the same build)",
      measured: `${usd(windDown.beforeRaiseUsd)} ÷ ${usd(windDown.budgetUsd)} = ${((windDown.beforeRaiseUsd / windDown.budgetUsd) * 100).toFixed(1)}%`,
      target: '≤ 100%',
      met: windDown.beforeRaiseUsd <= windDown.budgetUsd,
    },
  ];
}

/** What the sandbox costs a session's start-up, each command and its end (bench/egress.ts), or why it was not measured. */
function egressRows(report: EgressReport | string): Row[] {
  const figure = (what: string, samples: number | null) =>
    `${what} the agent's sandbox (bubblewrap, as its tools user), with the egress proxy (its network namespace and forwarder) / without, median / max ms${samples ? ` of ${samples}` : ''}`;
  if (typeof report === 'string') {
    return [
      {
        figure: figure('Opening', null),
        measured: `not measured: ${report}`,
        target: 'reported',
        met: null,
      },
    ];
  }
  const ms = ({ medianMs, maxMs }: { medianMs: number; maxMs: number }) =>
    `${medianMs.toFixed(0)} / ${maxMs.toFixed(0)}`;
  const steps = [
    ['open', 'Opening'],
    ['run', 'One command (`true`) in'],
    ['close', 'Closing'],
  ] as const;
  return steps.map(([step, what]) => {
    const { limited, open } = report[step];
    return {
      figure: figure(what, report.samples),
      measured: `${ms(limited)} with, ${ms(open)} without: the proxy adds ${(limited.medianMs - open.medianMs).toFixed(0)} ms`,
      target: 'reported',
      met: null,
    };
  });
}

/** How to read the per-worker figures, and what the scale figures do not cover yet (issue #12). */
const SCALE_NOTES = [
  'Baton writes per worker, dispatch to merge: its branch (the lock of its first dispatch), the work',
  "dispatch (its review is made in the work's run, with no dispatch of its own; a review run is",
  'dispatched only where that review failed), the `baton/review` check where GitHub holds the PR (a',
  'rule of the build branch), the merge and under one status edit; the build',
  'adds the final PR, its reviewers, a reaction and a comment (0.2 per worker at 20 workers). A',
  'review takes no lock ref, the PRs a round of reviews approves merge in one reconcile, and an',
  "event whose news another event carries (a session's pull request or review, Baton's own merge,",
  "an Actions check suite) starts no reconcile (src/github/reconcile/doors/echoes.ts). A worker's",
  'branch (its lock) is a write of its own; with the',
  'up-to-date rule more: each merge leaves the next sibling behind (merges then go one at a time),',
  'and bringing it up to date is a write (`update-branch`) that makes a new head, which needs its',
  'own `baton/review` check run (a check run belongs to one commit; it cannot be moved to the new',
  'head): about 2 writes more per worker. These builds run in one process on the simulator mounted',
  "on nock (the app tests' harness), each round of sessions at once (a round standing for a",
  "minute), and the events the app's own writes set off (a merge's push) within their round, as",
  'GitHub sends them within a second; many events coalesce into one reconcile. The section below',
  'measures the real app process over HTTP, with sessions that take minutes, ten builds at once in',
  'one installation and across ten.',
];

/** The scale figures measured before this release's savings (bench/scale-baseline.json), if kept. */
function readScaleBaseline(): ScaleBaseline | null {
  const file = new URL('./scale-baseline.json', import.meta.url);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ScaleBaseline) : null;
}

function renderResults({
  table,
  missed,
  ms,
  byRoute,
  webhooks,
  tokens,
  scale,
}: {
  table: string;
  missed: MissedPart[];
  ms: number;
  byRoute: MeasuredBuild[];
  webhooks: WebhookReport | null;
  tokens: TokenReport | null;
  scale: ScaleReport | null;
}): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return [
    '# Benchmark results',
    '',
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpu},`,
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}. The run took ${Math.round(ms / 1000)} s.`,
    '',
    ...missedLines(missed),
    table,
    '',
    '## GitHub requests by route, per worker (the builds above)',
    '',
    'Writes are every REST request but GET and HEAD; `POST /graphql` is the build query.',
    'Status comment edits are paced as in production, a round of sessions standing for a minute.',
    '',
    ...(byRoute.length > 0 ? renderRouteTable(byRoute) : notMeasured('bench/api-calls.ts')),
    '',
    ...SCALE_NOTES,
    '',
    ...(scale
      ? renderScaleSection(scale, readScaleBaseline())
      : [
          '## At scale, through the app process (`bench/scale.ts`)',
          '',
          ...notMeasured('bench/scale.ts'),
          '',
        ]),
    '## Webhooks answered per second, each round (the apps in turn)',
    '',
    ...(webhooks
      ? [
          '| App | Rounds |',
          '| --- | --- |',
          ...Object.entries(webhooks.throughput).map(
            ([app, { rounds }]) =>
              `| ${APP_NAMES[app] ?? app} | ${rounds.map((r) => Math.round(r)).join(' / ')} |`,
          ),
        ]
      : notMeasured('bench/webhooks.ts')),
    '',
    '## Model requests by source (the token build above)',
    '',
    'Each request to the fake Messages API, with the process that held its connection open, read from',
    '`/proc` while the request was being answered.',
    '',
    ...(tokens
      ? [
          '| Request | Role in its system prompt | Source | Its BATON_ROLE, run | Tokens |',
          '| ---: | --- | --- | --- | ---: |',
          ...tokens.trace.map(
            (t) =>
              `| ${t.index} | ${t.role} | ${t.source} | ${t.sessionRole ? `${t.sessionRole}, ${t.run}` : '—'} | ${t.tokens.toLocaleString('en')} |`,
          ),
        ]
      : notMeasured('bench/tokens.ts')),
    '',
    'How each figure is measured: see the comment at the top of each file in `bench/`.',
    '',
    ...keptChaosSection(),
  ].join('\n');
}

/** The heading of the chaos campaigns' section, which `npm run chaos` fills and this run keeps. */
const CHAOS_HEADING = '## Chaos runs';

/**
 * The chaos campaigns' section of bench/results.md as it stands: `npm run chaos` takes
 * half an hour a hundred seeds, so the bench does not run it and keeps what was pasted.
 */
function keptChaosSection(): string[] {
  const file = new URL('./results.md', import.meta.url);
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = text.indexOf(`\n${CHAOS_HEADING}\n`);
  return at < 0 ? [] : [text.slice(at + 1).trimEnd(), ''];
}

/**
 * `npm run bench -- attacks` (or `-- audit`, `-- doors`): one part alone, its lines and its
 * rows printed (bench/results.md is left as it is).
 */
async function partAlone<T>(
  file: string,
  measure: () => Promise<T>,
  rowsOfReport: (report: T) => Row[],
  lines: (report: T) => string[] = () => [],
): Promise<void> {
  const missed: MissedPart[] = [];
  const report = await measurePart(file, missed, measure);
  if (report) console.log(lines(report).join('\n'));
  console.log(renderTable(rowsOf(report, rowsOfReport)));
  for (const line of missedLines(missed)) console.error(line);
  if (missed.length > 0) process.exitCode = 1;
}

const alone = process.argv[2];
if (alone === undefined) await main();
else if (alone === 'attacks')
  await partAlone('bench/attacks.ts', () => measureAttacks(), attackRows, attackLines);
else if (alone === 'audit')
  await partAlone('bench/audit.ts', () => measureAuditCost(), auditCostRows);
else if (alone === 'doors') await partAlone('bench/doors.ts', () => measureDoors(), doorRows);
else
  throw new Error(
    `bench: no part ${JSON.stringify(alone)} runs alone (only \`attacks\`, \`audit\`, \`doors\`)`,
  );
