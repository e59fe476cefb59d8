import { dependentChainLengths } from '../src/core/plan/schedule.js';
import { leastMinutesFor } from '../src/core/snapshot/estimate.js';
import type { BuildSnapshot, PullInfo, RunInfo } from '../src/core/snapshot/snapshot.js';
import {
  dispatchedSessionWrites,
  dispatchedWorkerWrites,
  forecastWrites,
  sessionLengthOf,
  startedWorkerWrites,
  workerCourse,
} from '../src/core/workers/write-forecast.js';
import { createWriteBudget, type WriteBudget } from '../src/github/client/pacing/write-budget.js';
import { peakWindow } from '../src/github/client/pacing/write-windows.js';
import { make, planRun, sha } from '../test/core/factories.js';
import type { PlanWorkerSpec } from '../test/support/builds.js';
import { type Row, renderTable } from './parts.js';
import { criticalPathMinutes, SESSION_MINUTES, wavesAndChain, workMinutes } from './scale-world.js';

/**
 * The write budget's pacing alone, on a model of the scale bench's ten builds in
 * one installation (bench/scale.ts): the real budget (`createWriteBudget`) and
 * the real forecast (`forecastWrites` of each build's snapshot), on a clock of
 * simulated minutes that no machine's load can stretch. Sessions take the scale
 * world's lengths (work 8–16 minutes by worker, review 3). Each worker's writes
 * are those the app and its run make: its dispatch at its first dispatch; in
 * that one run, its session's pull request (and the session's usage record)
 * when the session ends, then the review the run's review jobs post 3 minutes
 * later (with the review's usage record, `after: 'work'`, and the run's end);
 * its merge and a status edit when the review approves; a build's 5 when its
 * last worker merges. The budget is told what the app's `act` tells it
 * (`workerCourse` of the snapshot). Every event is reconciled at once. What this leaves out is the
 * app's own time: a reconcile here takes none, where the real app's takes
 * milliseconds (and, on a loaded machine on the fast clock, simulated
 * minutes): the scale bench's rows measure that.
 *
 * `npx tsx bench/pacing.ts` prints its rows and each build's end. Its second
 * row is a comparison, a workflow from before the review jobs of 2026-11-30:
 * each review a run the app dispatches when it sees the pull request (a write
 * more), after the work's run ends, the budget counting it as it counts such a
 * build now (each work dispatch with a review in its run, until a build's first
 * run ends without one: its first wave's a write more each).
 */
export interface PacingFigures {
  builds: number;
  workers: number;
  /** Every write GitHub counted (the app's and the sessions'), and per worker. */
  writes: number;
  /** Simulated minutes, the first /approve to the last final pull request. */
  makespanMinutes: number;
  /** The least time the writes need at a steady pace (`leastMinutesFor`). */
  limitMinutes: number;
  longestCriticalPathMinutes: number;
  /** Makespan ÷ the later of the limit-bound and the longest critical path. */
  ratio: number;
  /** The most writes in any sliding hour. */
  peakHour: number;
  /** Each build's end, minutes after the first /approve. */
  ends: number[];
}

const MINUTE = 60_000;
const START = Date.UTC(2026, 2, 1, 12);
/** Writes the app makes at a first dispatch: the dispatch (a first attempt takes no lock ref). */
const AT_DISPATCH = 1;
/** The build's writes after its last merge: the final pull request, its reviewers, a notice and its ref, a status edit. */
const AT_END = 5;

interface ModelBuild {
  key: string;
  workers: PlanWorkerSpec[];
  snapshot: BuildSnapshot;
  finalAt: number | null;
}

export function measurePacing({
  builds = 10,
  reviewDispatch = false,
}: {
  builds?: number;
  /**
   * true: each review a dispatch of its own (the comparison row, a workflow from before
   * 2026-11-30's review jobs); by default the work's run reviews its head.
   */
  reviewDispatch?: boolean;
} = {}): PacingFigures {
  let now = START;
  let seq = 0;
  const events: { at: number; seq: number; run: () => void }[] = [];
  const schedule = (at: number, run: () => void) => {
    events.push({ at, seq: seq++, run });
    return () => {
      const index = events.findIndex((event) => event.run === run);
      if (index >= 0) events.splice(index, 1);
    };
  };
  const budget: WriteBudget = createWriteBudget({
    clock: () => now,
    setTimer: (run, ms) => schedule(now + ms, run),
  });
  const made: { at: number; count: number }[] = [];
  /** A write of the app's: GitHub counts it, and so does the budget, as the app's client does. */
  const write = (count: number) => {
    made.push({ at: now, count });
    budget.note(count);
  };
  const plan = wavesAndChain([4, 3, 2, 1]);
  const all: ModelBuild[] = Array.from({ length: builds }, (_, i) => ({
    key: `org/ten#${i + 1}-ten-workers-${i + 1}`,
    workers: plan,
    snapshot: make.snapshot({
      build: `${i + 1}-ten-workers-${i + 1}`,
      plan: { kind: 'valid', plan: make.plan({ workers: planWorkers(plan) }), sha: sha('p') },
      runs: [planRun({ createdAt: iso(START - 4 * MINUTE), updatedAt: iso(START - MINUTE) })],
      commands: [make.command({ name: 'approve' }, { createdAt: iso(START) })],
      branches: {},
      pulls: [],
    }),
    finalAt: null,
  }));
  let runId = 1;
  // A build's status edit after a merge; one that must wait is made when the budget has room,
  // with what changed meanwhile.
  const held = new Set<string>();
  const editStatus = (key: string) => {
    const wait = budget.waitFor('status');
    if (wait === 0) return write(1);
    if (held.has(key)) return;
    held.add(key);
    schedule(now + wait, () => {
      held.delete(key);
      editStatus(key);
    });
  };
  const reconcile = (build: ModelBuild) => {
    const { snapshot } = build;
    // As the app's act reads it: the build's sessions' lengths, and whether its runs review
    // in the run (taken so until a run ends with its session complete and no review in it).
    const course = workerCourse(snapshot);
    budget.owe(build.key, forecastWrites({ snapshot, nowMs: now }));
    for (const pull of snapshot.pulls) {
      if (pull.state !== 'open') continue;
      if (pull.reviews.length > 0) {
        write(1);
        pull.state = 'merged';
        editStatus(build.key);
        continue;
      }
      // In the work's run, the review is under way; the comparison's is the app's to dispatch.
      const reviewed = snapshot.runs.some(
        (run) => run.role === 'review' && run.worker === pull.worker,
      );
      if (!reviewDispatch || reviewed) continue;
      // Its review's dispatch, and the review it posts when it lands.
      write(1);
      budget.note(1, now + sessionLengthOf(course, 'review'));
      const run = addRun(snapshot, {
        id: runId++,
        role: 'review',
        worker: pull.worker,
        at: now,
        trigger: `head-${pull.headSha}`,
      });
      schedule(now + SESSION_MINUTES.review * MINUTE, () => {
        made.push({ at: now, count: 1 });
        finishRun(run);
        pull.reviews.push(
          make.review({ id: run.id, commitSha: pull.headSha, submittedAt: iso(now) }),
        );
        reconcile(build);
      });
    }
    const chains = dependentChainLengths(planWorkers(build.workers));
    const started = (id: string) => snapshot.branches[id] !== undefined;
    const merged = (id: string) =>
      snapshot.pulls.some((p) => p.worker === id && p.state === 'merged');
    const ready = build.workers
      .filter((w) => !started(w.id) && (w.depends_on ?? []).every(merged))
      .sort((a, b) => (chains.get(b.id) ?? 0) - (chains.get(a.id) ?? 0));
    // Whether a first dispatch waits: the build keeps its place among the waiters (`settled`).
    let waits = false;
    for (const worker of ready) {
      const writes = startedWorkerWrites(now, course);
      const wait = budget.waitFor('dispatch', build.key, writes);
      if (wait > 0) {
        budget.wake(build.key, () => schedule(now, () => reconcile(build)), chains.get(worker.id));
        waits = true;
        break;
      }
      write(AT_DISPATCH);
      snapshot.branches[worker.id] = sha(`${build.key}-${worker.id}`);
      const run = addRun(snapshot, { id: runId++, role: 'work', worker: worker.id, at: now });
      budget.note(dispatchedSessionWrites(course, 'work'), now + sessionLengthOf(course, 'work'));
      budget.dispatched(build.key, writes);
      budget.owe(build.key, [
        ...budget.forecast(build.key),
        ...dispatchedWorkerWrites(now, course),
      ]);
      schedule(now + workMinutes(build.snapshot.build, worker.id) * MINUTE, () => {
        // The session's publish opens its pull request and writes the session's usage record.
        made.push({ at: now, count: 1 });
        snapshot.usage = [
          ...(snapshot.usage ?? []),
          make.usageRecord({ run_id: run.id, role: 'work', worker: worker.id }),
        ];
        if (reviewDispatch) finishRun(run);
        const pull = openPull(run, worker.id, now);
        snapshot.pulls.push(pull);
        reconcile(build);
        if (reviewDispatch) return;
        // The run's review jobs: its review publish job posts the review and writes its
        // record (`after`), and the run ends.
        schedule(now + SESSION_MINUTES.review * MINUTE, () => {
          made.push({ at: now, count: 1 });
          pull.reviews.push(
            make.review({ id: run.id, commitSha: pull.headSha, submittedAt: iso(now) }),
          );
          snapshot.usage = [
            ...(snapshot.usage ?? []),
            make.usageRecord({ run_id: run.id, role: 'review', after: 'work', worker: worker.id }),
          ];
          finishRun(run);
          reconcile(build);
        });
      });
    }
    if (build.finalAt === null && build.workers.every((w) => merged(w.id))) {
      write(AT_END);
      build.finalAt = now;
      snapshot.finalPull = { number: 9000, state: 'open', url: '' };
    }
    budget.owe(build.key, forecastWrites({ snapshot, nowMs: now }));
    budget.settled(build.key, waits);
  };
  const finishRun = (run: RunInfo) => {
    Object.assign(run, { status: 'completed', conclusion: 'success', updatedAt: iso(now) });
  };
  for (const build of all) schedule(START, () => reconcile(build));
  while (events.length > 0 && all.some((b) => b.finalAt === null)) {
    events.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const event = events.shift();
    if (!event) break;
    now = Math.max(now, event.at);
    event.run();
  }
  budget.stop();
  const total = made.reduce((sum, w) => sum + w.count, 0);
  const ends = all.map((b) => ((b.finalAt ?? Number.NaN) - START) / MINUTE);
  const makespanMinutes = Math.max(...ends);
  const limitMinutes = leastMinutesFor(total);
  const longest = Math.max(...all.map((b) => criticalPathMinutes(b.snapshot.build, b.workers)));
  return {
    builds,
    workers: builds * plan.length,
    writes: total,
    makespanMinutes,
    limitMinutes,
    longestCriticalPathMinutes: longest,
    ratio: makespanMinutes / Math.max(limitMinutes, longest),
    peakHour: peakWindow(made, { from: START }),
    ends,
  };
}

/** The model as the app is (reviews in their work's run), and the comparison: each review a dispatch. */
export interface PacingReport {
  paced: PacingFigures;
  reviewDispatched: PacingFigures;
}

export function measurePacingReport(): PacingReport {
  return { paced: measurePacing(), reviewDispatched: measurePacing({ reviewDispatch: true }) };
}

/** The model's rows of `npm run bench`'s table (bench/run.ts). */
export function pacingRows({ paced: r, reviewDispatched: dispatched }: PacingReport): Row[] {
  return [
    {
      figure: `The write budget alone, on a model of ${r.builds} builds of ${r.workers / r.builds} workers (waves of 4, 3, 2, 1) in one installation (the real budget and forecast, every event reconciled at once: no app time, no machine's load): makespan ÷ the later of the longest critical path and the limit-bound (the least time the ${r.writes} writes need at 500 an hour), simulated minutes; the busiest hour's writes`,
      measured: measuredOf(r),
      target: '≤ 1.1; < 500',
      met: r.ratio <= 1.1 && r.peakHour < 500,
    },
    {
      figure: `The same model with each review a dispatch of its own, a workflow from before 2026-11-30's review jobs (${dispatched.writes} writes)`,
      measured: measuredOf(dispatched),
      target: 'comparison',
      met: null,
    },
  ];
}

function measuredOf(r: PacingFigures): string {
  const least = Math.max(r.limitMinutes, r.longestCriticalPathMinutes);
  return `${r.makespanMinutes.toFixed(1)} ÷ ${least.toFixed(0)} = ${r.ratio.toFixed(3)} (longest critical path ${r.longestCriticalPathMinutes}, the limits ≥ ${r.limitMinutes.toFixed(0)}); ${r.peakHour}`;
}

function planWorkers(specs: PlanWorkerSpec[]) {
  return specs.map((spec) => make.worker({ id: spec.id, depends_on: spec.depends_on ?? [] }));
}

function addRun(
  snapshot: BuildSnapshot,
  {
    id,
    role,
    worker,
    at,
    trigger = null,
  }: {
    id: number;
    role: RunInfo['role'];
    worker: string;
    at: number;
    trigger?: RunInfo['trigger'];
  },
): RunInfo {
  const run = make.run({
    id,
    role,
    worker,
    trigger,
    status: 'in_progress',
    conclusion: null,
    createdAt: iso(at),
    updatedAt: iso(at),
  });
  snapshot.runs.push(run);
  return run;
}

function openPull(run: RunInfo, worker: string, at: number): PullInfo {
  return make.pull({
    number: 100 + run.id,
    worker,
    headSha: sha(`h${run.id}`),
    state: 'open',
    reviews: [],
    createdAt: iso(at),
  });
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = measurePacingReport();
  console.log(renderTable(pacingRows(report)));
  console.log(`each build's end, minutes: ${report.paced.ends.map((m) => m.toFixed(1)).join(' ')}`);
}
