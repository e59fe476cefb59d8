import type { AuditEvent } from '../../../core/audit/audit-event.js';
import { commandEvent } from '../../../core/audit/audit-trail.js';
import { isSetBuild } from '../../../core/change-set/set-commands.js';
import type { ParsedConfig } from '../../../core/config/config.js';
import type { Action } from '../../../core/context/action.js';
import { type CommandAnswer, commandAnswers } from '../../../core/decide/check-commands.js';
import { decide } from '../../../core/decide/decide.js';
import type { BuildRead } from '../../../core/overview/build-read.js';
import type { AskRecord } from '../../../core/snapshot/ask-record.js';
import { configForAsk } from '../../../core/snapshot/ask-record.js';
import type { BuildSnapshot } from '../../../core/snapshot/snapshot.js';
import { loadConfigAt } from '../../../read-config.js';
import { type ActedBuild, type ActLog, type ActOutcome, act } from '../../act/act.js';
import { lookAfter, standsForNothing } from '../../act/next-look.js';
import { lastingRefusal, noticeRefusedRead } from '../../act/refused-read.js';
import { removeDuplicateStatusComments } from '../../act/status-comment.js';
import type { StatusEditWait } from '../../act/status-pacer.js';
import { takeComments } from '../../act/take-comments.js';
import { membersSeen } from '../../change-set/members-seen.js';
import { reconcileSet } from '../../change-set/reconcile-set.js';
import type { WriteBudget } from '../../client/pacing/write-budget.js';
import { withReason } from '../../client/request-reason.js';
import { buildKey, type RepoContext } from '../../client/types.js';
import { readAskerUsage, readDaySpend } from '../../observe/day-spend.js';
import { type ObservedBuild, observeBuild } from '../../observe/observe-build.js';
import type { ReadAlongside } from '../../observe/read-build-graph.js';
import { readSubIssues } from '../../observe/read-sub-issues.js';
import type { SetupPullHook } from '../../setup/onboarding.js';
import { actLaterPasses } from './after-merges.js';
import type { LastReads } from './last-reads.js';
import { sayUncountedUsage } from './uncounted-usage.js';

export interface ReconcileRequest {
  build: string;
  issue: number;
  defaultBranch: string;
  /** ISO time; the only clock `decide` sees. */
  now: string;
  log: ActLog;
  /** Commands just taken, to check against the truth and answer when they cannot apply. */
  answers?: CommandAnswer[];
  /** Onboarding, when on: finds or opens the setup PR that the missing-workflow status links. */
  setupPull?: SetupPullHook;
  /** Paces status comment edits of a kind: 0 when one may be made now, else the ms until then. */
  statusEditWait?: StatusEditWait;
  /** The installation's write budget (`WriteBudget`): near it, what can wait is deferred. */
  writeBudget?: WriteBudget;
  /**
   * A writer asked for this build (their label, an accepted `/improve`): it may be created.
   * Without it a build GitHub does not show (`existsOnGitHub`) is left alone: an event's
   * branch name or run name is only a hint, and a fork's is whatever its author typed.
   */
  start?: boolean;
  /**
   * With `start`: the record of the writer's ask (`askForBuild`). A build with no status
   * comment yet takes it, and the comment this pass creates writes it; a build that has one
   * keeps what it records (or, started before the record, records none).
   */
  ask?: AskRecord;
  /** What this process last read of each build: noted here, for run completions to be judged by (`LastReads`). */
  lastReads?: LastReads;
  /** Hears each build read whole, with the status it renders (the page's board). */
  onRead?: (read: BuildRead) => void;
  /** Hears each build's pass once it is done: the build as read, and what the pass did (traces). */
  onActed?: (acted: ActedBuild) => void;
  /**
   * Hears the audit trail's events of a write made beside a build's pass, once it went:
   * a command's 👀, a refusal's note, a change set's revert (the audit stream, src/telemetry/).
   */
  onAudit?: (events: readonly AuditEvent[]) => void;
  /**
   * The installation's daily cap in US dollars (`BATON_INSTALLATION_DAILY_USD`, set on
   * the app): when set, the reconcile reads what every repository of the installation
   * spent today (`readInstallationUsage`, cached a minute) before it may dispatch.
   */
  installationDailyUsd?: number | null;
  /** The settings the event's handler read for this reconcile (as Probot's `context.config`): not read again. */
  config?: ParsedConfig;
}

/**
 * Reads the build; when GitHub refuses the read for a reason that will not
 * pass by itself (a query over a limit, a malformed request), says so once on
 * the issue before failing, so a build that cannot start does not wait in
 * silence. Rate limits and server errors fail as before and are tried again.
 */
async function observeOrSay(
  ctx: RepoContext,
  {
    build,
    issue,
    defaultBranch,
    log,
    freshFrom,
    alongside,
    ask,
  }: {
    build: string;
    issue: number;
    defaultBranch: string;
    log: ActLog;
    freshFrom: number;
    alongside?: ReadAlongside;
    ask?: AskRecord | undefined;
  },
): Promise<ObservedBuild> {
  try {
    return await observeBuild(ctx, {
      build,
      issue,
      defaultBranch,
      freshFrom,
      ...(alongside ? { alongside } : {}),
      ...(ask ? { ask } : {}),
    });
  } catch (error) {
    const refusal = lastingRefusal(error);
    if (!refusal) throw error;
    log.error(
      { err: error, buildId: build, refusal },
      `baton: GitHub refuses to read the build (${refusal.code}); said so on the issue`,
    );
    try {
      await withReason('notice', () =>
        noticeRefusedRead(ctx, { build, issue, defaultBranch, refusal }),
      );
    } catch (noticeError) {
      log.warn({ err: noticeError, buildId: build }, 'baton: the notice of a refused read failed');
    }
    throw error;
  }
}

/**
 * One pass of observe → decide → act over the build an issue names: read its truth, then
 * reconcile it as one build (`reconcileBuild`) or, where it is a change set's,
 * as the set above the builds it links (`reconcileSet`,
 * docs/change-sets.md). What it is can only be told once it is read: its plan
 * and the configuration at its default branch say.
 */
export async function reconcile(
  ctx: RepoContext,
  request: ReconcileRequest,
): Promise<ActOutcome[]> {
  const { build, issue, defaultBranch, log } = request;
  // Any read of the repository begun from now on shows every event this reconcile is for.
  const freshFrom = Date.now();
  // A change set's members, as its last read found them, are read in the build's own call,
  // unless they are read with a token of their own (the conductor's: its token sees this one).
  const home = `${ctx.owner}/${ctx.repo}`.toLowerCase();
  const alongside = ctx.membersReader
    ? null
    : membersSeen.alongside(buildKey(ctx, build), { build, home });
  const observed = await observeOrSay(ctx, {
    build,
    issue,
    defaultBranch,
    log,
    freshFrom,
    ...(alongside ? { alongside } : {}),
    // The ask that starts the build names its base before its status comment records it.
    ...(request.start && request.ask ? { ask: request.ask } : {}),
  });
  if (!request.start && !existsOnGitHub(observed.snapshot)) {
    log.info(
      { buildId: build },
      'baton: no such build (no build branch, no status comment); only a writer starts one',
    );
    return [];
  }
  // A process that shares no store says so when it sees another process's dispatches.
  ctx.solo?.sawRuns({ build, runs: observed.snapshot.runs, log });
  const asked = request.start && request.ask ? askedFor(observed, request.ask) : observed;
  // An organisation's policy may hold a build another door asked for until a person approves (`configForAsk`).
  const config = configForAsk(
    request.config ?? (await loadConfigAt(ctx, observed.snapshot.repo.defaultSha)),
    asked.snapshot.ask,
  );
  // A change set's build (docs/change-sets.md) reads and acts across its repositories.
  if (config.ok && isSetBuild({ snapshot: asked.snapshot, config: config.config, home })) {
    return reconcileSet(ctx, { request, observed: asked, config, freshFrom, alongside });
  }
  return reconcileBuild(ctx, { ...request, observed: asked, config });
}

/**
 * The build as read, with the ask that starts it where its status comment is
 * still to be created: that comment records it, once (its lock ref), so a
 * second start (a doubled delivery, another replica, another writer's label)
 * finds the comment and its record, and writes nothing new.
 */
function askedFor(observed: ObservedBuild, ask: AskRecord): ObservedBuild {
  const { snapshot } = observed;
  if (snapshot.statusComment !== null || snapshot.ask) return observed;
  return { ...observed, snapshot: { ...snapshot, ask } };
}

/** What one build's reconcile is handed: the request, with the build as `reconcile` read it. */
interface BuildReconcile extends ReconcileRequest {
  observed: ObservedBuild;
  config: ParsedConfig;
}

/**
 * One build's pass, once its query and configuration are read: the rest of
 * its truth read, decide, act. Writes go first; then the status is rendered
 * from the same truth plus the runs just dispatched (GitHub lists a new run
 * only a moment later), so the comment links the run at once.
 */
export async function reconcileBuild(
  ctx: RepoContext,
  request: BuildReconcile,
): Promise<ActOutcome[]> {
  const { build, now, log, observed, config } = request;
  const read = await readRestOfBuild(ctx, request);
  await withReason('status-edit', () =>
    removeDuplicateStatusComments(ctx, observed.duplicateStatusIds),
  );
  // Comments that wait for Baton's 👀 get it: this build is no change set's, and their authors write it.
  const { snapshot, eyed } = await takeComments(ctx, {
    snapshot: read,
    answers: request.answers ?? [],
  });
  const issueUrl = snapshot.issue.url;
  request.onAudit?.(
    eyed.map((info) =>
      commandEvent({ repository: `${ctx.owner}/${ctx.repo}`, build, issueUrl, info }),
    ),
  );
  // The comments whose commands this reconcile took are answered first, where they cannot apply.
  const answers = config.ok
    ? commandAnswers({ answers: request.answers ?? [], snapshot, config: config.config, now })
    : [];
  const writes = [
    ...answers,
    ...decide({ snapshot, config, now }).filter((action) => action.kind !== 'render-status'),
  ];
  // What this build's work under way owes, as GitHub shows it, holds room back before a dispatch:
  // each `act` tells the budget, from the build it acts on (`forecastWrites`).
  const { writeBudget } = request;
  const budget = writeBudget ? { writeBudget } : {};
  const first = await act(ctx, {
    snapshot,
    actions: writes,
    log,
    ...(config.ok ? { config: config.config } : {}),
    ...(writeBudget ? { budget: { writes: writeBudget } } : {}),
  });
  // What its merges unlock and what follows a final pull request it opened are done now.
  const later = await actLaterPasses(ctx, {
    snapshot,
    outcomes: first,
    config,
    now,
    log,
    ...budget,
  });
  const outcomes = [...first, ...later.outcomes];
  const seen = later.snapshot;
  const after = decide({ snapshot: seen, config, now });
  const render = after.filter((action) => action.kind === 'render-status');
  const lostRace = outcomes.some((outcome) => outcome.result === 'stood-down');
  // A replica that lost a dispatch race must not create a second status comment.
  const renderOutcomes = await act(ctx, {
    snapshot: seen,
    actions: lostRace && !seen.statusComment ? [] : render,
    log,
    // What the build owes once every pass is done, for the builds waiting on the budget.
    ...(writeBudget ? { budget: { writes: writeBudget } } : {}),
    ...(request.statusEditWait ? { statusEditWait: request.statusEditWait } : {}),
  });
  // What GitHub is finishing for the build sets its next look: no build waits on an event.
  const { look, byRuns } = lookAfter({
    snapshot: seen,
    config,
    outcomes: [...outcomes, ...renderOutcomes],
    now,
  });
  const all = [...outcomes, ...renderOutcomes, ...(look ? [look] : [])];
  noteRead(request, {
    ctx,
    key: buildKey(ctx, build),
    seen,
    render,
    after,
    all,
    settled: later.settled,
    byRuns,
  });
  log.info({ buildId: build, actions: summarize(all) }, 'baton: reconciled');
  return all;
}

/**
 * The rest of one build's truth, once its query and configuration are read:
 * its sub-issues, the day's spend where a cap asks for it, and, for a build
 * whose workflow is missing, onboarding's setup pull request.
 */
async function readRestOfBuild(ctx: RepoContext, request: BuildReconcile): Promise<BuildSnapshot> {
  const { build, issue, defaultBranch, now, log, observed, config } = request;
  const subIssues = await readSubIssues(ctx, {
    issue,
    build,
    plan: observed.snapshot.plan,
    mirror: config.ok && config.config.plan.mirrorSubIssues,
  });
  if (subIssues) observed.snapshot.issue.subIssues = subIssues;
  // The organisation's policy the settings were read under names itself in every write's trailers.
  if (config.ok && config.policy) observed.snapshot.policy = config.policy.source;
  // The day's spend, where a daily cap asks for it; records under the build's usage refs (or the
  // day's) that no run accounts for are said once, never counted.
  const { forged, ...spend } = await readDaySpend(ctx, {
    now,
    repoCap: config.ok && config.config.budget.dailyUsd !== null,
    installationCapUsd: request.installationDailyUsd,
  });
  Object.assign(observed.snapshot, spend);
  // An organisation's cap per asker: what the builds this build's asker asked for spent today.
  const perAsker = config.ok ? (config.policy?.perAskerDailyUsd ?? null) : null;
  const asker = observed.snapshot.ask?.by;
  if (perAsker !== null && asker) {
    observed.snapshot.askerUsage = await readAskerUsage(ctx, { now, asker, capUsd: perAsker });
  }
  const repository = `${ctx.owner}/${ctx.repo}`;
  const uncounted = (observed.snapshot.uncountedUsage ?? []).map((one) => ({ ...one, repository }));
  sayUncountedUsage(log, [...uncounted, ...forged]);
  const ignored = (observed.snapshot.ignoredValidations ?? []).map((one) => ({
    ...one,
    repository,
  }));
  sayUncountedUsage(log, ignored, 'validation');
  // Only a build whose workflow is missing pays for onboarding's reads.
  const setupPull = request.setupPull;
  const read =
    observed.snapshot.workflowInstalled || !setupPull
      ? observed.snapshot
      : {
          ...observed.snapshot,
          setupPull: await setupPull(
            ctx,
            defaultBranch,
            labelledAtByWriter({
              snapshot: observed.snapshot,
              label: config.ok ? config.config.label : 'orchestrate',
            }),
            log,
          ),
        };
  return read;
}

/**
 * A read whose writes all went stands for the build, for a run's completion to be judged by
 * (`LastReads`); not one whose dispatch waits on another process's lock, which its next look
 * must read again.
 */
function noteRead(
  request: BuildReconcile,
  {
    ctx,
    key,
    seen,
    render,
    after,
    all,
    settled,
    byRuns,
  }: {
    ctx: RepoContext;
    key: string;
    seen: BuildSnapshot;
    render: Action[];
    after: Action[];
    all: ActOutcome[];
    settled: string[];
    byRuns: boolean;
  },
): void {
  const view = render.length === 1 && render[0]?.kind === 'render-status' ? render[0].view : null;
  const clean = view && !all.some(standsForNothing);
  const read: BuildRead = {
    repository: `${ctx.owner}/${ctx.repo}`,
    installationId: ctx.installationId ?? null,
    snapshot: seen,
    config: request.config.ok ? request.config.config : null,
    view,
    readAt: request.now,
  };
  request.onRead?.(read);
  request.onActed?.({ read, outcomes: all });
  request.lastReads?.note(
    key,
    clean
      ? {
          snapshot: seen,
          config: request.config,
          view: JSON.stringify(view),
          settled,
          runsSince: request.observed.runsSince,
          awaitsRun: byRuns,
          // What the build still asks for once this pass is done: deferred, or done but not yet in sight.
          asked: after.flatMap((action) =>
            action.kind === 'render-status' ? [] : [JSON.stringify(action)],
          ),
        }
      : null,
  );
}

/**
 * Whether Baton made this build: its build branch exists (only Baton and writers can push it;
 * the first plan's dispatch is guarded by creating it) or the issue carries Baton's status
 * comment for it (only the app writes as the app).
 */
export function existsOnGitHub(snapshot: BuildSnapshot): boolean {
  return snapshot.integration !== null || snapshot.statusComment !== null;
}

function summarize(outcomes: ActOutcome[]): string[] {
  return outcomes.map(({ action, result }) => `${describe(action)}: ${result}`);
}

function describe(action: Action): string {
  if (action.kind === 'dispatch') {
    const { role, worker, trigger } = action.request;
    return ['dispatch', role, worker, trigger].filter(Boolean).join(' ');
  }
  return action.kind;
}

/**
 * When someone with write access last added the build label: on a build that
 * found the workflow missing, that asks for Baton again after a closed setup
 * pull request (anyone with triage permission can add a label; only a writer
 * asks, and `labelledBy` holds only writers' labels: `readLabelEvents`).
 */
function labelledAtByWriter({
  snapshot,
  label,
}: {
  snapshot: BuildSnapshot;
  label: string;
}): string | null {
  const events = (snapshot.labelledBy ?? []).filter((event) => event.label === label && event.at);
  return events.at(-1)?.at ?? null;
}
