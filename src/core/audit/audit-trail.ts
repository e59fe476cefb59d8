/**
 * The audit trail (docs/governance.md): every decision of a build that wrote
 * or spent, one event each, derived from what the app read of the build in
 * GitHub (the ask record, the runs it dispatched and their usage records, the
 * commands it took, the pull requests it merged with their reviews and
 * checks, the final pull request). Baton keeps no store of its own: the trail
 * is as complete as GitHub's record is. Only the repositories the reader may
 * read give events (`canRead`), as on the page.
 */

import { type Access, type BuildRead, canRead } from '../overview/build-read.js';
import { doorOf } from '../snapshot/ask-record.js';
import { buildLedger } from '../snapshot/ledger.js';
import { normalizeSnapshot } from '../snapshot/normalize-snapshot.js';
import type { CommandInfo, PostedComment } from '../snapshot/snapshot.js';
import { approversOf, mergeEvidence, statusLinkOf } from '../verification/write-trailers.js';
import type { AuditEvent, AuditKind } from './audit-event.js';
import { type BudgetRaise, resumeEvents, rollbackEvents } from './resume-events.js';

export { type AuditEvent, type AuditKind, isAuditDate } from './audit-event.js';
export type { BudgetRaise } from './resume-events.js';

/** The events of the builds `access` may read, at or after `since` (ISO 8601), oldest first. */
export function auditTrail({
  reads,
  access,
  since,
  raises = [],
}: {
  reads: readonly BuildRead[];
  access: Access;
  since?: string;
  /** The commits that raised a cap, of each repository read (`readBudgetRaises`): a resume names who. */
  raises?: readonly (BudgetRaise & { repository: string })[];
}): AuditEvent[] {
  const from = since ? Date.parse(since) : Number.NEGATIVE_INFINITY;
  return reads
    .filter((read) => canRead(access, read))
    .flatMap((read) =>
      // A change set's revert is an event of the member repository it reverts: only its readers see it.
      buildEvents({
        ...read,
        raises: raises.filter((raise) => raise.repository === read.repository),
      }).filter((event) =>
        canRead(access, { repository: event.repository, installationId: read.installationId }),
      ),
    )
    .filter((event) => Date.parse(event.at) >= from)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.what.localeCompare(b.what));
}

/** One build's events, from what the app read of it alone. */
export function buildEvents({
  repository,
  snapshot,
  config,
  view,
  raises = [],
}: Pick<BuildRead, 'repository' | 'snapshot' | 'config'> &
  Partial<Pick<BuildRead, 'view'>> & { raises?: readonly BudgetRaise[] }): AuditEvent[] {
  const base = { repository, build: snapshot.build };
  // A build started before the ask record: its build label's event says who asked (a writer's).
  const labelled = snapshot.ask ? undefined : snapshot.labelledBy?.find((event) => event.at);
  const asker = snapshot.ask?.by ?? labelled?.login ?? null;
  const status = statusLinkOf(snapshot);
  const events: AuditEvent[] = [];
  if (snapshot.ask) {
    const { how, what } = snapshot.ask;
    events.push({
      ...base,
      at: snapshot.ask.at,
      kind: 'ask',
      who: snapshot.ask.by,
      door: doorOf(how),
      what: what.kind === 'build' ? `${what.type} build` : 'improvement loops',
      why: how.way === 'label' ? `label ${how.label}` : null,
      evidence: [
        how.way === 'command' ? `${snapshot.issue.url}#issuecomment-${how.comment}` : status,
      ],
      costUsd: null,
    });
  } else if (labelled?.at) {
    events.push({
      ...base,
      at: labelled.at,
      kind: 'ask',
      who: labelled.login,
      door: 'label',
      what: 'build',
      why: `label ${labelled.label}`,
      evidence: [snapshot.issue.url],
      costUsd: null,
    });
  }
  const spent = new Map<number, number>();
  for (const entry of buildLedger(normalizeSnapshot(snapshot)).entries) {
    if (entry.runId !== null) spent.set(entry.runId, (spent.get(entry.runId) ?? 0) + entry.costUsd);
  }
  for (const run of snapshot.runs) {
    if (run.byBaton === false) continue;
    events.push({
      ...base,
      at: run.createdAt,
      kind: 'dispatch',
      who: asker,
      door: 'app',
      what: [run.role, run.worker, run.trigger].filter(Boolean).join(' '),
      why: run.trigger ? `answers ${run.trigger}` : null,
      evidence: [run.url],
      costUsd: spent.has(run.id) ? round(spent.get(run.id) ?? 0) : null,
    });
  }
  for (const info of snapshot.commands)
    events.push(
      commandEvent({ repository, build: snapshot.build, issueUrl: snapshot.issue.url, info }),
    );
  for (const pull of snapshot.pulls) {
    if (pull.state !== 'merged' || !pull.mergedAt) continue;
    const approvers = approversOf(snapshot, pull);
    events.push({
      ...base,
      at: pull.mergedAt,
      kind: 'merge',
      who: approvers[0] ?? asker,
      door: 'app',
      what: `merge #${pull.number} ${pull.worker}`,
      why: approvers.length > 0 ? `approved by ${approvers.join(', ')}` : null,
      evidence: [
        pull.url,
        ...(pull.mergeSha ? [`commit ${pull.mergeSha}`] : []),
        ...mergeEvidence(snapshot, pull, config?.verification),
      ],
      costUsd: null,
    });
  }
  for (const event of postedEvents(snapshot, asker)) events.push({ ...base, ...event });
  for (const event of resumeEvents(snapshot, asker, raises)) events.push({ ...base, ...event });
  for (const event of rollbackEvents(view ?? null)) events.push({ ...base, ...event });
  return events;
}

/** The notices whose key starts so: a stop for money. Every other notice asks a person for something. */
const BUDGET_NOTICES = new Set([
  'budget',
  'daily-budget',
  'installation-daily-budget',
  'awaiting-budget',
  'plan-budget',
  'validation-budget',
  'synthesis-budget',
]);

/** The notes that refuse someone: a command of a person without write access, a label, a comment's errors. */
const REFUSAL_NOTES: { prefix: string; door: AuditEvent['door']; what: string }[] = [
  { prefix: 'label-refused-', door: 'label', what: 'label refused: no write access' },
  { prefix: 'refused-', door: 'command', what: 'commands refused: no write access' },
  { prefix: 'reply-', door: 'command', what: 'commands not taken: the reply says why' },
];

/**
 * What Baton said on the build's issue and pull requests, each an event: every notice (a
 * worker held for a person, a stop for money, a failed attempt, the final pull request)
 * and every note that refused someone. The key is Baton's own (`noticeKey`): it is what
 * the event says, with the comment as its evidence.
 */
function postedEvents(
  snapshot: BuildRead['snapshot'],
  asker: string | null,
): Omit<AuditEvent, 'repository' | 'build'>[] {
  const repoUrl = snapshot.issue.url.replace(/\/issues\/\d+$/, '');
  const events: Omit<AuditEvent, 'repository' | 'build'>[] = [];
  for (const posted of snapshot.posted ?? []) {
    if (posted.kind === 'note') {
      const refusal = refusalEvent({ issueUrl: snapshot.issue.url, posted });
      if (refusal) events.push(refusal);
      continue;
    }
    const where = posted.number === snapshot.issue.number ? 'issues' : 'pull';
    const evidence = [`${repoUrl}/${where}/${posted.number}#issuecomment-${posted.id}`];
    const said = { at: posted.at, evidence, costUsd: null };
    const [first = '', ...rest] = posted.key.split('/');
    const kind: AuditKind =
      first === 'final-pull'
        ? 'final-pull'
        : first === 'failed'
          ? 'failure'
          : BUDGET_NOTICES.has(first)
            ? 'budget-stop'
            : 'hold';
    const why = first === 'needs-human' ? (rest[1] ?? null) : null;
    events.push({ ...said, kind, who: asker, door: 'app', what: [first, ...rest].join(' '), why });
  }
  return events;
}

/**
 * The event of a command Baton took (its 👀 on the comment), on the build whose
 * issue is at `issueUrl`: as the trail derives it from the build's accepted
 * commands, and as the stream sends it when the 👀 goes.
 */
export function commandEvent({
  repository,
  build,
  issueUrl,
  info,
}: {
  repository: string;
  build: string;
  issueUrl: string;
  info: CommandInfo;
}): AuditEvent {
  const { author, command, commentId, createdAt, source } = info;
  const worker = 'worker' in command && typeof command.worker === 'string' ? command.worker : '';
  const where =
    source.kind === 'issue'
      ? issueUrl
      : `${issueUrl.replace(/\/issues\/\d+$/, '')}/pull/${source.number}`;
  return {
    repository,
    build,
    at: createdAt,
    kind: 'command',
    who: author,
    door: 'command',
    what: `/${command.name}${worker ? ` ${worker}` : ''}`,
    why: null,
    evidence: [`${where}#issuecomment-${commentId}`],
    costUsd: null,
  };
}

/**
 * The event of a note of Baton's that refused someone (a command or a label of a
 * person without write access, a comment's lines that are no command), on the
 * build whose issue is at `issueUrl`; null for any other note.
 */
export function refusalEvent({
  issueUrl,
  posted,
}: {
  issueUrl: string;
  posted: Pick<PostedComment, 'key' | 'number' | 'id' | 'at'>;
}): Omit<AuditEvent, 'repository' | 'build'> | null {
  const refusal = REFUSAL_NOTES.find((one) => posted.key.startsWith(one.prefix));
  if (!refusal) return null;
  // A build lives on an issue, or on a labelled pull request (the pull-label door).
  const repoUrl = issueUrl.replace(/\/(?:issues|pull)\/\d+$/, '');
  const where = issueUrl === `${repoUrl}/issues/${posted.number}` ? 'issues' : 'pull';
  return {
    at: posted.at,
    kind: 'refusal',
    who: refusal.prefix === 'reply-' ? null : posted.key.slice(refusal.prefix.length),
    door: refusal.door,
    what: refusal.what,
    why: null,
    evidence: [`${repoUrl}/${where}/${posted.number}#issuecomment-${posted.id}`],
    costUsd: null,
  };
}

function round(usd: number): number {
  return Math.round(usd * 10_000) / 10_000;
}
