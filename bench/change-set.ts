import { writeFileSync } from 'node:fs';
import { FakeGitHub } from '../sim/github/fake-github.js';
import { startGitHubServer } from '../sim/server/github-server.js';
import { freePort, startAppProcess } from '../sim/start-app.js';
import { CHANGE_SET_CHECK_NAME, memberBuildId } from '../src/core/vocabulary/ids.js';
import type { PlanWorkerSpec } from '../test/support/builds.js';
import { childMain, fastClockApp, flagValue, isMainModule, measureInChild } from './in-child.js';
import { type WebhookWait, webhookWait } from './judged.js';
import { type Breakdown, breakdownOf } from './scale-breakdown.js';
import {
  createScaleRepo,
  criticalPathMinutes,
  finalPullAt,
  playSessions,
  type ScaleBuild,
  type ScaleRepo,
  startBuild,
  wavesAndChain,
} from './scale-world.js';

/**
 * A change set of 30 workers across three repositories of one installation
 * (docs/change-sets.md), through the REAL app process on the simulator over
 * HTTP, on the fast clock, as bench/scale.ts plays its builds: sessions are
 * scripted (bench/scale-world.ts: 3 minutes to plan, 8–16 to work, 3 to
 * review; a member's slice session, which calls no model, a minute), CI
 * passes at once.
 *
 * The plan: six waves of 6, 4, 6, 6, 5 and 3 workers, the first two in the
 * library, the next two in the service (the issue's repository), the last two
 * in the client; each worker after the first wave depends on one of the wave
 * before, so every wave 3 and wave 5 worker depends on a worker of another
 * repository, and the longest chain crosses all three.
 *
 * Counted, from the set's `/approve` to the last member's final pull request:
 * the app's requests to GitHub in the three repositories (the simulator's log,
 * token requests and 304s left out, as bench/scale.ts counts them) and its
 * writes, per worker; the makespan beside the cross-repository critical path
 * (each worker's work and review after its dependencies', whichever repository
 * they are in; the members' slice sessions and the set's waits are in the
 * makespan, not in the path).
 *
 * `npx tsx bench/change-set.ts [--k 60]` prints the figures; `--json` one line.
 */
export interface ChangeSetReport extends Omit<Breakdown, 'byReason'> {
  k: number;
  workers: number;
  finished: boolean;
  makespanMinutes: number;
  criticalPathMinutes: number;
  /** Delivery to the end of its reconcile, the set's repositories' deliveries (bench/judged.ts). */
  webhookWait: WebhookWait;
  realSeconds: number;
}

const SECRET = 'change-set-bench-secret';
const OWNER = 'set-org';
/** Simulated hours before the set is reported unfinished. */
const LIMIT_HOURS = 4;
/** The waves of the plan, and which repository each wave's workers change. */
const WAVES = [6, 4, 6, 6, 5, 3];
const REPOSITORY_OF_WAVE = ['lib', 'lib', 'service', 'service', 'client', 'client'];

/** Runs the bench in a child process on the fast clock; resolves with its report. */
export async function measureChangeSet({
  k = 60,
  timeoutMs = 600_000,
}: {
  k?: number;
  timeoutMs?: number;
} = {}): Promise<ChangeSetReport> {
  const clock = new URL('./fast-clock.mjs', import.meta.url).href;
  const env = { ...process.env, FAST_CLOCK_K: String(k), FAST_CLOCK_EPOCH: String(Date.now()) };
  return measureInChild<ChangeSetReport>('change-set.ts', timeoutMs, {
    nodeArgs: ['--import', clock],
    args: ['--child'],
    env,
  });
}

/** The set's workers, each with its repository (`owner/name`). */
export function setWorkers(): (PlanWorkerSpec & { repository: string })[] {
  return wavesAndChain(WAVES).map((worker) => {
    const wave = Number(/^W(\d+)\./.exec(worker.id)?.[1]);
    return { ...worker, repository: `${OWNER}/${REPOSITORY_OF_WAVE[wave - 1]}` };
  });
}

/**
 * Minutes of the longest chain of the set's graph: each worker's work (as the
 * bench's sessions take it, in its member build) and review, after every
 * worker it depends on, in whatever repository.
 */
export function crossCriticalPath(
  setBuild: string,
  home: string,
  workers: ReturnType<typeof setWorkers>,
): number {
  // Every member build has the set's name: its sessions' minutes are drawn by it.
  return criticalPathMinutes(memberBuildId(setBuild, home), workers);
}

/** The run itself, on the fast clock (`--child`). */
async function runChangeSet(): Promise<ChangeSetReport> {
  const k = Number(process.env.FAST_CLOCK_K);
  const realStart = realNow();
  const [service, lib, client] = ['service', 'lib', 'client'].map((repo, index) =>
    createScaleRepo(
      new FakeGitHub({ owner: OWNER, repo, installationId: 1, repositoryId: index + 1 }),
    ),
  ) as [ScaleRepo, ScaleRepo, ScaleRepo];
  const repos = [service, lib, client];
  for (const one of repos) {
    one.gh.installationPeers.push(...repos.filter((r) => r !== one).map((r) => r.gh));
    one.gh.defaultBranchRequiredChecks.add(CHANGE_SET_CHECK_NAME);
  }
  const home = service.gh.fullName;
  service.gh.git.commitOn(
    service.gh.defaultBranch,
    {
      '.github/baton.yml': `maxParallel: 20\nchangeSets:\n  repositories: [${lib.gh.fullName}, ${client.gh.fullName}]\n`,
    },
    'A change set across the library and the client',
  );
  const port = await freePort();
  const server = await startGitHubServer({
    gh: service.gh,
    repositories: [lib.gh, client.gh],
    appWebhookUrl: `http://127.0.0.1:${port}/api/github/webhooks`,
    webhookSecret: SECRET,
  });
  const app = await startAppProcess({
    ...fastClockApp({ gheHost: server.host, webhookSecret: SECRET, k }),
    port,
  });

  const workers = setWorkers();
  const builds: ScaleBuild[] = [];
  playSessions(() => builds, repos);
  try {
    const set = startBuild(service, { title: 'Rename across three repositories', workers });
    // The set's plan session writes every worker with its repository.
    set.script.plan = setPlan(set.script.build, set.issue, workers, home);
    builds.push(set);
    // Each member's slice session lands its part; no /approve is asked of a member (approvedAt).
    const member = memberBuildId(set.script.build, home);
    for (const one of repos) {
      builds.push({
        repo: one,
        issue: set.issue,
        script: {
          build: member,
          issue: set.issue,
          workers: workers.filter((w) => w.repository === one.gh.fullName),
          usageUsd: set.script.usageUsd ?? {},
        },
        approvedAt: 0,
        approvedLog: null,
        finalAt: null,
      });
    }
    const members = builds.slice(1);
    const startedAt = Date.now();
    const logFrom = new Map<ScaleRepo, number>();
    let finished = true;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      if (set.approvedAt !== null && logFrom.size === 0)
        for (const one of repos)
          logFrom.set(one, one === service ? (set.approvedLog ?? 0) : one.gh.log.length);
      for (const member of members) member.finalAt ??= finalPullAt(member);
      if (members.every((member) => member.finalAt !== null)) break;
      if (Date.now() - startedAt > LIMIT_HOURS * 3_600_000) {
        finished = false;
        process.stderr.write(
          `${service.gh.comments.find((c) => c.body.includes('<!-- baton:status'))?.body}\n`,
        );
        for (const one of repos)
          process.stderr.write(
            `${one.gh.fullName} listings: ${one.gh.log
              .filter((e) => e.path.includes('installation'))
              .map((e) => `${e.method} ${e.path} ${e.status}`)
              .join(', ')}\n`,
          );
        for (const one of repos)
          process.stderr.write(
            `${one.gh.fullName}: runs ${one.gh.runs.map((run) => `${run.inputs.role}:${run.inputs.worker ?? ''}:${run.conclusion ?? run.status}`).join(' ')}; pulls ${[...one.gh.pulls.values()].map((pull) => `${pull.head}:${pull.state}${pull.mergedAt ? '+merged' : ''}`).join(' ')}\n`,
          );
        break;
      }
    }
    const calls = repos.flatMap((one) =>
      one.gh.log
        .slice(logFrom.get(one) ?? one.gh.log.length)
        .filter((entry) => !entry.route.includes('/access_tokens')),
    );
    const { requests, writes, notModified, byRoute } = breakdownOf(calls);
    const end = Math.max(...members.map((member) => member.finalAt ?? Number.NaN));
    return {
      k,
      workers: workers.length,
      finished,
      requests,
      writes,
      notModified,
      byRoute,
      makespanMinutes: (end - (set.approvedAt ?? Number.NaN)) / 60_000,
      criticalPathMinutes: crossCriticalPath(set.script.build, home, workers),
      webhookWait: webhookWait({
        apps: [app],
        server,
        repos: repos.map((one) => one.gh.fullName),
        from: startedAt,
        to: Date.now(),
        k,
      }),
      realSeconds: (realNow() - realStart) / 1000,
    };
  } finally {
    await app.stop();
    await server.close();
    // `BENCH_APP_LOG=file`: the app's log lines, to see what each reconcile did.
    if (process.env.BENCH_APP_LOG) writeFileSync(process.env.BENCH_APP_LOG, app.output());
  }
}

/** The set's plan.json, as its plan session writes it: every worker, those elsewhere with their repository. */
function setPlan(
  build: string,
  issue: number,
  workers: ReturnType<typeof setWorkers>,
  home: string,
) {
  return {
    version: 1,
    build,
    issue,
    title: 'Rename across three repositories',
    summary: 'The library, then the service, then the client.',
    workers: workers.map((w) => ({
      id: w.id,
      title: `Worker ${w.id}`,
      depends_on: w.depends_on ?? [],
      complexity: 'normal',
      ...(w.repository === home ? {} : { repository: w.repository }),
    })),
  };
}

/** Real milliseconds, whatever the fast clock does (hrtime is not scaled). */
function realNow(): number {
  return Number(process.hrtime.bigint() / 1_000_000n);
}

export function printChangeSet(r: ChangeSetReport): void {
  const per = (n: number) => (n / r.workers).toFixed(2);
  console.log(
    [
      `change set of ${r.workers} workers across three repositories: ${r.finished ? 'finished' : 'NOT FINISHED'} in ${r.realSeconds.toFixed(0)} real s (K = ${r.k})`,
      `  ${per(r.requests)} requests, ${per(r.writes)} writes per worker (${per(r.notModified)} answered 304, not counted)`,
      `  makespan ${r.makespanMinutes.toFixed(1)} min ÷ cross-repository critical path ${r.criticalPathMinutes} min = ${(r.makespanMinutes / r.criticalPathMinutes).toFixed(3)}`,
      `  webhook to reconcile: median ${r.webhookWait.medianRealMs.toFixed(0)} real ms, max ${r.webhookWait.maxRealMs.toFixed(0)}, ${r.webhookWait.count} deliveries`,
      '  by route: requests (writes) [304s] per worker',
      ...r.byRoute.map(
        (row) =>
          `    ${per(row.requests).padStart(6)} (${per(row.writes)}) [${per(row.notModified)}]  ${row.key}`,
      ),
    ].join('\n'),
  );
}

if (isMainModule(import.meta.url)) {
  const k = flagValue('--k');
  await childMain({
    run: runChangeSet,
    measure: () => measureChangeSet(k ? { k: Number(k) } : {}),
    print: printChangeSet,
  });
}
