import { commandText } from './build-progress.js';
import type { Command, CommandError } from './command.js';
import type { Config } from './config.js';
import { decideAdaptations } from './decide-adapt.js';
import { makeContext } from './decide-context.js';
import { compareTimes } from './normalize-snapshot.js';
import type { BuildSnapshot } from './snapshot.js';
import { deriveWorkers, type WorkerState } from './worker-state.js';

/**
 * Commands that parsed but cannot apply to the build as it stands: an unknown
 * worker, nothing to approve, a worker that is still running. Each problem
 * says how to do it right; `decide` ignores such commands anyway, so this only
 * decides what the person is told.
 *
 * A command is judged against the build as it was when it was written (`at`):
 * work that started after it, maybe started by this very `/approve` in a
 * reconcile that ran first, does not make it late.
 */
export function checkCommands({
  commands,
  snapshot,
  config,
  now,
  at = now,
}: {
  commands: Command[];
  snapshot: BuildSnapshot;
  config: Config;
  now: string;
  /** When the comment was written; defaults to `now`. */
  at?: string;
}): CommandError[] {
  const { plan } = snapshot;
  const workStarted = snapshot.runs.some(
    (run) => run.role === 'work' && compareTimes(run.createdAt, at) < 0,
  );
  const ctx = makeContext({ snapshot, config, now });
  const workers = plan.kind === 'valid' ? deriveWorkers(ctx, plan.plan) : null;
  // A revised brief waiting for `/approve` makes a running build's `/approve` apply.
  const adaptWaits =
    workers !== null &&
    decideAdaptations(ctx, workers).views.some((view) => view.state === 'awaiting-approval');
  return commands.flatMap((command): CommandError[] => {
    const message = problemOf({ command, workers, workStarted: workStarted && !adaptWaits });
    return message ? [{ line: commandText(command), message }] : [];
  });
}

function problemOf({
  command,
  workers,
  workStarted,
}: {
  command: Command;
  workers: WorkerState[] | null;
  workStarted: boolean;
}): string | null {
  switch (command.name) {
    case 'approve':
      if (!workers)
        return 'there is no valid plan to approve yet; wait for the plan, or `/replan <what to change>`.';
      return workStarted ? 'the build is already running.' : null;
    case 'replan':
      return workStarted
        ? 'the plan is settled once workers have started; steer a worker with `/retry W1.2 <instructions>` or `/skip W1.2`.'
        : null;
    case 'retry':
    case 'skip':
    case 'merge':
      return workerProblem(command, workers);
    case 'pause':
    case 'resume':
    case 'cancel':
    case 'status':
    case 'improve':
      return null;
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function workerProblem(
  command: Extract<Command, { worker: string }>,
  workers: WorkerState[] | null,
): string | null {
  if (!workers) return 'there is no valid plan yet, so no workers to steer.';
  const found = workers.find((state) => state.worker.id === command.worker);
  if (!found) {
    const ids = workers.map((state) => state.worker.id).join(', ');
    return `${command.worker} is not a worker of this build; its workers are ${ids}.`;
  }
  const { state } = found;
  const openPull = found.pull?.state === 'open';
  if (state === 'merged') return `${command.worker} is merged already.`;
  if (state === 'skipped' && command.name !== 'skip') return `${command.worker} was skipped.`;
  if (command.name === 'merge' && !openPull)
    return `${command.worker} has no open pull request to merge.`;
  const active = state === 'queued' || state === 'working';
  if (command.name === 'retry' && active && !openPull) {
    return `${command.worker} is still running; \`/retry\` works on a failed worker or on an open pull request.`;
  }
  return null;
}
