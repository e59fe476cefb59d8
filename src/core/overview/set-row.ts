import { isWorkRole } from '../sessions/session.js';
import type { Ledger } from '../snapshot/ledger.js';
import type { Link, SetRepositoryState } from '../status/status-view.js';
import { type Access, type BuildRead, canRead, hiddenOf, withoutNames } from './build-read.js';
import type { AskedRow, BuildPhase, BuildRow } from './build-row.js';

/** One repository of a change set, as its row shows it. */
export interface SetRepositoryLine {
  name: string;
  url: string;
  state: SetRepositoryState;
  note: string | null;
  workers: number;
  done: number;
  final: Link | null;
}

/** A point of a burndown: how many workers were left at a time. */
export interface BurndownPoint {
  at: string;
  remaining: number;
}

/** A change set as the overview lists it: only the repositories the viewer may read. */
export interface SetRow {
  /** The set build's row key (its issue's repository). */
  key: string;
  repository: string;
  issue: { number: number; title: string; url: string };
  title: string;
  phase: BuildPhase;
  repositories: SetRepositoryLine[];
  /** Workers of those repositories left over time, from the start of their first session. */
  burndown: BurndownPoint[];
  /** What the set build and its members in those repositories cost. */
  spentUsd: number;
  /** The ask of its set build: who, through which door. */
  asked: AskedRow | null;
}

/**
 * A change set's row from its set build (`home`: its status lists the
 * repositories) and the member builds read: a repository the viewer may not
 * read is left out whole, its line, its workers, its spend and its burndown.
 */
export function setRowOf({
  home,
  homeRow,
  homeLedger,
  members,
  access,
  now,
}: {
  home: BuildRead;
  homeRow: BuildRow;
  homeLedger: Ledger;
  members: readonly { read: BuildRead; ledger: Ledger }[];
  access: Access;
  now: string;
}): SetRow {
  const readable = (repository: string) =>
    canRead(access, { repository, installationId: home.installationId });
  const all = home.view?.changeSet?.repositories ?? [];
  const hidden = hiddenOf(access, {
    names: all.map((line) => line.name),
    installationId: home.installationId,
  });
  const lines = all
    .filter((line) => readable(line.name))
    .map((line) => ({
      name: line.name,
      url: line.url,
      state: line.state,
      note: withoutNames(line.note, hidden),
      workers: line.workers,
      done: line.done,
      final: line.final ? { label: `#${line.final.number}`, url: line.final.url } : null,
    }));
  const shown = members.filter(({ read }) => readable(read.repository));
  return {
    key: homeRow.key,
    repository: home.repository,
    issue: homeRow.issue ?? { number: home.snapshot.issue.number, title: '', url: '' },
    title: homeRow.title,
    phase: setPhaseOf(homeRow.phase, all),
    repositories: lines,
    burndown: burndownOf({ home, homeRow, members: shown.map(({ read }) => read), now }),
    spentUsd: shown.reduce(
      (usd, { ledger }) => usd + ledger.total.costUsd,
      homeLedger.total.costUsd,
    ),
    asked: homeRow.asked,
  };
}

/**
 * A running set whose every repository is landing or merged, one landing at
 * least, is delivered, as a build whose final pull request is open (its
 * members' final pull requests wait for their merges, in order).
 */
function setPhaseOf(phase: BuildPhase, lines: readonly { state: string }[]): BuildPhase {
  const landing =
    lines.some((line) => line.state === 'landing') &&
    lines.every((line) => line.state === 'landing' || line.state === 'merged');
  return phase === 'running' && landing ? 'delivered' : phase;
}

/**
 * The workers of the set's plan that the viewer may see (the home row's,
 * already filtered), left over time: each is done when its pull request was
 * merged (as its member build read it) or when `/skip` named it.
 */
function burndownOf({
  home,
  homeRow,
  members,
  now,
}: {
  home: BuildRead;
  homeRow: BuildRow;
  members: readonly BuildRead[];
  now: string;
}): BurndownPoint[] {
  const workers = new Set(homeRow.workers.map((worker) => worker.id));
  if (workers.size === 0) return [];
  const done = new Map<string, string>();
  const note = (worker: string, at: string) => {
    const before = done.get(worker);
    if (workers.has(worker) && (!before || Date.parse(at) < Date.parse(before)))
      done.set(worker, at);
  };
  for (const read of [home, ...members]) {
    for (const pull of read.snapshot.pulls) if (pull.mergedAt) note(pull.worker, pull.mergedAt);
  }
  for (const command of home.snapshot.commands) {
    if (command.command.name === 'skip') note(command.command.worker, command.createdAt);
  }
  const starts = [home, ...members]
    .flatMap((read) => read.snapshot.runs)
    .filter((run) => isWorkRole(run.role) && run.worker && workers.has(run.worker))
    .map((run) => run.createdAt)
    .sort();
  const start = starts[0];
  if (!start) return [];
  let remaining = workers.size;
  const points: BurndownPoint[] = [{ at: start, remaining }];
  for (const at of [...done.values()].sort()) {
    remaining -= 1;
    points.push({ at, remaining });
  }
  if (Date.parse(now) > Date.parse(points.at(-1)?.at ?? start)) points.push({ at: now, remaining });
  return points;
}
