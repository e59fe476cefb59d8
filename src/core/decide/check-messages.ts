import type { Command } from '../commands/command.js';
import type { Config } from '../config/config.js';
import { makeContext } from '../context/decide-context.js';
import { sessionAt } from '../rules/decide-messages.js';
import { instantOf } from '../snapshot/normalize-snapshot.js';
import type { BuildSnapshot } from '../snapshot/snapshot.js';
import type { WorkerState } from '../workers/worker-state.js';

/** A comment's commands, and the build they are judged against. */
export interface CommandsAt {
  commands: Command[];
  snapshot: BuildSnapshot;
  config: Config;
  now: string;
  /** When the comment was written; defaults to `now`. */
  at?: string;
}

/**
 * What keeps `/continue` from applying to its worker, past the checks every
 * worker command has (a worker of the plan, not merged, not skipped): it
 * needs partial work to go on from. (A `/steer` or `/queue` always applies;
 * one that finds no session running is kept for the next, and `queuedSteers`
 * says so to its writer.)
 */
export function partialProblem(id: string, workers: WorkerState[] | null): string | null {
  const found = workers?.find((state) => state.worker.id === id);
  if (!found || found.state === 'partial') return null;
  switch (found.state) {
    case 'fixing':
      return `${id} is being continued already.`;
    case 'queued':
    case 'working':
      return `${id} is still running; \`/steer ${id} <message>\` talks to its session.`;
    case 'failed':
      return `${id} has no partial work to continue: its last session handed in nothing. \`/retry ${id}\` starts it again.`;
    default:
      return `${id} has no partial work to continue: \`/continue\` goes on from the draft pull request a session hands in when it reaches a limit.`;
  }
}

/**
 * The workers a comment's `/steer` found no work or fix session of running
 * when it was written (`at`): the message is kept for the next one, and its
 * writer is told so at once (`renderSteersQueued`).
 */
export function queuedSteers({ commands, snapshot, config, now, at = now }: CommandsAt): string[] {
  const steered = commands.flatMap((command) => (command.name === 'steer' ? [command.worker] : []));
  if (steered.length === 0) return [];
  const ctx = makeContext({ snapshot, config, now });
  return [...new Set(steered)].filter((worker) => {
    const running = sessionAt(ctx, worker, instantOf(at));
    return !running || running.status === 'completed';
  });
}
