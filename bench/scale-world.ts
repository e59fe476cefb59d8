import { checkInvariants } from '../sim/chaos/invariants.js';
import { deliveredOrSaysWhy, SAYS_WHY } from '../sim/chaos/says-why.js';
import { installBaton, MAINTAINER } from '../sim/e2e.js';
import { FakeGitHub } from '../sim/github/fake-github.js';
import type { SimRun } from '../sim/github/records.js';
import { buildIdFor, integrationBranch, parseMemberBuildId } from '../src/core/vocabulary/ids.js';
import type { PlanWorkerSpec } from '../test/support/builds.js';
import { isWrite } from './scale-breakdown.js';

export { peakInWindow } from '../sim/github/secondary-limit.js';

import {
  playReviewInRun,
  playSessionJobs,
  type SessionScript,
} from '../test/support/scripted-sessions.js';

/**
 * The scale bench's world on the simulator (bench/scale.ts): repositories set
 * up as a team would (Baton installed, `maxParallel: 20`, GitHub's default
 * branch rules), and scripted sessions that take simulated minutes. Every
 * time here is `Date.now()`, which bench/fast-clock.mjs runs K times faster.
 */

/**
 * Minutes each session takes, on the simulated clock. A change set member's slice session (a
 * plan run of a member build, docs/change-sets.md) calls no model: its jobs fetch the set's
 * branch and copy its part, a minute of runner start-ups. A review takes `review` minutes in
 * a run of its own or after the work or fix session in that session's run.
 */
export const SESSION_MINUTES = { plan: 3, slice: 1, review: 3, workFrom: 8, workTo: 16 } as const;
/**
 * What each session's usage record says it cost, by role: small round figures, so that a
 * 60-worker build stays well within `budget.maxUsd`'s default of 50 USD (a spent budget pauses it).
 */
const SESSION_USD = { plan: 0.05, work: 0.1, review: 0.02, fix: 0.05 };
/** How long after a plan lands the maintainer comments `/approve`. */
const APPROVE_AFTER_MS = 60_000;
/** A run is `queued` this long before it starts (`workflow_run.in_progress`). */
const QUEUED_MS = 10_000;
/** A run completes this long after its publish step wrote (the job's last steps, GitHub's update). */
const COMPLETES_AFTER_MS = 20_000;

/** A content-creating request and when it was made, on the simulated clock. */
export interface Stamped {
  at: number;
  count: number;
}

/** One repository of the world, with what its app and its sessions did. */
export interface ScaleRepo {
  gh: FakeGitHub;
  /** `Date.now()` of each entry of `gh.log`, by index. */
  stamps: number[];
  /** Pull requests and reviews the sessions made, when. */
  sessionWrites: Stamped[];
}

/** One build of a scenario, with when it was approved and when its final PR opened. */
export interface ScaleBuild {
  repo: ScaleRepo;
  issue: number;
  script: SessionScript;
  approvedAt: number | null;
  /** How many requests `gh.log` held when the maintainer approved. */
  approvedLog: number | null;
  finalAt: number | null;
}

/** A repository with Baton installed, as a team running big builds sets it up. */
export function createScaleRepo(gh: FakeGitHub): ScaleRepo {
  installBaton(gh);
  // A team running 60-worker builds raises the parallel limit to its most.
  gh.git.commitOn(gh.defaultBranch, { '.github/baton.yml': 'maxParallel: 20\n' }, 'Baton config');
  // GitHub's default: no "up to date before merging" rule on the build branch.
  gh.requireUpToDate = false;
  // GitHub refuses content-creating requests past 80 a minute and 500 an hour.
  gh.secondaryLimit.enforce = true;
  const repo: ScaleRepo = { gh, stamps: [], sessionWrites: [] };
  const handle = gh.handle.bind(gh);
  gh.handle = (request) => {
    const response = handle(request);
    repo.stamps[gh.log.length - 1] = Date.now();
    return response;
  };
  return repo;
}

/** Deterministic minutes of a worker's work session, between `workFrom` and `workTo`. */
export function workMinutes(build: string, worker: string): number {
  let hash = 7;
  for (const char of `${build}/${worker}`) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_003;
  return (
    SESSION_MINUTES.workFrom + (hash % (SESSION_MINUTES.workTo - SESSION_MINUTES.workFrom + 1))
  );
}

/**
 * Minutes of the longest dependency chain: each worker's work session plus its review, which
 * its work run makes after it (no dispatch between them).
 */
export function criticalPathMinutes(build: string, workers: PlanWorkerSpec[]): number {
  const finish = new Map<string, number>();
  const finishOf = (id: string): number => {
    const known = finish.get(id);
    if (known !== undefined) return known;
    const worker = workers.find((w) => w.id === id);
    const start = Math.max(0, ...(worker?.depends_on ?? []).map(finishOf));
    const end = start + workMinutes(build, id) + SESSION_MINUTES.review;
    finish.set(id, end);
    return end;
  };
  return Math.max(...workers.map((w) => finishOf(w.id)));
}

/**
 * Plays every run the app dispatches in these repositories: `requested` at
 * once, `in_progress` a little later, and after the session's simulated
 * minutes what its publish job writes (scripted-sessions' `playSessionJobs`);
 * a work, contract or fix run's review of the pull request it delivered follows
 * in the same run (`play`). When a plan lands, the maintainer approves a minute later.
 */
export function playSessions(builds: () => ScaleBuild[], repos: ScaleRepo[]): void {
  for (const repo of repos) {
    repo.gh.runListeners.add((run) => {
      const build = builds().find((b) => b.repo === repo && b.script.build === run.inputs.build);
      if (build) schedule(build, run);
    });
  }
}

function schedule(build: ScaleBuild, run: SimRun): void {
  const { gh } = build.repo;
  gh.events.run('requested', run);
  setTimeout(() => {
    run.status = 'in_progress';
    gh.events.run('in_progress', run);
  }, QUEUED_MS);
  setTimeout(() => play(build, run), sessionMs(build, run));
}

function sessionMs(build: ScaleBuild, run: SimRun): number {
  const minutes = ['work', 'contract', 'fix'].includes(run.inputs.role ?? '')
    ? workMinutes(build.script.build, run.inputs.worker ?? '')
    : run.inputs.role === 'plan'
      ? parseMemberBuildId(build.script.build)
        ? SESSION_MINUTES.slice
        : SESSION_MINUTES.plan
      : SESSION_MINUTES.review;
  return minutes * 60_000;
}

/**
 * The session's publish lands; a work, contract or fix run that delivered a pull request
 * ready for review then runs its review jobs, `SESSION_MINUTES.review` more minutes, before
 * it posts the review (and its usage record) and completes, with no dispatch of its own.
 */
function play(build: ScaleBuild, run: SimRun): void {
  const { gh } = build.repo;
  const role = run.inputs.role ?? '';
  const review = publish(build, `${role} session's publish`, () =>
    playSessionJobs(gh, build.script, run),
  );
  if (review) {
    setTimeout(
      () =>
        publish(build, `review in a ${role} run's publish`, () =>
          playReviewInRun(gh, build.script, review),
        ),
      SESSION_MINUTES.review * 60_000,
    );
  }
  if (role === 'plan' && build.approvedAt === null) {
    setTimeout(() => {
      build.approvedAt = Date.now();
      build.approvedLog = gh.log.length;
      gh.addComment({ issue: build.issue, body: '/approve', user: MAINTAINER });
    }, APPROVE_AFTER_MS);
  }
}

/**
 * What a publish job writes lands now (`write`), its pull requests and reviews counted as
 * GitHub counts them, with the app's (`label` names them in the busiest minute); a run it
 * completes completes a little later, as on GitHub.
 */
function publish<T>(build: ScaleBuild, label: string, write: () => T): T {
  const { gh } = build.repo;
  const before = gh.pulls.size + gh.reviews.length;
  gh.finishRun = (id, conclusion) => {
    setTimeout(() => FakeGitHub.prototype.finishRun.call(gh, id, conclusion), COMPLETES_AFTER_MS);
  };
  let written: T;
  try {
    written = write();
  } finally {
    delete (gh as Partial<Pick<FakeGitHub, 'finishRun'>>).finishRun;
  }
  const made = gh.pulls.size + gh.reviews.length - before;
  if (made > 0) {
    build.repo.sessionWrites.push({ at: Date.now(), count: made });
    // Publish writes them with the installation's token: GitHub counts them with the app's.
    gh.secondaryLimit.note(Date.now(), made, label);
  }
  return written;
}

/** Opens and labels the issue of a build; its plan session lands `workers`. */
export function startBuild(
  repo: ScaleRepo,
  { title, workers }: { title: string; workers: PlanWorkerSpec[] },
): ScaleBuild {
  const issue = repo.gh.openIssue({ title, user: MAINTAINER, labels: ['orchestrate'] });
  const build: ScaleBuild = {
    repo,
    issue,
    // Every publish job pushes its session's usage record, whatever the outcome (docs/design-notes.md).
    script: { build: buildIdFor(issue, title), issue, workers, usageUsd: SESSION_USD },
    approvedAt: null,
    approvedLog: null,
    finalAt: null,
  };
  repo.gh.events.labeled(issue, 'orchestrate', MAINTAINER);
  return build;
}

/** When the build's final pull request was opened, if it was. */
export function finalPullAt(build: ScaleBuild): number | null {
  const { gh } = build.repo;
  const head = integrationBranch(build.script.build);
  const pull = [...gh.pulls.values()].find((p) => p.head === head && p.base === gh.defaultBranch);
  return pull ? Date.parse(pull.createdAt) : null;
}

/**
 * A plan in waves of the given widths (each worker of a wave after the first
 * depends on the worker at the same place in the wave before, or its last),
 * then a chain of `chain` workers after the first worker of the last wave.
 */
export function wavesAndChain(widths: number[], chain = 0): PlanWorkerSpec[] {
  const waves = widths.flatMap((width, wave) =>
    Array.from({ length: width }, (_, i) => ({
      id: `W${wave + 1}.${i + 1}`,
      ...(wave === 0
        ? {}
        : { depends_on: [`W${wave}.${Math.min(i, (widths[wave - 1] ?? 1) - 1) + 1}`] }),
    })),
  );
  const links = Array.from({ length: chain }, (_, i) => ({
    id: `W${widths.length + i + 1}.1`,
    depends_on: [`W${widths.length + i}.1`],
  }));
  return [...waves, ...links];
}

/** Waits (simulated seconds) until every build has its final pull request, or `hours` pass. */
export async function untilFinished(
  builds: ScaleBuild[],
  { from, hours }: { from: number; hours: number },
): Promise<boolean> {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    for (const build of builds) build.finalAt ??= finalPullAt(build);
    if (builds.every((b) => b.finalAt !== null)) return true;
    if (Date.now() - from > hours * 3_600_000) return false;
  }
}

/**
 * The chaos runs' invariants of one build (sim/chaos/invariants.ts) that say something was
 * done twice or not at all, but the one that finds each merged head's approving review among
 * the REST requests: scripted sessions add their reviews to the simulator directly.
 */
export function madeTwice(build: ScaleBuild, completed: boolean): string[] {
  return checkInvariants({
    gh: build.repo.gh,
    issue: build.issue,
    build: build.script.build,
    completed,
    personComments: ['/approve'],
  })
    .filter(
      (violation) =>
        !violation.includes('merged after an approve verdict') && !violation.includes(SAYS_WHY),
    )
    .map((violation) => `${build.script.build}: ${violation}`);
}

/** The app's writes in the simulator's log by route, most first (token minting left out). */
export function writesByRoute(gh: FakeGitHub): Record<string, number> {
  const counts = new Map<string, number>();
  for (const entry of gh.log)
    if (isWrite(entry) && !entry.route.includes('/access_tokens'))
      counts.set(entry.route, (counts.get(entry.route) ?? 0) + 1);
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]));
}

/** What GitHub shows of builds played at once in one repository (bench/replicas.ts, serverless-scale.ts). */
export interface BuildsOutcome {
  /** Whether every build opened its final pull request in time. */
  finished: boolean;
  /** Simulated minutes: the first `/approve` to the last final pull request. */
  makespanMinutes: number;
  /** Each build's final pull request, simulated minutes after the first `/approve` (NaN: none). */
  buildEndMinutes: number[];
  /** The installation's most writes (the app's and the sessions') in any simulated minute and hour. */
  peakWrites: { perMinute: number; perHour: number };
  /** The busiest simulated minute's writes, by route (or the session whose publish made them). */
  busiestMinute: Record<string, number>;
  /** Writes GitHub refused past its secondary limits. */
  secondaryRefusals: number;
  /** The app's writes by route, most first. */
  writesByRoute: Record<string, number>;
  /** What GitHub shows done twice (or not at all), per build; empty: nothing. */
  twice: string[];
  /** Each build with no final pull request, and the first line of Baton's last comment on its issue. */
  unfinished: { build: string; lastSaid: string }[];
  /** The builds with no final pull request whose status shows nothing of why (sim/chaos/says-why.ts). */
  silent: string[];
}

export function outcomeOf(repo: ScaleRepo, builds: ScaleBuild[], finished: boolean): BuildsOutcome {
  const { gh } = repo;
  const ends = builds.map((b) =>
    b.finalAt === null ? Number.NaN : (b.finalAt - firstApprovalOf(builds)) / 60_000,
  );
  return {
    finished,
    makespanMinutes: finished ? Math.max(...ends) : Number.NaN,
    buildEndMinutes: ends,
    peakWrites: gh.secondaryLimit.peaks(),
    busiestMinute: gh.secondaryLimit.busiestMinute().writes,
    secondaryRefusals: gh.secondaryLimit.refusals.length,
    writesByRoute: writesByRoute(gh),
    twice: builds.flatMap((b) => madeTwice(b, finished)),
    unfinished: builds
      .filter((b) => b.finalAt === null)
      .map((b) => ({ build: b.script.build, lastSaid: lastSaidOn(gh, b.issue) })),
    silent: builds.flatMap((b) => {
      const why = deliveredOrSaysWhy(gh, {
        issue: b.issue,
        build: b.script.build,
        delivered: (b.finalAt ?? finalPullAt(b)) !== null,
      });
      return why ? [b.script.build] : [];
    }),
  };
}

/** The first line of Baton's last comment on `issue`, the status comment left out: why a build waits. */
function lastSaidOn(gh: FakeGitHub, issue: number): string {
  const said = gh.comments.filter(
    (c) => c.issue === issue && c.user.type === 'Bot' && !c.body.includes('baton:status'),
  );
  return (said.at(-1)?.body ?? '(nothing)').split('\n').slice(0, 2).join(' ').slice(0, 300);
}

/** When the first of the builds was approved. */
export function firstApprovalOf(builds: ScaleBuild[]): number {
  return Math.min(...builds.map((b) => b.approvedAt ?? Number.POSITIVE_INFINITY));
}

/** An outcome read back from JSON, which carries NaN as null. */
export function readOutcome<T extends BuildsOutcome>(outcome: T): T {
  outcome.makespanMinutes ??= Number.NaN;
  outcome.buildEndMinutes = outcome.buildEndMinutes.map((m) => m ?? Number.NaN);
  return outcome;
}
