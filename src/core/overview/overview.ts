import { RunawaySettings } from '../config/runaway.js';
import { findRunaways, type Runaway } from '../rules/runaway.js';
import type { Door } from '../snapshot/ask-record.js';
import { buildLedger, type Ledger } from '../snapshot/ledger.js';
import { normalizeSnapshot } from '../snapshot/normalize-snapshot.js';
import { type BuildDetail, buildDetailOf } from './build-detail.js';
import { type Access, type BuildRead, canRead, permissionIn } from './build-read.js';
import { type BuildPhase, type BuildRow, buildRowOf, rowKeyOf } from './build-row.js';
import { landingLinesOf, landingOf } from './landing.js';
import { type MemoryCounts, memoryCountsOf } from './memory-counts.js';
import { memoryByRepositoryOf, type RepositoryMemory } from './memory-view.js';
import { type SetRow, setRowOf } from './set-row.js';
import { type SetPart, type SpendView, spendOf } from './spend.js';
import { sortWaiting, type WaitingItem, waitingOf } from './waiting.js';

/** A runaway, with the build it is of (named by its row's `label`). */
export interface RunawayRow extends Runaway {
  key: string;
  repository: string;
  issue: number | null;
  label: string;
}

/**
 * What a person narrowed the overview's list to: a state (a build's phase)
 * and words to find in a title, a repository or an issue (`#12`). Read from
 * the page's query (`?state=running&q=acme/lib`), so it works without a script.
 */
export interface OverviewFilter {
  state: BuildPhase | null;
  q: string | null;
  /** The door the builds kept were asked through (a change set by its set build's). */
  door: Door | null;
}

/**
 * The overview's list as filtered, and what it held before: how many builds
 * and sets, how many builds running, how many change sets (what the page's
 * figures count, whole as what waits and the spend are).
 */
export interface Filtered {
  filter: OverviewFilter;
  total: number;
  running: number;
  sets: number;
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
  /** Lessons proposed, merged, applied and repeated across the builds shown (docs/memory.md). */
  memory: MemoryCounts;
  /** The same per repository the viewer may read, with each learn pull request (the page's memory view). */
  memoryByRepository: RepositoryMemory[];
  /** Where the list was narrowed (`filteredOverview`): by what, and how many builds and sets it held. */
  filtered?: Filtered;
}

/** One build worked out once: its read, its ledger, its row, its runaways and the set it is part of. */
interface Worked {
  read: BuildRead;
  ledger: Ledger;
  row: BuildRow;
  runaways: Runaway[];
  /** Its change set (its own row for the set build), as the viewer may see it; null for a build of no set. */
  set: SetPart | null;
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
  const landing = landingLinesOf(reads);
  const worked = withSets(
    reads.filter((read) => canRead(access, read)).map((read) => work(read, access, now)),
  );
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
  const named = (repository: string) =>
    canRead(access, { repository, installationId: null })
      ? repository
      : 'a repository you cannot read';
  for (const one of worked) {
    const items = waitingOf({ ...one, landing: landingOf(one.read, landing), named });
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
    memory: memoryCountsOf(worked.map(({ read }) => read.snapshot)),
    memoryByRepository: memoryByRepositoryOf(
      worked.map(({ read, row }) => ({
        repository: read.repository,
        snapshot: read.snapshot,
        row,
      })),
    ),
    runaways: worked.flatMap(({ row, runaways }) =>
      runaways.map((runaway) => ({
        ...runaway,
        key: row.key,
        repository: row.repository,
        issue: row.issue?.number ?? null,
        label: row.label,
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
    (one) => canRead(access, one) && rowKeyOf(one, access).toLowerCase() === key.toLowerCase(),
  );
  if (!read) return null;
  const own = work(read, access, now);
  const readable = (repository: string) =>
    canRead(access, { repository, installationId: read.installationId });
  const isSet = read.view?.changeSet && !read.snapshot.changeSet;
  if (!isSet) return buildDetailOf({ ...own, readable, now });
  // A change set's view is the set's: its members' sessions and spend in the repositories the viewer may read.
  const members = reads
    .filter((one) => canRead(access, one) && isMemberOf(one, read))
    .map((one) => work(one, access, now));
  const set = setRowFor(own, members, access, now);
  return buildDetailOf({
    ...own,
    row: { ...own.row, spentUsd: set.spentUsd },
    members: members.map(({ read: member, ledger, row }) => ({ read: member, ledger, row })),
    readable,
    now,
  });
}

function work(read: BuildRead, access: Access, now: string): Omit<Worked, 'set'> {
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

/** Whether `read` is a member build of the change set whose set build is `home`. */
function isMemberOf(read: BuildRead, home: BuildRead): boolean {
  const set = read.snapshot.changeSet;
  return (
    set !== undefined &&
    set.issue.repository.toLowerCase() === home.repository.toLowerCase() &&
    set.issue.number === home.snapshot.issue.number
  );
}

/**
 * Each build with the change set it is part of, as the spend groups it: a
 * set's builds (its set build and its members) are one build there, under
 * the set's row, or the member's own where the set is hidden from the viewer.
 */
function withSets(worked: readonly Omit<Worked, 'set'>[]): Worked[] {
  return worked.map((one) => {
    const member = one.read.snapshot.changeSet;
    if (!member) {
      const isSet = one.read.view?.changeSet !== undefined;
      return { ...one, set: isSet ? { key: one.row.key, title: one.row.title } : null };
    }
    const home = worked.find(
      (other) => !other.read.snapshot.changeSet && isMemberOf(one.read, other.read),
    );
    return {
      ...one,
      set: home
        ? { key: home.row.key, title: home.row.title }
        : { key: one.row.key, title: one.row.title },
    };
  });
}

function setRowFor(
  home: Omit<Worked, 'set'>,
  worked: readonly Omit<Worked, 'set'>[],
  access: Access,
  now: string,
): SetRow {
  const members = worked.filter(({ read }) => isMemberOf(read, home.read));
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
