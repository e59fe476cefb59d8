import type { AuditEvent } from '../../../core/audit/audit-event.js';
import { refusalEvent } from '../../../core/audit/audit-trail.js';
import type { AskedBuild } from '../../../core/config/build-labels.js';
import type { ParsedConfig } from '../../../core/config/config.js';
import type { CommandAnswer } from '../../../core/decide/check-commands.js';
import type { AskRecord, AskWay, MappedPerson } from '../../../core/snapshot/ask-record.js';
import { buildIdFor } from '../../../core/vocabulary/ids.js';
import { ensureNote, type PostedNote } from '../../act/ensure-note.js';
import { withReason } from '../../client/request-reason.js';
import type { RepoContext } from '../../client/types.js';
import { hasWriteAccess } from '../../observe/permissions.js';
import type { BuildLog, ScheduleDeps } from '../queue/handler-deps.js';
import { type BuildRef, findBuildForIssue } from '../queue/locate-build.js';
import { scheduleFromDelivery, scheduleFromResync } from '../queue/schedule-reconcile.js';

/**
 * A writer asking for a build, whichever way they asked (a label, a comment's
 * `/improve`; a tracker or a schedule would be one more way): who, where and what.
 */
export interface BuildAsk {
  /** Who asked (a login): only a person with write access to the repository starts a build. */
  asker: string;
  /** Where: the issue the build is of, in the context's repository. */
  issue: { number: number; title: string };
  /** What is asked for. */
  what: AskedBuild;
  /** Which way: the label added (its name), or the comment whose command asks (its id). */
  how: AskWay;
  /** When the ask was heard or made (ISO 8601): the delivery's time, or the comment's. */
  at: string;
  /** What asked, where a person can open it (https), where it is not the issue itself. */
  link?: string;
  /** The tracker's person the asker was mapped from (a tracker's way only). */
  mapped?: MappedPerson;
  /** The issue's build where the way looked for it already (null: it has none); left out, the seam looks. */
  found?: BuildRef | null;
  /** What a refused asker is told on the issue, once (a note by its key); none: nothing is said. */
  refusal?: { key: string; body: string };
  /**
   * Hears the refusal's note once this process posted it, as the audit trail's event of the
   * issue's build (none: the issue has no build, and no trail holds it): the issue's page, and
   * the audit stream's ear (`onAudit`).
   */
  heard?: { issueUrl: string; onAudit: (events: readonly AuditEvent[]) => void };
  /**
   * What the way does once the asker may ask, before the build's reconcile is queued (a
   * comment's 👀, its lines that are no command answered): what goes with the ask to the
   * reconcile (the comment's commands, checked against the build), or null when another
   * process took the ask.
   */
  take?: () => Promise<{ answer?: CommandAnswer } | null>;
}

/** How an ask went: refused, taken by another process, a new build started, or one that runs looked at. */
export type AskAnswer =
  | { result: 'refused'; why: 'no-write-access' }
  | { result: 'taken-elsewhere' }
  | { result: 'started'; ref: BuildRef }
  | { result: 'running'; ref: BuildRef };

/**
 * Queues the reconcile that may create the build asked for: the one way a build
 * starts, with the record of the ask (`record`) that the build's status comment keeps.
 */
export type StartBuild = (
  ref: BuildRef,
  asked: { ask: BuildAsk; record: AskRecord; answer?: CommandAnswer | undefined },
) => void;

/** The record of a writer's ask, as the build's status comment keeps it: who, how, when, what, what asked. */
export function askRecordOf(ask: BuildAsk): AskRecord {
  return {
    by: ask.asker,
    how: ask.how,
    at: ask.at,
    what: ask.what,
    ...(ask.link ? { link: ask.link } : {}),
    ...(ask.mapped ? { mapped: ask.mapped } : {}),
  };
}

/**
 * The seam every way of asking for a build goes through. The asker's
 * permission is checked one way (`hasWriteAccess`: write, maintain or admin;
 * anyone with triage may add a label, only a writer asks); a refusal is said
 * as the way says it, or not at all. The issue's build is found by its build
 * branch: one that runs is looked at again, never started twice; else a new
 * id is named from the issue. Then the build is started one way (`start`: a
 * reconcile queued with `start`, the only one that may create a build), with
 * the record of the ask: who, which way, when, what. The reconcile that
 * creates the build's status comment writes it there, once; the core reads
 * the asker from it, never from a label's event (a label anyone with triage
 * may add again; a way that is no label has none).
 */
export async function askForBuild(
  ctx: RepoContext,
  ask: BuildAsk,
  start: StartBuild,
): Promise<AskAnswer> {
  if (!(await hasWriteAccess(ctx, ask.asker))) {
    const refusal = ask.refusal;
    const posted = refusal
      ? await withReason('notice', () => ensureNote(ctx, { number: ask.issue.number, ...refusal }))
      : null;
    if (posted && refusal && ask.heard) await heardRefusal(ctx, ask, { ...posted, ...refusal });
    return { result: 'refused', why: 'no-write-access' };
  }
  const found =
    ask.found === undefined ? await findBuildForIssue(ctx, ask.issue.number) : ask.found;
  const taken = ask.take ? await ask.take() : {};
  if (!taken) return { result: 'taken-elsewhere' };
  const ref = found ?? {
    build: buildIdFor(ask.issue.number, ask.issue.title),
    issue: ask.issue.number,
  };
  start(ref, { ask, record: askRecordOf(ask), answer: taken.answer });
  return found ? { result: 'running', ref } : { result: 'started', ref };
}

/** A refusal's note just posted, told to the audit stream as an event of the issue's build, if it has one. */
async function heardRefusal(
  ctx: RepoContext,
  ask: BuildAsk,
  posted: PostedNote & { key: string },
): Promise<void> {
  const { heard } = ask;
  if (!heard) return;
  // Looked for only now: a refusal is rare, and a note of an issue with no build is in no trail.
  const found =
    ask.found === undefined ? await findBuildForIssue(ctx, ask.issue.number) : ask.found;
  if (!found) return;
  const event = refusalEvent({
    issueUrl: heard.issueUrl,
    posted: { ...posted, number: ask.issue.number },
  });
  if (event)
    heard.onAudit([{ repository: `${ctx.owner}/${ctx.repo}`, build: found.build, ...event }]);
}

/**
 * How a way that hears a webhook delivery starts a build: a reconcile queued
 * with `start`, from the delivery's repository, log and id.
 */
export function startFromDelivery(
  ctx: RepoContext,
  delivery: { id: string; log: BuildLog; payload: { repository: { default_branch: string } } },
  deps: ScheduleDeps,
  /** The repository's settings the handler read, handed to the reconcile: read once an event. */
  config?: ParsedConfig,
): StartBuild {
  return (ref, { ask, record, answer }) => {
    delivery.log
      .child({ deliveryId: delivery.id, build: `${ctx.owner}/${ctx.repo}#${ref.issue}` })
      .info(
        { asker: ask.asker, what: ask.what, buildId: ref.build },
        'baton: a writer asks for a build',
      );
    scheduleFromDelivery(ctx, delivery, {
      ref,
      deps,
      start: true,
      ask: record,
      ...(answer ? { answer } : {}),
      ...(config ? { config } : {}),
    });
  };
}

/**
 * How a way that hears no webhook of GitHub's starts a build (a schedule, a
 * tracker): a reconcile queued with `start`, logged as `said`.
 */
export function startWithoutDelivery(
  ctx: RepoContext,
  {
    defaultBranch,
    deps,
    log,
    said,
  }: { defaultBranch: string; deps: ScheduleDeps; log: BuildLog; said: string },
): StartBuild {
  return (ref, { ask, record }) => {
    log
      .child({ deliveryId: null, build: `${ctx.owner}/${ctx.repo}#${ref.issue}` })
      .info({ asker: ask.asker, how: ask.how, buildId: ref.build }, said);
    scheduleFromResync(ctx, { ref, defaultBranch, deps, log }, { start: true, ask: record });
  };
}
