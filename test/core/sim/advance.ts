import type { PullInfo, RunInfo } from '../../../src/core/snapshot/snapshot.js';
import { makePull } from '../factories.js';
import { chance, newSha, nowOf, openPullOf, postCommand, type World } from './world.js';

/** One minute passes on the fake GitHub: sessions, CI and people move on. */
export function advance(world: World): void {
  world.clock += 60_000;
  for (const run of [...world.snap.runs]) progressRun(world, run);
  for (const pull of world.snap.pulls) if (pull.state === 'open') progressChecks(world, pull);
  if (world.snap.integration && chance(world, 0.03)) world.snap.integration.containsDefault = false;
  actAsPeople(world);
  const final = world.snap.finalPull;
  if (final?.state === 'open' && world.rng() < 0.5) {
    final.state = 'merged';
    // GitHub closes the issue through the final PR's "Closes #n", in the name of who merged it.
    world.snap.issue.state = 'closed';
    world.snap.issue.closed = {
      by: 'maintainer',
      at: nowOf(world),
      byPull: final.number,
      maySteer: true,
    };
  }
}

function progressRun(world: World, run: RunInfo): void {
  if (run.status === 'completed' || world.stuck.has(run.id)) return;
  if (run.status === 'queued') {
    Object.assign(run, { status: 'in_progress', startedAt: nowOf(world), updatedAt: nowOf(world) });
    return;
  }
  if (world.rng() < 0.4) return;
  const failed = chance(world, run.role === 'work' ? 0.15 : 0.08);
  Object.assign(run, {
    status: 'completed',
    conclusion: failed ? 'failure' : 'success',
    updatedAt: nowOf(world),
  });
  if (!failed) finishSession(world, run);
}

/** What a successful session leaves behind, as its publish job would. */
function finishSession(world: World, run: RunInfo): void {
  const { snap } = world;
  const pull = openPullOf(world, run.worker);
  switch (run.role) {
    case 'plan':
      snap.plan = { kind: 'valid', plan: world.plan, sha: newSha(world) };
      if (snap.integration) snap.integration.sha = newSha(world);
      return;
    case 'work':
      if (run.worker && !pull) openPull(world, run.worker);
      return;
    case 'review':
      if (!pull) return;
      pull.reviews.push({
        id: world.nextId++,
        author: 'baton[bot]',
        byBaton: true,
        verdict: chance(world, 0.3) ? 'changes-requested' : 'approve',
        commitSha: (run.trigger ?? '').replace(/^head-/, ''),
        submittedAt: nowOf(world),
        costUsd: 0.01,
      });
      return;
    case 'fix':
      if (pull) newHead(world, pull);
      return;
    case 'research':
    case 'summary':
      return;
  }
}

function openPull(world: World, worker: string): void {
  const head = newSha(world);
  world.snap.branches[worker] = head;
  world.snap.pulls.push(
    makePull({
      number: world.nextId++,
      worker,
      headSha: head,
      checks: { state: 'pending', failedRuns: [] },
      url: `https://github.com/acme/shop/pull/${worker}`,
      createdAt: nowOf(world),
    }),
  );
}

function newHead(world: World, pull: PullInfo): void {
  Object.assign(pull, { headSha: newSha(world), mergeState: 'clean' });
  delete pull.updatedFrom;
  pull.checks = { state: 'pending', failedRuns: [] };
  world.reruns.delete(pull.number);
  world.snap.branches[pull.worker] = pull.headSha;
}

function progressChecks(world: World, pull: PullInfo): void {
  if (pull.checks.state !== 'pending' || world.rng() < 0.4) return;
  if (!chance(world, 0.3)) {
    pull.checks = { state: 'success', failedRuns: [] };
    return;
  }
  const rerun = world.reruns.get(pull.number);
  const failedRuns =
    rerun === undefined ? [{ id: world.nextId++, attempt: 1 }] : [{ id: rerun, attempt: 2 }];
  pull.checks = { state: 'failure', failedRuns };
}

/** People answer what the status comment asks of them, and now and then pause the build. */
function actAsPeople(world: World): void {
  const view = world.lastView;
  if (view?.phase === 'plan-ready') postCommand(world, { name: 'approve' });
  if (view?.phase === 'plan-failed') postCommand(world, { name: 'replan', feedback: 'try again' });
  if (view?.phase !== 'running') return;
  const paused = view.progress.paused !== null;
  if (!paused && chance(world, 0.02)) postCommand(world, { name: 'pause' });
  if (paused && (world.calm || world.rng() < 0.3)) postCommand(world, { name: 'resume' });
  for (const row of view.progress.workers) {
    if (row.state === 'failed')
      postCommand(world, { name: 'retry', worker: row.id, instructions: '' });
    if (row.state === 'needs-human') stepIn(world, row.id);
    if (row.state === 'reviewing') reviewAsPerson(world, row.id);
  }
}

/** A person tries, in turn: a fix with instructions, a forced merge, then skipping the worker. */
function stepIn(world: World, worker: string): void {
  const last = world.interventions.get(worker) ?? { at: 0, count: 0 };
  if (world.clock - last.at < 3 * 60_000) return;
  const steps = [
    { name: 'retry', worker, instructions: 'please fix' },
    { name: 'merge', worker },
    { name: 'skip', worker },
  ] as const;
  postCommand(world, steps[Math.min(last.count, steps.length - 1)] ?? steps[2]);
  world.interventions.set(worker, { at: world.clock, count: last.count + 1 });
}

/** Where Baton's review is not enough (or off), a person reviews each head once. */
function reviewAsPerson(world: World, worker: string): void {
  const pull = openPullOf(world, worker);
  const { review } = world.config;
  if (!pull || (review.enabled && !review.requireHuman)) return;
  if (pull.reviews.some((candidate) => !candidate.byBaton && candidate.commitSha === pull.headSha))
    return;
  pull.reviews.push({
    id: world.nextId++,
    author: 'bob',
    byBaton: false,
    verdict: chance(world, 0.2) ? 'changes-requested' : 'approve',
    commitSha: pull.headSha,
    submittedAt: nowOf(world),
  });
}
