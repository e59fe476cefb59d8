/**
 * A change set's reconcile (docs/change-sets.md): the set build's read, the
 * set's around it (`observeSet`), `decideSet`, then each build's actions in
 * its own repository, the links between them, and the one status on the
 * set's issue (`setPass`). `reconcile` hands a build here once it is a set's;
 * the set's next look, and what each member's last read was, are left here too.
 */

import type { AuditEvent } from '../../core/audit/audit-event.js';
import { commandEvent } from '../../core/audit/audit-trail.js';
import { rollbackEvent } from '../../core/audit/resume-events.js';
import { rollbackOf } from '../../core/change-set/decide-links.js';
import type { Config, ParsedConfig } from '../../core/config/config.js';
import type { Action } from '../../core/context/action.js';
import type { CommandAnswer } from '../../core/decide/check-commands.js';
import { decide } from '../../core/decide/decide.js';
import type { BuildRead } from '../../core/overview/build-read.js';
import type { BuildSnapshot } from '../../core/snapshot/snapshot.js';
import { type ActedBuild, type ActLog, type ActOutcome, act } from '../act/act.js';
import { nextLook, standsForNothing } from '../act/next-look.js';
import { removeDuplicateStatusComments } from '../act/status-comment.js';
import type { StatusEditWait } from '../act/status-pacer.js';
import type { WriteBudget } from '../client/pacing/write-budget.js';
import { withReason } from '../client/request-reason.js';
import { buildKey, type RepoContext } from '../client/types.js';
import type { ObservedBuild } from '../observe/observe-build.js';
import type { LinkOutcome } from './act-set.js';
import type { MemberReads } from './set-look.js';
import {
  answerSetCommands,
  describeLink,
  failedLinks,
  type SetPassDone,
  type SetPassRequest,
  setPass,
} from './set-pass.js';
import type { GraphMember } from './set-query.js';

/** The reconcile's request, as much of it as the set's reads (`ReconcileRequest`). */
export interface SetRequest {
  now: string;
  log: ActLog;
  /** Commands just given on the set's issue (by comment), answered when they cannot apply; some await the 👀. */
  answers?: CommandAnswer[];
  statusEditWait?: StatusEditWait;
  writeBudget?: WriteBudget;
  installationDailyUsd?: number | null;
  /** What this process last read of each build: each member is noted under its own key. */
  lastReads?: MemberReads;
  /** Hears each build a reconcile read whole, as its status rendered it (the page's board, src/page/). */
  onRead?: (read: BuildRead) => void;
  /** Hears each member's pass once it is done, with what it did (the traces, src/telemetry/). */
  onActed?: (acted: ActedBuild) => void;
  /**
   * Hears the audit trail's events of a write made beside a build's pass, once it went:
   * a command's 👀, a refusal's note, a change set's revert (the audit stream, src/telemetry/).
   */
  onAudit?: (events: readonly AuditEvent[]) => void;
}

/**
 * A change set's reconcile (`setPasses`): its commands answered as the set
 * judges them, its passes, and its next look, the soonest any of its builds waits for.
 */
export async function reconcileSet(
  ctx: RepoContext,
  {
    request,
    observed,
    config,
    freshFrom,
    alongside,
  }: {
    request: SetRequest;
    /** The set build as `reconcile` read it, and the configuration at its default branch. */
    observed: ObservedBuild;
    config: ParsedConfig;
    freshFrom: number;
    /** The members read in the set build's own call (`membersSeen.alongside`), by their node ids in order. */
    alongside: { ids: string[] } | null;
  },
): Promise<ActOutcome[]> {
  const { now, log } = request;
  await withReason('status-edit', () =>
    removeDuplicateStatusComments(ctx, observed.duplicateStatusIds),
  );
  const read = new Map<string, GraphMember | null>(
    (alongside?.ids ?? []).map((id, index) => [
      id,
      (observed.alongside?.[index] as GraphMember | null | undefined) ?? null,
    ]),
  );
  const done = await setPasses(ctx, {
    observed,
    config,
    now,
    log,
    freshFrom,
    read,
    answers: request.answers ?? [],
    ...(request.onAudit ? { onAudit: request.onAudit } : {}),
    ...(request.statusEditWait ? { statusEditWait: request.statusEditWait } : {}),
    ...(request.writeBudget ? { writeBudget: request.writeBudget } : {}),
    ...(request.installationDailyUsd ? { installationDailyUsd: request.installationDailyUsd } : {}),
  });
  // How long a session typically runs is the set's: every member's sessions are of one kind.
  const ended = done.builds.flatMap((build) =>
    build.snapshot.runs.filter((run) => run.status === 'completed'),
  );
  const looks = done.builds.flatMap((build) => {
    const runs = [
      ...build.snapshot.runs,
      ...ended.filter((run) => !build.snapshot.runs.includes(run)),
    ];
    const snapshot = { ...build.snapshot, runs };
    const look = nextLook({ snapshot, config, outcomes: build.outcomes, now });
    const asked = build.actions.flatMap((action): ActOutcome[] =>
      action.kind === 'look-again' ? [{ action, result: 'deferred', retryInMs: action.inMs }] : [],
    );
    return [...(look ? [look] : []), ...asked];
  });
  const soonest = looks.reduce<ActOutcome | null>(
    (first, look) => (first && (first.retryInMs ?? 0) <= (look.retryInMs ?? 0) ? first : look),
    null,
  );
  // Each member as `decide` renders it alone, once: what its last read notes and the page shows.
  const decided =
    request.lastReads || request.onRead || request.onActed
      ? done.builds.map((build) =>
          build.config ? decide({ snapshot: build.snapshot, config: build.config, now }) : null,
        )
      : [];
  if (request.lastReads)
    noteMembers({ done, decided, reads: request.lastReads, runsSince: observed.runsSince });
  if (request.onRead || request.onActed) showBuilds({ ctx, done, decided, request, config });
  return [...done.outcomes, ...(soonest ? [soonest] : [])];
}

/**
 * One reconcile of a change set: a pass, and when it merged a worker or put a
 * report on a member's build branch, a second pass on the set read again, so
 * what that unlocked across repositories starts now and not at the next event
 * (as `actLaterPasses` does within one build). The status of the last pass is
 * rendered.
 */
async function setPasses(ctx: RepoContext, request: SetPassRequest): Promise<SetReconciled> {
  const { log } = request;
  const first = await setPass(ctx, request);
  if (request.config.ok)
    await withReason('notice', () =>
      answerSetCommands(ctx, {
        set: first.set,
        config: request.config,
        request,
        taken: first.taken,
      }),
    );
  const unlocks =
    first.outcomes.some((o) => o.action.kind === 'merge-pull' && o.result === 'done') ||
    first.links.some((o) => o.link.kind === 'deliver-report' && o.result === 'done');
  // The second pass reads the members again but not their runs: the first pass's listings,
  // with the runs it dispatched as GitHub will list them a moment later.
  const { read: _first, answers: _taken, ...again } = request;
  const last = unlocks ? await setPass(ctx, { ...again, dispatched: first.byRepository }) : first;
  const passes = last === first ? [first] : [first, last];
  const outcomes = passes.flatMap((pass) => pass.outcomes);
  const links = passes.flatMap((pass) => pass.links);
  request.onAudit?.(setAuditEvents(ctx, { first, links }));
  const { set, decision } = last;
  // The status is the set's, on the set's issue, with every command it accepted in its ledger.
  const render =
    decision.builds[0]?.actions.filter((action) => action.kind === 'render-status') ?? [];
  const lostRace = outcomes.some((outcome) => outcome.result === 'stood-down');
  const { writeBudget } = request;
  const rendered = await act(ctx, {
    snapshot: set.home,
    actions: lostRace && !set.home.statusComment ? [] : render,
    log,
    ...(writeBudget ? { budget: { writes: writeBudget } } : {}),
    ...(request.statusEditWait ? { statusEditWait: request.statusEditWait } : {}),
  });
  log.info(
    {
      buildId: set.home.build,
      repositories: set.members.map((member) => member.repository),
      actions: [...outcomes, ...rendered].map(({ action, result }) => `${action.kind}: ${result}`),
      links: links.map(describeLink),
    },
    'baton: reconciled the change set',
  );
  return {
    outcomes: [...outcomes, ...failedLinks(links), ...rendered],
    builds: decision.builds.map((build) => ({
      repository: build.repository,
      snapshot: build.snapshot,
      actions: build.actions,
      outcomes: last.outcomes.filter((outcome) => build.actions.includes(outcome.action)),
      acted: passes.flatMap((pass) => {
        const same = pass.decision.builds.find(
          (one) =>
            one.repository === build.repository && one.snapshot.build === build.snapshot.build,
        );
        return same ? pass.outcomes.filter((outcome) => same.actions.includes(outcome.action)) : [];
      }),
      ...(build.config ? { config: build.config } : {}),
    })),
  };
}

/**
 * The audit trail's events of the set's writes beside its builds' passes: the
 * commands of the comments this process's 👀 took, and each revert pull request
 * this process opened (its branch's pull request is the guard: a second answers 422).
 */
function setAuditEvents(
  ctx: RepoContext,
  { first, links }: { first: SetPassDone; links: readonly LinkOutcome[] },
): AuditEvent[] {
  const { home } = first.set;
  const base = { repository: `${ctx.owner}/${ctx.repo}`, build: home.build };
  const taken = first.eyed.map((info) => commandEvent({ ...base, issueUrl: home.issue.url, info }));
  const rollback = rollbackOf(first.set);
  const reverts = links.flatMap((outcome) =>
    outcome.revert && rollback && outcome.link.kind === 'open-revert'
      ? [
          {
            ...base,
            ...rollbackEvent({
              repository: outcome.link.repository,
              rollback: { by: rollback.author, at: rollback.createdAt },
              revert: outcome.revert,
              final: outcome.revert.final,
            }),
          },
        ]
      : [],
  );
  return [...taken, ...reverts];
}

/** What a set's reconcile did, and each build's last pass, for the caller to time the next look by. */
interface SetReconciled {
  outcomes: ActOutcome[];
  /** The set build, then each member with the configuration its rules read. */
  builds: {
    repository: string;
    snapshot: BuildSnapshot;
    actions: Action[];
    /** What its actions of the last pass came to. */
    outcomes: ActOutcome[];
    /** What its actions of every pass came to (the traces'). */
    acted: ActOutcome[];
    config?: ParsedConfig;
  }[];
}

/**
 * Each member build as the set's reconcile last read it, under its own key in
 * its repository (`LastReads`): an event of a member (a run's completion, its
 * build branch's push) is then judged as one of a build's is, by its own rules
 * on its own snapshot. A pass with a failed write notes none.
 */
function noteMembers({
  done,
  decided,
  reads,
  runsSince,
}: {
  done: SetReconciled;
  /** What `decide` made of each build alone, in `done.builds`' order (none for the set build). */
  decided: (Action[] | null)[];
  reads: MemberReads;
  runsSince: string;
}): void {
  const clean = !done.outcomes.some(standsForNothing);
  for (const [index, build] of done.builds.entries()) {
    const actions = decided[index];
    if (!build.config || !actions) continue;
    const [owner = '', repo = ''] = build.repository.split('/');
    const key = buildKey({ owner, repo }, build.snapshot.build);
    reads.noteDecided(
      key,
      clean
        ? { snapshot: build.snapshot, config: build.config, decided: actions, runsSince }
        : null,
    );
  }
}

/**
 * The set build and each member as this reconcile read them, for the page:
 * the set's status as the set rendered it (its repositories' lines), each
 * member's as `decide` renders it for that member alone.
 */
function showBuilds({
  ctx,
  done,
  decided,
  request,
  config,
}: {
  ctx: RepoContext;
  done: SetReconciled;
  decided: (Action[] | null)[];
  request: SetRequest;
  config: ParsedConfig;
}): void {
  for (const [index, build] of done.builds.entries()) {
    const rendered = build.actions.findLast((action) => action.kind === 'render-status');
    const alone = index > 0 ? decided[index]?.at(-1) : undefined;
    const view =
      alone?.kind === 'render-status'
        ? alone.view
        : rendered?.kind === 'render-status'
          ? rendered.view
          : null;
    const read: BuildRead = {
      repository: build.repository,
      installationId: ctx.installationId ?? null,
      snapshot: build.snapshot,
      // The set build reads the set's configuration, its repository's own.
      config: configOf(index === 0 ? config : build.config),
      view,
      readAt: request.now,
    };
    request.onRead?.(read);
    request.onActed?.({ read, outcomes: build.acted });
  }
}

function configOf(parsed: ParsedConfig | undefined): Config | null {
  return parsed?.ok ? parsed.config : null;
}
