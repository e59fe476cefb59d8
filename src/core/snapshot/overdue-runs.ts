import type { Config } from '../config/config.js';
import { timeOf } from './normalize-snapshot.js';
import type { RunInfo } from './snapshot.js';

/** Why a session run that has not finished is given up on. */
export type OverdueReason = 'run-timeout' | 'queued-too-long';

const MINUTE = 60_000;

/**
 * Runs still queued after `session.queuedMinutes` or running after
 * `session.timeoutMinutes`, by run id. They are cancelled and count as failed.
 */
export function findOverdueRuns({
  runs,
  session,
  now,
}: {
  runs: RunInfo[];
  session: Config['session'];
  now: string;
}): Map<number, OverdueReason> {
  const overdue = new Map<number, OverdueReason>();
  const nowMs = timeOf(now);
  if (nowMs === null) return overdue;
  for (const run of runs) {
    const reason = overdueReason({ run, session, nowMs });
    if (reason) overdue.set(run.id, reason);
  }
  return overdue;
}

function overdueReason({
  run,
  session,
  nowMs,
}: {
  run: RunInfo;
  session: Config['session'];
  nowMs: number;
}): OverdueReason | null {
  const at = overdueAt(run, session);
  if (at === null || nowMs <= at) return null;
  return run.status === 'queued' ? 'queued-too-long' : 'run-timeout';
}

/**
 * When a run that has not finished is given up on (ms): queued past
 * `session.queuedMinutes` since it was made, or running past
 * `session.timeoutMinutes` since it started; null for a finished run.
 */
export function overdueAt(run: RunInfo, session: Config['session']): number | null {
  if (run.status === 'queued') {
    const queued = timeOf(run.createdAt);
    return queued === null ? null : queued + session.queuedMinutes * MINUTE;
  }
  if (run.status === 'in_progress') {
    const started = timeOf(run.startedAt ?? run.createdAt);
    return started === null ? null : started + session.timeoutMinutes * MINUTE;
  }
  return null;
}
