import type { CommandState } from '../snapshot/command-state.js';
import type { FollowUps } from '../snapshot/follow-ups.js';
import type { CommandInfo } from '../snapshot/snapshot.js';
import type { JudgedRun, RunOutcome } from './runs.js';

/**
 * Where a research build's synthesis stands: its newest attempt (the first
 * one, `baton synthesis <build> - -`, or one a `/retry synthesis` comment
 * asked for, `… - comment-<id>`) and a retry not answered yet.
 */
export interface SynthesisState {
  /** The newest synthesis run, or null before the first. */
  latest: JudgedRun | null;
  outcome: RunOutcome | null;
  /** Synthesis runs so far. */
  attempts: number;
  /**
   * The newest `/retry synthesis` written after the newest attempt had failed,
   * while no synthesis run answers it: the next attempt to dispatch.
   */
  retry: CommandInfo | null;
}

/**
 * The synthesis of the build's current stage: the first, or, once a round of
 * follow-up questions was approved, the one after them (runs started after
 * that `/approve`).
 */
export function synthesisState({
  runs: all,
  followUps,
  commands,
}: {
  runs: JudgedRun[];
  followUps: FollowUps | null;
  commands: CommandState;
}): SynthesisState {
  const since = followUps?.since?.createdMs;
  const runs = all.filter(
    (run) =>
      run.role === 'synthesis' &&
      run.worker === null &&
      (since === undefined || run.createdMs > since),
  );
  const latest = runs.at(-1) ?? null;
  if (!latest) return { latest: null, outcome: null, attempts: 0, retry: null };
  const outcome = latest.outcome;
  return { latest, outcome, attempts: runs.length, retry: pendingRetry(commands, runs, latest) };
}

/**
 * A retry counts once the attempt it answers has failed: written after the
 * run's last update (its end), so a `/retry synthesis` while it still ran,
 * which Baton answered as too early, never starts one later.
 */
function pendingRetry(
  commands: CommandState,
  runs: JudgedRun[],
  latest: JudgedRun,
): CommandInfo | null {
  if (latest.outcome !== 'failed') return null;
  const retry = commands.synthesisRetries.at(-1);
  if (!retry || retry.createdMs <= latest.updatedMs) return null;
  const answered = runs.some((run) => run.trigger === `comment-${retry.commentId}`);
  return answered ? null : retry;
}
