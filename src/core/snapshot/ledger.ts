import type { Usage } from '../plan/completion.js';
import { tokensOfUsage } from '../plan/usage.js';
import { SESSION_ROLES, type SessionRole } from '../sessions/session.js';
import type { Engine } from '../vocabulary/engine-names.js';
import { compareWorkerIds } from '../vocabulary/ids.js';
import type { BuildSnapshot, NormalSnapshot, RunInfo, TimedRun } from './snapshot.js';

/** What a group of sessions spent. */
export interface Tally {
  tokens: number;
  costUsd: number;
  /** Sessions counted. */
  sessions: number;
  /** Of those, sessions with no usage record, estimated from their run's duration. */
  estimated: number;
}

/**
 * Every session's spend, counted once, where it happened: the one number the
 * status comment, the final report and the budget check all read.
 */
export interface Ledger {
  total: Tally;
  byRole: Record<SessionRole, Tally>;
  /** By worker id; the plan's sessions belong to no worker. */
  byWorker: Record<string, Tally>;
  /** The engine of each worker's latest work or fix session that recorded one. */
  engines: Record<string, Engine>;
}

/** Conclusions of runs that may have spent tokens and left no record (no publish, or it failed). */
const ESTIMATED_CONCLUSIONS: ReadonlySet<string> = new Set(['failure', 'cancelled', 'timed_out']);

/**
 * Adds up the usage records of the build's sessions (src/core/plan/usage.ts), one
 * per run. A run that ended without one (cancelled before publish, say) is
 * estimated from its duration at the build's own reported dollars and tokens
 * per second for that role (any role when none is reported yet), and marked
 * as estimated. Records from before usage records existed are read from
 * completion reports and review markers, for workers with no record of that role.
 */
export function buildLedger(snapshot: NormalSnapshot): Ledger {
  const ledger = emptyLedger();
  const records = [...(snapshot.usage ?? [])].sort(
    (a, b) => a.run_id - b.run_id || a.attempt - b.attempt,
  );
  const seen = new Set<number>();
  const attempts = new Set<string>();
  for (const record of records) {
    const attempt = `${record.run_id}-${record.attempt}`;
    if (attempts.has(attempt)) continue;
    attempts.add(attempt);
    seen.add(record.run_id);
    add(ledger, { role: record.role, worker: record.worker, ...spendOf(record.usage) });
    if (record.engine && record.worker && (record.role === 'work' || record.role === 'fix')) {
      ledger.engines[record.worker] = record.engine;
    }
  }
  addLegacy(ledger, snapshot, records);
  const rates = ratesOf(records);
  for (const run of snapshot.runs) {
    if (seen.has(run.id) || !isUnreported(run)) continue;
    const rate = rates.get(run.role) ?? rates.get(null);
    const seconds = durationSeconds(run);
    add(ledger, {
      role: run.role,
      worker: run.worker,
      tokens: Math.round((rate?.tokens ?? 0) * seconds),
      costUsd: (rate?.costUsd ?? 0) * seconds,
      estimated: true,
    });
  }
  return ledger;
}

export function emptyTally(): Tally {
  return { tokens: 0, costUsd: 0, sessions: 0, estimated: 0 };
}

function emptyLedger(): Ledger {
  const byRole = Object.fromEntries(SESSION_ROLES.map((role) => [role, emptyTally()]));
  return {
    total: emptyTally(),
    byRole: byRole as Record<SessionRole, Tally>,
    byWorker: {},
    engines: {},
  };
}

interface Spend {
  role: SessionRole;
  worker: string | null;
  tokens: number;
  costUsd: number;
  estimated?: boolean;
}

function spendOf(usage: Usage): { tokens: number; costUsd: number } {
  return { tokens: tokensOfUsage(usage), costUsd: usage.cost_usd };
}

function add(ledger: Ledger, spend: Spend): void {
  const tallies = [ledger.total, ledger.byRole[spend.role]];
  if (spend.worker) {
    ledger.byWorker[spend.worker] ??= emptyTally();
    tallies.push(ledger.byWorker[spend.worker] as Tally);
  }
  for (const tally of tallies) {
    tally.tokens += spend.tokens;
    tally.costUsd += spend.costUsd;
    tally.sessions += 1;
    if (spend.estimated) tally.estimated += 1;
  }
}

/** Completion reports and review markers, for builds whose sessions wrote no usage records. */
function addLegacy(
  ledger: Ledger,
  snapshot: BuildSnapshot,
  records: { role: SessionRole; worker: string | null }[],
): void {
  const has = (role: SessionRole, worker: string) =>
    records.some((record) => record.role === role && record.worker === worker);
  for (const worker of Object.keys(snapshot.completions).sort(compareWorkerIds)) {
    const read = snapshot.completions[worker];
    if (read?.kind !== 'valid' || has('work', worker)) continue;
    add(ledger, { role: 'work', worker, ...spendOf(read.completion.usage) });
  }
  const reviews = new Map<number, { worker: string; costUsd: number }>();
  for (const pull of snapshot.pulls) {
    if (has('review', pull.worker)) continue;
    for (const review of pull.reviews) {
      if (review.byBaton && review.costUsd)
        reviews.set(review.id, { worker: pull.worker, costUsd: review.costUsd });
    }
  }
  for (const [, review] of [...reviews].sort(([a], [b]) => a - b)) {
    add(ledger, { role: 'review', worker: review.worker, tokens: 0, costUsd: review.costUsd });
  }
}

/** Reported dollars and tokens per second of session, by role, and over every role (`null`). */
function ratesOf(
  records: { role: SessionRole; usage: Usage }[],
): Map<SessionRole | null, { tokens: number; costUsd: number }> {
  const sums = new Map<SessionRole | null, { tokens: number; costUsd: number; seconds: number }>();
  for (const record of records) {
    for (const key of [record.role, null]) {
      const sum = sums.get(key) ?? { tokens: 0, costUsd: 0, seconds: 0 };
      sum.tokens += tokensOfUsage(record.usage);
      sum.costUsd += record.usage.cost_usd;
      sum.seconds += record.usage.seconds;
      sums.set(key, sum);
    }
  }
  const rates = new Map<SessionRole | null, { tokens: number; costUsd: number }>();
  for (const [key, sum] of sums) {
    if (sum.seconds > 0)
      rates.set(key, { tokens: sum.tokens / sum.seconds, costUsd: sum.costUsd / sum.seconds });
  }
  return rates;
}

function isUnreported(run: RunInfo): boolean {
  return run.status === 'completed' && ESTIMATED_CONCLUSIONS.has(run.conclusion ?? '');
}

function durationSeconds(run: TimedRun): number {
  const ms = run.updatedMs - run.startedMs;
  return Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0;
}
