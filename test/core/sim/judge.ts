import type { PullInfo } from '../../../src/core/snapshot/snapshot.js';
import { openPullOf, type World } from './world.js';

/**
 * The simulation's own reading of when a worker PR may merge, written apart
 * from `decide` so the two can disagree: approved (a person's latest word, else
 * Baton's newest review, on the head or the head it merely updated), or a
 * `/merge` since it opened; and green checks.
 */
export function mayMerge(world: World, pull: PullInfo): boolean {
  const checksGreen =
    !world.config.merge.requireChecks ||
    pull.checks.state === 'success' ||
    pull.checks.state === 'none';
  return checksGreen && (forced(world, pull) || approved(world, pull));
}

function forced(world: World, pull: PullInfo): boolean {
  return world.snap.commands.some(
    (info) =>
      info.command.name === 'merge' &&
      info.command.worker === pull.worker &&
      info.createdAt >= pull.createdAt,
  );
}

function approved(world: World, pull: PullInfo): boolean {
  const heads = [pull.headSha, ...(pull.updatedFrom ?? [])];
  const decisive = pull.reviews.filter(
    (review) => heads.includes(review.commitSha) && review.verdict !== 'comment',
  );
  const person = decisive.filter((review) => !review.byBaton).at(-1);
  if (person) return person.verdict === 'approve';
  const baton = decisive.filter((review) => review.byBaton).at(-1);
  return baton?.verdict === 'approve' && !world.config.review.requireHuman;
}

/** Workers holding a slot: not merged or skipped, with an open PR or an unfinished work run. */
export function runningWorkers(world: World): string[] {
  const { snap } = world;
  return world.plan.workers
    .map((worker) => worker.id)
    .filter((id) => {
      if (snap.pulls.some((pull) => pull.worker === id && pull.state === 'merged')) return false;
      if (snap.commands.some((info) => info.command.name === 'skip' && info.command.worker === id))
        return false;
      const latest = snap.runs.filter((run) => run.role === 'work' && run.worker === id).at(-1);
      return (
        openPullOf(world, id) !== undefined ||
        (latest !== undefined && latest.status !== 'completed')
      );
    });
}

/** Every worker merged (once) or skipped. */
export function everyWorkerDone(world: World): boolean {
  const { snap } = world;
  return world.plan.workers.every(
    (worker) =>
      snap.pulls.some((pull) => pull.worker === worker.id && pull.state === 'merged') ||
      snap.commands.some(
        (info) => info.command.name === 'skip' && info.command.worker === worker.id,
      ),
  );
}
