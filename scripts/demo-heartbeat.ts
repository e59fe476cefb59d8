/**
 * What the demo prints when the status comment has been quiet a while: the
 * sessions running and queued, so minutes of workers at work are not minutes
 * of silence. Status edits are paced (docs/mission-control.md), so a build's
 * comment may not change for several minutes while its sessions run. Read off
 * the simulated Actions runs; never part of the transcript. Pure but for
 * `startHeartbeat`'s timer.
 */

/** A run as the line reads it: the Baton workflow's inputs and where it stands. */
export interface HeartbeatRun {
  workflow: string;
  status: 'queued' | 'in_progress' | 'completed';
  inputs: Record<string, string>;
}

/** How long the demo lets its output be quiet before it says what runs. */
export const QUIET_MS = 30_000;

/** `… +95 s · running: work W1.1, review W1.2 · queued: validate M1`, or that nothing runs. */
export function heartbeatLine(runs: readonly HeartbeatRun[], seconds: number): string {
  const named = (status: HeartbeatRun['status']) =>
    runs
      .filter((run) => run.status === status && run.inputs.role)
      .map((run) => [run.inputs.role, run.inputs.worker].filter(Boolean).join(' '));
  const [running, queued] = [named('in_progress'), named('queued')];
  const parts = [
    ...(running.length > 0 ? [`running: ${running.join(', ')}`] : []),
    ...(queued.length > 0 ? [`queued: ${queued.join(', ')}`] : []),
  ];
  const said =
    parts.length > 0 ? parts.join(' · ') : 'no session runs: Baton waits for its next event';
  return `… +${seconds.toFixed(0)} s · ${said}`;
}

/**
 * Prints `line()` whenever `quietFor()` says the output has been quiet for
 * `QUIET_MS`; stops with the answered function. Its timer keeps no process alive.
 */
export function startHeartbeat({
  quietFor,
  line,
  print,
}: {
  quietFor: () => number;
  line: () => string;
  print: (text: string) => void;
}): () => void {
  const timer = setInterval(() => {
    if (quietFor() >= QUIET_MS) print(line());
  }, QUIET_MS / 3);
  timer.unref();
  return () => clearInterval(timer);
}
