import { createPublicKey } from 'node:crypto';
import { conductInProcess } from '../sim/actions/conduct-in-process.js';
import { startConductorTrigger } from '../sim/actions/conductor-trigger.js';
import { generateAppKey, installConductor } from '../sim/e2e.js';
import { FakeGitHub } from '../sim/github/fake-github.js';
import { startGitHubServer } from '../sim/server/github-server.js';
import { fastClockMain, measureOnFastClock } from './in-child.js';
import type { BenchRow } from './replicas.js';
import {
  type BuildsOutcome,
  createScaleRepo,
  outcomeOf,
  playSessions,
  readOutcome,
  type ScaleBuild,
  startBuild,
  untilFinished,
  wavesAndChain,
} from './scale-world.js';

/**
 * Nothing hosted at scale (#44, docs/serverless.md): builds in one
 * installation, labelled at once, conducted only by the conductor workflow's
 * runs (an installation serves the one repository whose secret holds the
 * app's key, so one repository): each event GitHub sends starts a run whose
 * `route` and `conduct` jobs are played in this process
 * (sim/actions/conduct-in-process.ts: the jobs' own code, one reconcile a
 * build at a time, each job minting its token), and GitHub's hourly
 * `schedule` run. Each conduct job paces by the installation's session runs
 * of the last hour (src/conductor/recent-writes.ts): no job keeps a count.
 *
 * The world is bench/scale.ts's (scale-world.ts: scripted sessions of
 * simulated minutes) on its fast clock (bench/fast-clock.mjs, K times
 * faster), the simulated GitHub refusing writes past its secondary limits (80
 * a minute, 500 an hour). Reported: the installation's most writes in any
 * simulated minute and hour (the conductor's and the sessions'), the
 * refusals, what was made twice, each build's end and the makespan from the
 * first `/approve`, the conduct jobs (and those that failed).
 *
 * `npx tsx bench/serverless-scale.ts [--options '{"builds":3}']` prints the report; `--json` one line.
 */
export interface ServerlessScaleOptions {
  k: number;
  builds: number;
  widths: number[];
}

export interface ServerlessScaleReport extends ServerlessScaleOptions, BuildsOutcome {
  workersPerBuild: number;
  conductJobs: number;
  failedJobs: number;
  realSeconds: number;
}

/** The bench's size: ten builds of ten workers (waves of 4, 3, 2, 1). */
export const SERVERLESS_FULL: ServerlessScaleOptions = { k: 60, builds: 10, widths: [4, 3, 2, 1] };

/** Simulated hours the builds may take before they are reported unfinished. */
const RUN_HOURS = 6;
const HOUR = 3_600_000;

export async function measureServerlessScale(
  options: ServerlessScaleOptions = SERVERLESS_FULL,
  timeoutMs = 900_000,
): Promise<ServerlessScaleReport> {
  const report = await measureOnFastClock<ServerlessScaleReport>(
    'serverless-scale.ts',
    options,
    timeoutMs,
  );
  return readOutcome(report);
}

/** The run, on the fast clock (`--child`). */
async function runServerlessScale(options: ServerlessScaleOptions): Promise<ServerlessScaleReport> {
  const realFrom = process.hrtime.bigint();
  const gh = new FakeGitHub({ owner: 'org', repo: 'ten-builds' });
  const key = generateAppKey();
  gh.appPublicKey = createPublicKey(key);
  const repo = createScaleRepo(gh);
  installConductor(gh, key);
  const server = await startGitHubServer({ gh, appWebhookUrl: null, webhookSecret: 'unused' });
  const trigger = startConductorTrigger({ gh });
  const conductor = conductInProcess({ gh, apiUrl: server.apiUrl, appPrivateKey: key });
  const hourly = setInterval(() => trigger.start('schedule'), HOUR);
  try {
    const builds: ScaleBuild[] = [];
    playSessions(() => builds, [repo]);
    const workers = wavesAndChain(options.widths);
    const startedAt = Date.now();
    for (let i = 0; i < options.builds; i++)
      builds.push(startBuild(repo, { title: `Ten workers ${i + 1}`, workers }));
    const finished = await untilFinished(builds, { from: startedAt, hours: RUN_HOURS });
    if (process.env.BENCH_APP_LOG)
      (await import('node:fs')).writeFileSync(process.env.BENCH_APP_LOG, conductor.output());
    return {
      ...options,
      workersPerBuild: workers.length,
      ...outcomeOf(repo, builds, finished),
      conductJobs: conductor.jobs.length,
      failedJobs: conductor.jobs.filter((job) => job.code !== 0).length,
      realSeconds: Number(process.hrtime.bigint() - realFrom) / 1e9,
    };
  } finally {
    clearInterval(hourly);
    conductor.close();
    trigger.close();
    await conductor.idle();
    await server.close();
  }
}

function print(report: ServerlessScaleReport): void {
  console.log(
    [
      `nothing hosted, ${report.builds} builds of ${report.workersPerBuild} workers: ${report.finished ? 'finished' : 'NOT FINISHED'} in ${report.realSeconds.toFixed(0)} real s`,
      `  makespan ${report.makespanMinutes.toFixed(1)} min; each build's end ${report.buildEndMinutes.map((m) => m.toFixed(1)).join(' ')}`,
      `  peak writes ${report.peakWrites.perMinute} a minute, ${report.peakWrites.perHour} an hour; secondary-limit refusals ${report.secondaryRefusals}`,
      `  the busiest minute: ${Object.entries(report.busiestMinute)
        .map(([what, n]) => `${n} ${what}`)
        .join(', ')}`,
      `  writes by route: ${Object.entries(report.writesByRoute)
        .map(([route, n]) => `${n} ${route}`)
        .join(', ')}`,
      `  made twice: ${report.twice.length === 0 ? 'nothing' : report.twice.join('; ')}`,
      `  conduct jobs ${report.conductJobs} (${report.failedJobs} failed)`,
    ].join('\n'),
  );
}

await fastClockMain(import.meta.url, {
  defaults: SERVERLESS_FULL,
  run: runServerlessScale,
  measure: measureServerlessScale,
  print,
});

/** The part's rows of `npm run bench` (bench/run.ts). */
export function serverlessScaleRows(report: ServerlessScaleReport): BenchRow[] {
  return [
    {
      figure: `Nothing hosted: peak writes of the conductor's jobs and the sessions per simulated minute / hour, GitHub's secondary-limit refusals, what was made twice (${report.builds} builds of ${report.workersPerBuild} workers in one installation, labelled at once; ${report.conductJobs} conduct jobs)`,
      measured: `${report.peakWrites.perMinute} / ${report.peakWrites.perHour}, ${report.secondaryRefusals} refused, ${report.twice.length} twice; makespan ${report.makespanMinutes.toFixed(1)} min`,
      target: '< 80 / < 500, 0, 0',
      met:
        report.finished &&
        report.peakWrites.perMinute < 80 &&
        report.peakWrites.perHour < 500 &&
        report.secondaryRefusals === 0 &&
        report.twice.length === 0,
    },
  ];
}
