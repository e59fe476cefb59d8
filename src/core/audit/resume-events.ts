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
import type { AuditEvent } from './audit-event.js';

type Said = Omit<AuditEvent, 'repository' | 'build'>;

/**
 * For each run a cap stopped before it delivered (its usage record names
 * `budget` or `daily`, its outcome neither `complete` nor `partial`), the next
 * run Baton dispatched of the same role, worker and trigger: the session
 * started again. Why: the day turned (a daily cap, the next run on a later UTC
 * day), else the cap was raised in `.github/baton.yml`.
 */
export function resumeEvents(snapshot: BuildRead['snapshot'], asker: string | null): Said[] {
  const stopped = new Map(
    (snapshot.usage ?? [])
      .filter(
        (record) =>
          isMoneyLimit(record.limit) &&
          record.outcome !== 'complete' &&
          record.outcome !== 'partial',
      )
      .map((record) => [record.run_id, record.limit === 'daily' ? 'daily' : 'budget'] as const),
  );
  const runs = snapshot.runs
    .filter((run) => run.byBaton !== false)
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  const events: Said[] = [];
  for (const run of runs) {
    const limit = stopped.get(run.id);
    if (!limit) continue;
    const again = runs.find(
      (later) => Date.parse(later.createdAt) > Date.parse(run.createdAt) && sameSession(later, run),
    );
    if (!again) continue;
    const dayTurned = limit === 'daily' && dayOf(again.createdAt) !== dayOf(run.createdAt);
    events.push({
      at: again.createdAt,
      kind: 'resume',
      who: dayTurned ? null : asker,
      door: 'app',
      what: ['resume', again.role, again.worker, again.trigger].filter(Boolean).join(' '),
      why: dayTurned
        ? `the day turned (${dayOf(again.createdAt)} UTC)`
        : limit === 'daily'
          ? '`budget.dailyUsd` raised'
          : '`budget.maxUsd` raised',
      evidence: [again.url, run.url],
      costUsd: null,
    });
  }
  return events;
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

function sameSession(a: RunInfo, b: RunInfo): boolean {
  return a.role === b.role && a.worker === b.worker && a.trigger === b.trigger;
}

function dayOf(at: string): string {
  return new Date(at).toISOString().slice(0, 10);
}
