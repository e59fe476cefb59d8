/**
 * Two events of the audit trail read off what a build's other events do not
 * say: a session started again after a stop for money (`resume`: the run a
 * cap stopped, by its usage record, and the next run of the same session), and
 * a change set's rollback (`rollback`: each revert pull request the set's
 * status shows, on the `/rollback` that opened it). Both from what GitHub holds.
 */

import type { BuildRead } from '../overview/build-read.js';
import { isMoneyLimit } from '../records/usage.js';
import type { RunInfo } from '../snapshot/snapshot.js';
import { isRunOwnRecord } from '../snapshot/usage-ties.js';
import type { AuditEvent } from './audit-event.js';

type Said = Omit<AuditEvent, 'repository' | 'build'>;

/**
 * A commit of the default branch that raised a cap in `.github/baton.yml`: who
 * wrote it (its author's login, as GitHub links it; null where it links none),
 * when it was committed, and its page.
 */
export interface BudgetRaise {
  field: 'maxUsd' | 'dailyUsd';
  by: string | null;
  at: string;
  url: string;
}

/**
 * For each run a cap stopped before it delivered (its usage record names
 * `budget` or `daily`, its outcome neither `complete` nor `partial`), the next
 * run Baton dispatched of the same role, worker and trigger: the session
 * started again. Why: the day turned (a daily cap, the next run on a later UTC
 * day), else the cap was raised in `.github/baton.yml`: by the author of the
 * last of `raises` that raised it between the stop and the start again, where
 * one did (its commit then evidence too); else the asker stands accountable.
 */
export function resumeEvents(
  snapshot: BuildRead['snapshot'],
  asker: string | null,
  raises: readonly BudgetRaise[] = [],
): Said[] {
  return resumedRuns(snapshot).map(({ run, again, field, dayTurned }) => {
    const raise = dayTurned ? undefined : raiseBetween(raises, { field, from: run, to: again });
    return {
      at: again.createdAt,
      kind: 'resume',
      who: dayTurned ? null : (raise?.by ?? asker),
      door: 'app',
      what: ['resume', again.role, again.worker, again.trigger].filter(Boolean).join(' '),
      why: dayTurned
        ? `the day turned (${dayOf(again.createdAt)} UTC)`
        : `\`budget.${field}\` raised${raise?.by ? ` by ${raise.by}` : ''}`,
      evidence: [again.url, run.url, ...(raise ? [raise.url] : [])],
      costUsd: null,
    };
  });
}

/**
 * Where a raise of a cap may be found for a build's resumes that the day did not
 * turn: from the stopped run's start to the start again, one window each.
 */
export function raiseWindows(snapshot: BuildRead['snapshot']): { since: string; until: string }[] {
  return resumedRuns(snapshot)
    .filter((resumed) => !resumed.dayTurned)
    .map(({ run, again }) => ({ since: run.createdAt, until: again.createdAt }));
}

/** Each run a cap stopped, the run that started its session again, which cap, whether the day turned. */
function resumedRuns(snapshot: BuildRead['snapshot']): {
  run: RunInfo;
  again: RunInfo;
  field: BudgetRaise['field'];
  dayTurned: boolean;
}[] {
  const stopped = new Map(
    (snapshot.usage ?? [])
      .filter(
        (record) =>
          isRunOwnRecord(record) &&
          isMoneyLimit(record.limit) &&
          record.outcome !== 'complete' &&
          record.outcome !== 'partial',
      )
      .map((record) => [record.run_id, record.limit === 'daily' ? 'daily' : 'budget'] as const),
  );
  const runs = snapshot.runs
    .filter((run) => run.byBaton !== false)
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  return runs.flatMap((run) => {
    const limit = stopped.get(run.id);
    if (!limit) return [];
    const again = runs.find(
      (later) => Date.parse(later.createdAt) > Date.parse(run.createdAt) && sameSession(later, run),
    );
    if (!again) return [];
    const dayTurned = limit === 'daily' && dayOf(again.createdAt) !== dayOf(run.createdAt);
    return [{ run, again, field: limit === 'daily' ? 'dailyUsd' : 'maxUsd', dayTurned }];
  });
}

/**
 * A change set's rollback: one event per revert pull request its status shows,
 * in the member repository it reverts (so only a reader of that repository
 * sees it), on the accepted `/rollback`.
 */
export function rollbackEvents(view: BuildRead['view']): (Said & { repository: string })[] {
  const set = view?.changeSet;
  const rollback = set?.rollback;
  if (!set || !rollback) return [];
  return set.repositories.flatMap((line) =>
    line.revert
      ? [rollbackEvent({ repository: line.name, rollback, revert: line.revert, final: line.final })]
      : [],
  );
}

/**
 * The rollback event of one member's revert pull request: as the trail derives it
 * from the set's status, and as the stream sends it when the revert is opened.
 */
export function rollbackEvent({
  repository,
  rollback,
  revert,
  final,
}: {
  repository: string;
  /** The accepted `/rollback`: who gave it, when. */
  rollback: { by: string; at: string };
  revert: { url: string };
  /** The final pull request it reverts. */
  final: { number: number; url: string } | null;
}): Said & { repository: string } {
  return {
    repository,
    at: rollback.at,
    kind: 'rollback',
    who: rollback.by,
    door: 'command',
    what: final ? `revert #${final.number}` : 'revert',
    why: `/rollback by ${rollback.by}`,
    evidence: [revert.url, ...(final ? [final.url] : [])],
    costUsd: null,
  };
}

/** The last raise of `field` committed after the stopped run started and before the next one. */
function raiseBetween(
  raises: readonly BudgetRaise[],
  { field, from, to }: { field: BudgetRaise['field']; from: RunInfo; to: RunInfo },
): BudgetRaise | undefined {
  const start = Date.parse(from.createdAt);
  const end = Date.parse(to.createdAt);
  return raises
    .filter((raise) => raise.field === field)
    .filter((raise) => Date.parse(raise.at) > start && Date.parse(raise.at) <= end)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
    .at(-1);
}

function sameSession(a: RunInfo, b: RunInfo): boolean {
  return a.role === b.role && a.worker === b.worker && a.trigger === b.trigger;
}

function dayOf(at: string): string {
  return new Date(at).toISOString().slice(0, 10);
}
