import { RunawaySettings } from '../config/runaway.js';
import { findRunaways, type Runaway } from '../rules/runaway.js';
import { buildLedger, type Ledger } from '../snapshot/ledger.js';
import { normalizeSnapshot } from '../snapshot/normalize-snapshot.js';
import { type BuildDetail, buildDetailOf } from './build-detail.js';
import { type Access, type BuildRead, canRead, permissionIn } from './build-read.js';
import { type BuildRow, buildRowOf } from './build-row.js';
import { type SetRow, setRowOf } from './set-row.js';
import { type SpendView, spendOf } from './spend.js';
import { sortWaiting, type WaitingItem, waitingOf } from './waiting.js';

/** A runaway, with the build it is of. */
export interface RunawayRow extends Runaway {
  key: string;
  repository: string;
  issue: number;
}

/** Everything the page, the JSON and `baton status` show of the builds a viewer may see. */
export interface Overview {
  at: string;
  /** The signed-in person; null for the app's own credentials. */
  viewer: string | null;
  /** Builds, newest activity first: every build but a change set's (its set lists those). */
  builds: BuildRow[];
  sets: SetRow[];
  /** What waits for the viewer (in repositories they may write), oldest first. */
  waiting: WaitingItem[];
  /** What waits in repositories the viewer may only read: for someone with write access. */
  waitingForOthers: number;
  spend: SpendView;
  runaways: RunawayRow[];
}

/** One build worked out once: its read, its ledger, its row and its runaways. */
interface Worked {
  read: BuildRead;
  ledger: Ledger;
  row: BuildRow;
  runaways: Runaway[];
}

const DEFAULT_RUNAWAY = RunawaySettings.parse({});

/**
 * The overview of `reads` as `access` may see it: builds of repositories it
 * cannot read are left out before anything is worked out from them, and the
 * rest show only what lives in repositories it can read.
 */
export function overviewOf({
  reads,
  access,
  now,
}: {
  reads: readonly BuildRead[];
  access: Access;
  now: string;
}): Overview {
  const worked = reads
    .filter((read) => canRead(access, read))
    .map((read) => work(read, access, now));
  const homes = worked.filter(({ read }) => read.view?.changeSet && !read.snapshot.changeSet);
  const sets = homes.map((home) => setRowFor(home, worked, access, now));
  const shownSets = new Set(
    sets.map((set) => `${set.repository.toLowerCase()}#${set.issue.number}`),
  );
  const builds = worked
    .filter(({ read }) => !homes.some((home) => home.read === read))
    .filter(({ read }) => {
      const set = read.snapshot.changeSet;
      return !set || !shownSets.has(`${set.issue.repository.toLowerCase()}#${set.issue.number}`);
    })
    .map(({ row }) => row)
    .sort(byLastActivity);
  const waiting: WaitingItem[] = [];
  let waitingForOthers = 0;
  for (const one of worked) {
    const items = waitingOf(one);
    if (permissionIn(access, one.read) === 'write') waiting.push(...items);
    else waitingForOthers += items.length;
  }
  return {
    at: now,
    viewer: access.kind === 'viewer' ? access.login : null,
    builds,
    sets: sets.sort(byLastActivityOfSet(worked)),
    waiting: sortWaiting(waiting),
    waitingForOthers,
    spend: spendOf(worked, now),
    runaways: worked.flatMap(({ row, runaways }) =>
      runaways.map((runaway) => ({
        ...runaway,
        key: row.key,
        repository: row.repository,
        issue: row.issue.number,
      })),
    ),
  };
}

/** One build's own view, where `access` may read it; null where it may not, or no such build was read. */
export function buildDetailFor({
  reads,
  access,
  key,
  now,
}: {
  reads: readonly BuildRead[];
  access: Access;
  key: string;
  now: string;
}): BuildDetail | null {
  const read = reads.find(
    (one) => `${one.repository}/${one.snapshot.build}`.toLowerCase() === key.toLowerCase(),
  );
  if (!read || !canRead(access, read)) return null;
  const { ledger, row, runaways } = work(read, access, now);
  return buildDetailOf({ read, row, ledger, runaways, now });
}

function work(read: BuildRead, access: Access, now: string): Worked {
  const normal = normalizeSnapshot(read.snapshot);
  const ledger = buildLedger(normal);
  const row = buildRowOf({ read, ledger, access });
  const visible = new Set(row.workers.map((worker) => worker.id));
  const done = new Set(
    row.workers
      .filter((worker) => worker.state === 'merged' || worker.state === 'skipped')
      .map((worker) => worker.id),
  );
  const runaways = findRunaways({
    runs: normal.runs,
    ledger,
    settings: read.config?.runaway ?? DEFAULT_RUNAWAY,
    done,
    now,
  }).filter((runaway) => visible.has(runaway.worker));
  return { read, ledger, row, runaways };
}

function setRowFor(home: Worked, worked: readonly Worked[], access: Access, now: string): SetRow {
  const members = worked.filter(({ read }) => {
    const set = read.snapshot.changeSet;
    return (
      set !== undefined &&
      set.issue.repository.toLowerCase() === home.read.repository.toLowerCase() &&
      set.issue.number === home.read.snapshot.issue.number
    );
  });
  return setRowOf({
    home: home.read,
    homeRow: home.row,
    homeLedger: home.ledger,
    members,
    access,
    now,
  });
}

function byLastActivity(a: BuildRow, b: BuildRow): number {
  return timeOf(b.lastActivity) - timeOf(a.lastActivity) || a.key.localeCompare(b.key);
}

function byLastActivityOfSet(worked: readonly Worked[]) {
  const rows = new Map(worked.map(({ row }) => [row.key, row]));
  return (a: SetRow, b: SetRow) =>
    timeOf(rows.get(b.key)?.lastActivity ?? null) - timeOf(rows.get(a.key)?.lastActivity ?? null) ||
    a.key.localeCompare(b.key);
}

function timeOf(iso: string | null): number {
  const ms = iso ? Date.parse(iso) : Number.NaN;
  return Number.isFinite(ms) ? ms : Number.NEGATIVE_INFINITY;
}
