import type { AuditEvent } from '../../core/audit/audit-event.js';
import { checkSetCommands } from '../../core/change-set/check-set-commands.js';
import { decideSet, type SetDecision } from '../../core/change-set/decide-set.js';
import type { SetMember, SetSnapshot } from '../../core/change-set/set-snapshot.js';
import { renderCommandErrors } from '../../core/commands/render-replies.js';
import type { ParsedConfig } from '../../core/config/config.js';
import { awaitedCommands, withTakenCommands } from '../../core/decide/awaiting-comments.js';
import type { CommandAnswer } from '../../core/decide/check-commands.js';
import type { CommandInfo } from '../../core/snapshot/snapshot.js';
import { type ActLog, type ActOutcome, act } from '../act/act.js';
import { withDispatchedRuns } from '../act/dispatch-session.js';
import { ensureNote } from '../act/ensure-note.js';
import type { StatusEditWait } from '../act/status-pacer.js';
import type { WriteBudget } from '../client/pacing/write-budget.js';
import { withReason } from '../client/request-reason.js';
import { contextOf, type RepoContext } from '../client/types.js';
import { readDaySpend } from '../observe/day-spend.js';
import type { ObservedBuild } from '../observe/observe-build.js';
import { actSet, type LinkOutcome } from './act-set.js';
import { observeSet } from './observe-set.js';
import type { GraphMember } from './set-query.js';
import { notRun, takeSetComments } from './take-set-comments.js';

/** What one pass over a change set is handed: the set build's read, its settings, and what came before. */
export interface SetPassRequest {
  observed: ObservedBuild;
  config: ParsedConfig;
  now: string;
  log: ActLog;
  freshFrom: number;
  statusEditWait?: StatusEditWait;
  writeBudget?: WriteBudget;
  installationDailyUsd?: number | null;
  /** Commands just given on the set's issue (by comment), answered when they cannot apply; some await the 👀. */
  answers?: CommandAnswer[];
  /** Members read in the set build's own call (`BatonSet`), by node id: the first pass's. */
  read?: ReadonlyMap<string, GraphMember | null>;
  /** Hears the audit trail's events of the set's writes beside its builds' passes (`onAudit`). */
  onAudit?: (events: readonly AuditEvent[]) => void;
  /** A second pass's: what the first did in each member's repository, its dispatches put in sight. */
  dispatched?: ReadonlyMap<string, ActOutcome[]>;
}

/** What one pass did. */
export interface SetPassDone {
  set: SetSnapshot;
  decision: SetDecision;
  outcomes: ActOutcome[];
  /** What the pass did in each member's repository. */
  byRepository: Map<string, ActOutcome[]>;
  links: LinkOutcome[];
  /** The comments awaiting Baton's 👀 that it took (gave the 👀) on this pass's read. */
  taken: ReadonlySet<number>;
  /** The commands of the comments this process's 👀 took (GitHub's 201), for the audit stream. */
  eyed: CommandInfo[];
}

/** One pass: the set read, decided, and every build's writes and the links made. */
export async function setPass(ctx: RepoContext, request: SetPassRequest): Promise<SetPassDone> {
  const { observed, config, now, log } = request;
  // Comments awaiting the 👀 are read as if taken, so the set asks where their authors may write.
  const awaiting = (request.answers ?? []).filter((answer) => answer.awaiting);
  const read = await observeSet(ctx, {
    home: withTakenCommands(observed.snapshot, awaiting.flatMap(awaitedCommands)),
    config,
    since: observed.runsSince,
    freshFrom: request.freshFrom,
    ...(request.read ? { read: request.read } : {}),
  });
  const { dispatched, installationDailyUsd } = request;
  const seen = withDispatched(read, { dispatched, now });
  const spent = await withDaySpend(ctx, seen, { now, installationDailyUsd });
  // Judged on the read the set acts on: the 👀 only where the set takes every command.
  const { set, taken, eyed } = await takeSetComments(ctx, {
    set: spent,
    awaiting,
    read: observed.snapshot,
    config,
  });
  const decision = decideSet({ set, config, now });
  const { writeBudget } = request;
  const outcomes: ActOutcome[] = [];
  const byRepository = new Map<string, ActOutcome[]>();
  for (const build of decision.builds) {
    const there = await contextOf(ctx, build.repository);
    const writes = build.actions.filter((action) => action.kind !== 'render-status');
    if (writes.length === 0) continue;
    const owed = writeBudget ? { writes: writeBudget } : null;
    // A merge's trailers judge risk by the member's own settings.
    const settings = build.config?.ok ? build.config.config : config.ok ? config.config : null;
    const done = await act(there, {
      snapshot: build.snapshot,
      actions: writes,
      log,
      ...(settings ? { config: settings } : {}),
      ...(owed ? { budget: owed } : {}),
    });
    outcomes.push(...done);
    byRepository.set(build.repository, [...(byRepository.get(build.repository) ?? []), ...done]);
  }
  const links = await actSet(ctx, { links: decision.links, build: set.home.build, log });
  return { set, decision, outcomes, byRepository, links, taken, eyed };
}

/** The set with what a first pass dispatched in each member put in its runs (a second pass's). */
function withDispatched(
  set: SetSnapshot,
  { dispatched, now }: { dispatched: ReadonlyMap<string, ActOutcome[]> | undefined; now: string },
): SetSnapshot {
  if (!dispatched) return set;
  return {
    ...set,
    members: set.members.map((member) => ({
      ...member,
      snapshot: withDispatchedRuns(member.snapshot, dispatched.get(member.repository) ?? [], now),
    })),
  };
}

/**
 * Replies once to each comment on the set's issue whose commands cannot apply,
 * as the set judges them; of a comment it did not take, the commands that
 * could have applied are said not run too.
 */
export async function answerSetCommands(
  ctx: RepoContext,
  {
    set,
    config,
    request,
    taken,
  }: {
    set: SetSnapshot;
    config: ParsedConfig;
    request: SetPassRequest;
    taken: ReadonlySet<number>;
  },
): Promise<void> {
  if (!config.ok) return;
  for (const answer of request.answers ?? []) {
    const info =
      answer.awaiting ?? set.home.commands.find((one) => one.commentId === answer.commentId);
    if (!info) continue;
    const refused = checkSetCommands({
      set,
      commands: answer.commands,
      author: info.author,
      config: config.config,
      now: request.now,
      at: info.createdAt,
    });
    const problems =
      answer.awaiting && !taken.has(answer.commentId) ? notRun(answer.commands, refused) : refused;
    if (problems.length === 0) continue;
    await ensureNote(ctx, {
      number: answer.number,
      key: `answer-${answer.commentId}`,
      body: renderCommandErrors(problems),
    });
  }
}

/** Each member's day, where its repository (or the app) caps what a day may spend. */
async function withDaySpend(
  ctx: RepoContext,
  set: SetSnapshot,
  { now, installationDailyUsd }: { now: string; installationDailyUsd: number | null | undefined },
): Promise<SetSnapshot> {
  const members = await Promise.all(
    set.members.map(async (member): Promise<SetMember> => {
      const facts = set.repositories.find((one) => one.name === member.repository);
      const repoCap = facts?.config?.ok === true && facts.config.config.budget.dailyUsd !== null;
      if (!repoCap && !installationDailyUsd) return member;
      const there = await contextOf(ctx, member.repository);
      const { forged: _forged, ...spend } = await withReason('reconcile-read', () =>
        readDaySpend(there, {
          now,
          repoCap,
          installationCapUsd: installationDailyUsd,
        }),
      );
      return { ...member, snapshot: { ...member.snapshot, ...spend } };
    }),
  );
  return { ...set, members };
}

/**
 * A link GitHub failed, as a failed write of the build (a later reconcile
 * tries again, 5 s on, then longer); the others need nothing of the caller.
 */
export function failedLinks(links: LinkOutcome[]): ActOutcome[] {
  return links.flatMap(({ result, detail }): ActOutcome[] =>
    result === 'failed'
      ? [
          {
            action: { kind: 'look-again', inMs: 0 },
            result: 'failed',
            transient: true,
            ...(detail ? { detail } : {}),
          },
        ]
      : [],
  );
}

export function describeLink({ link, result }: LinkOutcome): string {
  const where = 'repository' in link ? ` ${link.repository}` : '';
  return `${link.kind}${where}: ${result}`;
}
