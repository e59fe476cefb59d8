import { workRoleOf } from '../plan/contract.js';
import type { Usage } from '../records/completion.js';
import type { UsageRecord } from '../records/usage.js';
import { isWorkRole, SESSION_ROLES, type SessionRole } from '../sessions/session.js';
import type { Engine } from '../vocabulary/engine-names.js';
import { compareWorkerIds } from '../vocabulary/ids.js';
import type { BuildSnapshot, NormalSnapshot, RunInfo, TimedRun } from './snapshot.js';
import { sessionKeyOf } from './usage-ties.js';

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
  /**
   * Every spend counted above, one line a session (run attempt), in the order
   * counted: what the overview groups by day, engine and model (`tallyBy`),
   * so that no figure of spend is added up anywhere but here.
   */
  entries: LedgerEntry[];
}

/** One session's spend, as the ledger counted it. */
export interface LedgerEntry {
  role: SessionRole;
  worker: string | null;
  /** Its run, and the attempt; null for spend read from a report or review marker (no record). */
  runId: number | null;
  attempt: number;
  /** The engine its record names; null where none does (an estimate, a record from before engines). */
  engine: Engine | null;
  /** When its run was created (ISO 8601): the day it counts on; null where no run of the build names it. */
  at: string | null;
  tokens: number;
  costUsd: number;
  /** Estimated from its run's duration: it left no usage record. */
  estimated: boolean;
  /** How the session ended, as its record says; null without one. */
  outcome: UsageRecord['outcome'] | null;
}

/** Conclusions of runs that may have spent tokens and left no record (no publish, or it failed). */
const ESTIMATED_CONCLUSIONS: ReadonlySet<string> = new Set(['failure', 'cancelled', 'timed_out']);

/**
 * Adds up the usage records of the build's sessions (src/core/records/usage.ts), one
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
  const createdAt = new Map(snapshot.runs.map((run) => [run.id, run.createdAt]));
  for (const record of records) {
    const attempt = sessionKeyOf(record);
    if (attempts.has(attempt)) continue;
    attempts.add(attempt);
    seen.add(record.run_id);
    add(ledger, {
      role: record.role,
      worker: record.worker,
      ...spendOf(record.usage),
      runId: record.run_id,
      attempt: record.attempt,
      engine: record.engine ?? null,
      at: createdAt.get(record.run_id) ?? null,
      outcome: record.outcome,
    });
    if (record.engine && record.worker && (isWorkRole(record.role) || record.role === 'fix')) {
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
      runId: run.id,
      attempt: run.attempt ?? 1,
      at: run.createdAt,
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
    entries: [],
  };
}

interface Spend {
  role: SessionRole;
  worker: string | null;
  tokens: number;
  costUsd: number;
  estimated?: boolean;
  runId?: number;
  attempt?: number;
  engine?: Engine | null;
  at?: string | null;
  outcome?: UsageRecord['outcome'];
}

/**
 * Every token a session counted: input, output, and the prompt cache's reads
 * and writes. Counted here, where every figure of spend is added up.
 */
export function tokensOfUsage(usage: Usage): number {
  return (
    usage.input_tokens +
    usage.output_tokens +
    usage.cache_read_input_tokens +
    usage.cache_creation_input_tokens
  );
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
  ledger.entries.push({
    role: spend.role,
    worker: spend.worker,
    runId: spend.runId ?? null,
    attempt: spend.attempt ?? 1,
    engine: spend.engine ?? null,
    at: spend.at ?? null,
    tokens: spend.tokens,
    costUsd: spend.costUsd,
    estimated: spend.estimated ?? false,
    outcome: spend.outcome ?? null,
  });
}

/**
 * The ledger's entries (of one build or many) tallied by `keyOf` (a day, an
 * engine, a model): the groups of the one count, never a second sum of records.
 * Entries whose key is null are left out. Sorted by key.
 */
export function tallyBy<E extends LedgerEntry>(
  entries: readonly E[],
  keyOf: (entry: E) => string | null,
): { key: string; tally: Tally }[] {
  const tallies = new Map<string, Tally>();
  for (const entry of entries) {
    const key = keyOf(entry);
    if (key === null) continue;
    const tally = tallies.get(key) ?? emptyTally();
    tally.tokens += entry.tokens;
    tally.costUsd += entry.costUsd;
    tally.sessions += 1;
    if (entry.estimated) tally.estimated += 1;
    tallies.set(key, tally);
  }
  return [...tallies]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, tally]) => ({ key, tally }));
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
    if (read?.kind !== 'valid' || has(workRoleOf(worker), worker)) continue;
    add(ledger, { role: workRoleOf(worker), worker, ...spendOf(read.completion.usage) });
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
