import { waveOf } from '../plan/plan.js';
import { repositoryOf } from '../plan/set-plan.js';
import { type AskRecord, type Door, doorOf } from '../snapshot/ask-record.js';
import type { Ledger } from '../snapshot/ledger.js';
import type { BuildSnapshot } from '../snapshot/snapshot.js';
import type { Link, StatusView, WorkerDisplayState, WorkerRow } from '../status/status-view.js';
import { compareWorkerIds } from '../vocabulary/ids.js';
import { shortHash } from '../vocabulary/short-hash.js';
import {
  type Access,
  type BuildRead,
  buildKeyOf,
  canRead,
  hiddenOf,
  withoutNames,
} from './build-read.js';

/**
 * Where a build stands, in a word: its status's phase, `delivered` for a
 * running build whose every worker is done and whose final pull request is
 * open (it waits for a person's merge, nothing runs), or `unread` without one.
 */
export type BuildPhase = StatusView['phase'] | 'delivered' | 'unread';

/** One worker as a row of the overview shows it. */
export interface WorkerLine {
  id: string;
  title: string;
  /** Its repository, `owner/name` (a change set's workers live in several). */
  repository: string;
  state: WorkerDisplayState;
  note: string | null;
  /** Approved, and GitHub holds its merge until a person does what it asks. */
  heldByGitHub?: true;
  engine: string;
  costUsd: number | null;
  run: Link | null;
  pull: Link | null;
  dependsOn: string[];
}

/** One wave of the plan: how many of its workers are merged or skipped. */
export interface WaveCount {
  wave: number;
  done: number;
  total: number;
}

/** One build as the overview lists it. */
export interface BuildRow {
  /** `owner/name/build`: where the page finds it (`/builds/<key>`). */
  key: string;
  repository: string;
  build: string;
  /**
   * Its issue; null for a change set's member build where the viewer may not
   * read the set's repository (the issue lives there: nothing of it is shown).
   */
  issue: { number: number; title: string; url: string; state: 'open' | 'closed' } | null;
  /** How it is named: `owner/name#issue`, a set's member by its repository and its set's issue (where readable). */
  label: string;
  /** The plan's title, else the issue's. */
  title: string;
  phase: BuildPhase;
  workers: WorkerLine[];
  waves: WaveCount[];
  /** The newest run, pull request, review, command or status edit GitHub showed. */
  lastActivity: string | null;
  finalPull: Link | null;
  /** What its sessions cost, from its ledger; sessions estimated without a record. */
  spentUsd: number;
  estimated: number;
  /** A change set's member build: its set's issue where the viewer may read it, else `hidden`. */
  changeSet: { repository: string; issue: number; url: string } | 'hidden' | null;
  /** Who asked, through which door, and what asked (its link; the tracker's person mapped); null before the record, or where its issue is hidden. */
  asked: AskedRow | null;
  readAt: string;
}

/** The record of a build's ask, as a row shows it. */
export interface AskedRow {
  door: Door;
  by: string;
  at: string;
  link: string | null;
  /** The tracker's person `by` was mapped from, by their name there. */
  mappedFrom: string | null;
}

const DONE: ReadonlySet<WorkerDisplayState> = new Set(['merged', 'skipped']);

/**
 * A build's row, with only the workers of repositories `access` may read (a
 * change set's), from the status its read rendered and its ledger.
 */
export function buildRowOf({
  read,
  ledger,
  access,
}: {
  read: BuildRead;
  ledger: Ledger;
  access: Access;
}): BuildRow {
  const { snapshot, view } = read;
  const home = snapshot.changeSet?.issue.repository ?? read.repository;
  const visible = (repository: string) =>
    repository.toLowerCase() === read.repository.toLowerCase() ||
    canRead(access, { repository, installationId: read.installationId });
  const all = workerLines({ read, home });
  const lines = all.filter((line) => visible(line.repository));
  const shown = new Set(lines.map((line) => line.id));
  const hidden = hiddenOf(access, {
    names: [
      ...all.map((line) => line.repository),
      ...(snapshot.changeSet?.repositories ?? []),
      ...(view?.changeSet?.repositories.map((line) => line.name) ?? []),
    ],
    installationId: read.installationId,
  });
  // A repository the viewer may not read is named nowhere: not what depends on it, not in a note.
  const workers = lines.map((line) => ({
    ...line,
    note: withoutNames(line.note, hidden),
    dependsOn: line.dependsOn.filter((id) => shown.has(id)),
  }));
  const plan = snapshot.plan.kind === 'valid' ? snapshot.plan.plan : null;
  const set = snapshot.changeSet;
  // A member's issue and plan are its set's: where the set's repository is hidden, so are they.
  const homeHidden = set !== undefined && !visible(set.issue.repository);
  return {
    key: rowKeyOf(read, access),
    repository: read.repository,
    build: homeHidden ? `a change set's part in ${read.repository}` : snapshot.build,
    issue: homeHidden
      ? null
      : {
          number: snapshot.issue.number,
          title: snapshot.issue.title,
          url: snapshot.issue.url,
          state: snapshot.issue.state,
        },
    label: !set
      ? `${read.repository}#${snapshot.issue.number}`
      : homeHidden
        ? `${read.repository} (a change set)`
        : `${read.repository} (change set ${set.issue.repository}#${set.issue.number})`,
    title: homeHidden
      ? `${read.repository}: its part of a change set`
      : (plan?.title ?? snapshot.issue.title),
    phase: phaseOf(view),
    workers,
    waves: wavesOf(workers),
    lastActivity: lastActivityOf(snapshot),
    finalPull: snapshot.finalPull
      ? { label: `#${snapshot.finalPull.number}`, url: snapshot.finalPull.url }
      : null,
    spentUsd: ledger.total.costUsd,
    estimated: ledger.total.estimated,
    changeSet: !set
      ? null
      : homeHidden
        ? 'hidden'
        : { repository: set.issue.repository, issue: set.issue.number, url: set.issue.url },
    asked: homeHidden || !snapshot.ask ? null : askedRowOf(snapshot.ask),
    readAt: read.readAt,
  };
}

/**
 * Where the page finds a build for `access`: `owner/name/build`, or, for a
 * change set's member whose set lives in a repository the viewer may not
 * read, `owner/name/part-<hash>` (the build's name carries the set's issue
 * title and repository).
 */
export function rowKeyOf(read: BuildRead, access: Access): string {
  const set = read.snapshot.changeSet;
  const hidden =
    set !== undefined &&
    set.issue.repository.toLowerCase() !== read.repository.toLowerCase() &&
    !canRead(access, { repository: set.issue.repository, installationId: read.installationId });
  return hidden ? `${read.repository}/part-${shortHash(buildKeyOf(read))}` : buildKeyOf(read);
}

function askedRowOf(ask: AskRecord): AskedRow {
  return {
    door: doorOf(ask.how),
    by: ask.by,
    at: ask.at,
    link: ask.link ?? null,
    mappedFrom: ask.mapped?.name ?? null,
  };
}

function phaseOf(view: StatusView | null): BuildPhase {
  if (!view) return 'unread';
  return view.phase === 'running' && view.progress.finalPull?.state === 'open'
    ? 'delivered'
    : view.phase;
}

/** The status's worker rows, else the plan's workers as waiting; each with its repository. */
function workerLines({ read, home }: { read: BuildRead; home: string }): WorkerLine[] {
  const { snapshot, view } = read;
  const plan = snapshot.plan.kind === 'valid' ? snapshot.plan.plan : null;
  const rows = progressRows(view);
  const repositoryOfId = (id: string, row?: WorkerRow) => {
    const worker = plan?.workers.find((one) => one.id === id);
    return row?.repository ?? (worker ? repositoryOf(worker, home) : read.repository);
  };
  if (rows) {
    return rows.map((row) => ({
      id: row.id,
      title: row.title,
      repository: repositoryOfId(row.id, row),
      state: row.state,
      note: row.note,
      ...(row.heldByGitHub ? { heldByGitHub: true as const } : {}),
      engine: row.engine,
      costUsd: row.costUsd,
      run: row.run,
      pull: row.pull,
      dependsOn: row.dependsOn,
    }));
  }
  return (plan?.workers ?? [])
    .map((worker) => ({
      id: worker.id,
      title: worker.title,
      repository: repositoryOfId(worker.id),
      state: 'waiting' as const,
      note: null,
      engine: worker.engine ?? 'baton',
      costUsd: null,
      run: null,
      pull: null,
      dependsOn: worker.depends_on,
    }))
    .sort((a, b) => compareWorkerIds(a.id, b.id));
}

function progressRows(view: StatusView | null): WorkerRow[] | null {
  if (!view) return null;
  switch (view.phase) {
    case 'running':
      return view.progress.workers;
    case 'done':
    case 'cancelled':
      return view.progress?.workers ?? null;
    default:
      return null;
  }
}

function wavesOf(workers: readonly WorkerLine[]): WaveCount[] {
  const waves = new Map<number, WaveCount>();
  for (const worker of workers) {
    const wave = waveOf(worker.id);
    const count = waves.get(wave) ?? { wave, done: 0, total: 0 };
    count.total += 1;
    if (DONE.has(worker.state)) count.done += 1;
    waves.set(wave, count);
  }
  return [...waves.values()].sort((a, b) => a.wave - b.wave);
}

/** The newest time among what GitHub shows of the build; null where it shows nothing dated. */
export function lastActivityOf(snapshot: BuildSnapshot): string | null {
  const times = [
    ...snapshot.runs.map((run) => run.updatedAt),
    ...snapshot.pulls.flatMap((pull) => [
      pull.createdAt,
      ...(pull.mergedAt ? [pull.mergedAt] : []),
      ...pull.reviews.map((review) => review.submittedAt),
    ]),
    ...snapshot.commands.map((command) => command.createdAt),
    ...(snapshot.statusComment?.editedAt ? [snapshot.statusComment.editedAt] : []),
  ].filter((time) => !Number.isNaN(Date.parse(time)));
  return times.reduce<string | null>(
    (latest, time) => (latest === null || Date.parse(time) > Date.parse(latest) ? time : latest),
    null,
  );
}
