import type { RunawaySettings } from '../config/runaway.js';
import type { Ledger, LedgerEntry } from '../snapshot/ledger.js';
import type { TimedRun } from '../snapshot/snapshot.js';

/**
 * A worker whose sessions look like a loop that spends without delivering:
 * `failing`, its newest sessions ended without delivering, `failures` or more
 * in a row; `spending`, its sessions started within the hour cost more than
 * `usdPerHour`. The page warns of each, and `decideNotices` tells the people
 * `notify` names once per streak or hour (keyed by the run it starts at).
 */
export interface Runaway {
  worker: string;
  reason: 'failing' | 'spending';
  /** Sessions in the streak, or started within the hour. */
  sessions: number;
  /** What those sessions cost, from the build's ledger. */
  usd: number;
  /** The run the streak or the hour starts at. */
  since: { runId: number; at: string };
  /** The worker's newest session run. */
  latest: { id: number; url: string };
}

const HOUR_MS = 60 * 60_000;

/**
 * The runaways among a build's workers, from its runs (in canonical order) and
 * its ledger: workers that are `done` (merged, skipped) are none, whatever
 * their sessions did. Pure: `now` is the caller's.
 */
export function findRunaways({
  runs,
  ledger,
  settings,
  done,
  now,
}: {
  runs: readonly TimedRun[];
  ledger: Ledger;
  settings: RunawaySettings;
  done: ReadonlySet<string>;
  now: string;
}): Runaway[] {
  const nowMs = Date.parse(now);
  const byWorker = new Map<string, TimedRun[]>();
  for (const run of runs) {
    if (!run.worker || (run.role !== 'work' && run.role !== 'fix') || done.has(run.worker))
      continue;
    byWorker.set(run.worker, [...(byWorker.get(run.worker) ?? []), run]);
  }
  const found: Runaway[] = [];
  for (const [worker, sessions] of byWorker) {
    const latest = sessions.at(-1);
    if (!latest) continue;
    const entries = ledger.entries.filter((entry) => entry.worker === worker);
    const failing = failingStreak({ sessions, entries, least: settings.failures });
    if (failing) found.push({ worker, reason: 'failing', ...failing, latest: linkOf(latest) });
    const spending = spendingHour({ sessions, entries, usdPerHour: settings.usdPerHour, nowMs });
    if (spending) found.push({ worker, reason: 'spending', ...spending, latest: linkOf(latest) });
  }
  return found;
}

/** The newest finished sessions that each ended without delivering, when `least` or more in a row. */
function failingStreak({
  sessions,
  entries,
  least,
}: {
  sessions: readonly TimedRun[];
  entries: readonly LedgerEntry[];
  least: number;
}): Pick<Runaway, 'sessions' | 'usd' | 'since'> | null {
  if (least <= 0) return null;
  const streak: TimedRun[] = [];
  for (const run of [...sessions].reverse()) {
    if (run.status !== 'completed') continue;
    if (delivered(run, entries)) break;
    streak.unshift(run);
  }
  const first = streak[0];
  if (!first || streak.length < least) return null;
  const ids = new Set(streak.map((run) => run.id));
  return {
    sessions: streak.length,
    usd: sumUsd(entries.filter((entry) => entry.runId !== null && ids.has(entry.runId))),
    since: { runId: first.id, at: first.createdAt },
  };
}

/**
 * Whether a finished session delivered: its run succeeded and its newest
 * attempt's record, where it left one, says `complete`; or it said a criterion
 * cannot be met, an answer and no failure (its run ends red all the same).
 */
function delivered(run: TimedRun, entries: readonly LedgerEntry[]): boolean {
  const record = entries.filter((entry) => entry.runId === run.id && entry.outcome !== null).at(-1);
  if (record?.outcome === 'impossible') return true;
  if (run.conclusion !== 'success') return false;
  return !record || record.outcome === 'complete';
}

/** The sessions started within the hour before now, when they cost more than `usdPerHour`. */
function spendingHour({
  sessions,
  entries,
  usdPerHour,
  nowMs,
}: {
  sessions: readonly TimedRun[];
  entries: readonly LedgerEntry[];
  usdPerHour: number | null;
  nowMs: number;
}): Pick<Runaway, 'sessions' | 'usd' | 'since'> | null {
  if (usdPerHour === null || !Number.isFinite(nowMs)) return null;
  const recent = sessions.filter(
    (run) => run.createdMs > nowMs - HOUR_MS && run.createdMs <= nowMs,
  );
  const ids = new Set(recent.map((run) => run.id));
  const usd = sumUsd(entries.filter((entry) => entry.runId !== null && ids.has(entry.runId)));
  const first = recent[0];
  if (!first || usd <= usdPerHour) return null;
  return { sessions: recent.length, usd, since: { runId: first.id, at: first.createdAt } };
}

function sumUsd(entries: readonly LedgerEntry[]): number {
  return entries.reduce((usd, entry) => usd + entry.costUsd, 0);
}

function linkOf(run: TimedRun): { id: number; url: string } {
  return { id: run.id, url: run.url };
}

/**
 * A runaway as a notice on the issue: keyed by its worker, its reason and the
 * run it starts at, so each streak or hour is told once; it says what to type.
 */
export function runawayNotice(runaway: Runaway): { about: (string | number)[]; text: string } {
  const { worker, sessions, since } = runaway;
  const usd = `$${runaway.usd.toFixed(2)}`;
  const what =
    runaway.reason === 'failing'
      ? `its last ${sessions} sessions ended without delivering, one after another (${usd} spent on them)`
      : `its sessions started in the last hour have cost ${usd} (${sessions} ${sessions === 1 ? 'session' : 'sessions'}), more than \`runaway.usdPerHour\``;
  return {
    about: ['runaway', runaway.reason, worker, since.runId],
    text: `🔥 ${worker} looks like a runaway: ${what}. Its newest session: ${runaway.latest.url}. Reply \`/skip ${worker}\` to go on without it, \`/retry ${worker} <instructions>\` to steer it, or \`/pause\` to hold the build.`,
  };
}
