import type { ParsedConfig } from '../../../core/config/config.js';
import type { CommandAnswer } from '../../../core/decide/check-commands.js';
import type { BuildRead } from '../../../core/overview/build-read.js';
import type { AskRecord } from '../../../core/snapshot/ask-record.js';
import type { ActOutcome } from '../../act/act.js';
import type { StatusEditWait } from '../../act/status-pacer.js';
import { setLookNoNews } from '../../change-set/set-look.js';
import { writeBudgetOf } from '../../client/pacing/pace-requests.js';
import type { WriteBudget } from '../../client/pacing/write-budget.js';
import { withReason } from '../../client/request-reason.js';
import { buildKey, type RepoContext } from '../../client/types.js';
import type { Look, LookTime } from '../../store/look-schedule.js';
import type { BuildHold } from '../../store/store.js';
import { MAX_AGE_MS } from '../pass/last-reads.js';
import { reconcile } from '../pass/reconcile.js';
import type { BuildLog, NoNews, ScheduleDeps } from './handler-deps.js';
import type { BuildRef } from './locate-build.js';
import { leaveNextLook, lookTimeOf, timedLookNoNews } from './look-again.js';
import { queueHeldEdit, statusEditWaitOf } from './status-edit-queue.js';

/** What queues a reconcile of one build: the build, where its log goes, and why it is asked for. */
export interface ScheduleRequest {
  ref: BuildRef;
  defaultBranch: string;
  deps: ScheduleDeps;
  log: BuildLog;
  deliveryId: string | null;
  /** A comment's commands to check against the build, and to answer if they cannot apply. */
  answer?: CommandAnswer;
  /** A writer asked for this build (`askForBuild`): the reconcile may create it. */
  start?: boolean;
  /** With `start`: the record of that ask, written with the build's status comment. */
  ask?: AskRecord;
  /** The event may bring nothing the last read lacks: judged when the reconcile would start. */
  noNews?: NoNews;
  /** The repository's settings the handler read: the reconcile takes them rather than reading them again. */
  config?: ParsedConfig;
}

/** One queued reconcile of a build, as the parts of its pass share it. */
interface Queued {
  ctx: RepoContext;
  request: ScheduleRequest;
  deps: ScheduleDeps;
  key: string;
  buildLog: BuildLog;
  budget: WriteBudget | undefined;
  /** How long a status edit of a kind waits, against the app's time of the ask. */
  statusEditWait: (now: string) => StatusEditWait;
  /** The build's reconcile asked for again, as this one was (as a start, or with an event's no-news). */
  again: (asStart?: boolean, news?: NoNews) => void;
}

/**
 * Queues a reconcile of one build; webhooks are answered before it runs.
 * Every line the reconcile logs carries `deliveryId` (the webhook that queued
 * it; null for a resync) and `build` (`owner/repo#issue`).
 */
export function scheduleReconcile(ctx: RepoContext, request: ScheduleRequest): void {
  const { ref, deps, log, deliveryId, answer, start, ask, noNews, config } = request;
  const key = buildKey(ctx, ref.build);
  deps.known?.saw(ctx, ref);
  deps.asked ??= new Map();
  deps.asked.set(key, [...(deps.asked.get(key) ?? []), noNews ?? null]);
  // The queue coalesces reconciles, so answers wait beside it and the next reconcile takes them all.
  if (answer) deps.answers.set(key, [...(deps.answers.get(key) ?? []), answer]);
  if (start) {
    deps.starts ??= new Set();
    deps.starts.add(key);
    if (ask) keepAsk(deps, key, ask);
  }
  if (config) {
    deps.configs ??= new Map();
    deps.configs.set(key, config);
  }
  const budget = deps.writeBudget ?? writeBudgetOf(ctx.octokit);
  const queued: Queued = {
    ctx,
    request,
    deps,
    key,
    buildLog: log.child({ deliveryId, build: `${ctx.owner}/${ctx.repo}#${ref.issue}` }),
    budget,
    statusEditWait: statusEditWaitOf(key, deps, budget),
    again: (asStart = false, news) =>
      scheduleReconcile(ctx, {
        ref,
        defaultBranch: request.defaultBranch,
        deps,
        log,
        deliveryId,
        start: asStart,
        ...(news ? { noNews: news } : {}),
      }),
  };
  void deps.queue.enqueue(key, () => runQueued(queued), queued.buildLog);
}

/** A queued reconcile when its turn comes: skipped when nothing it stands for is news, held across replicas. */
async function runQueued(queued: Queued): Promise<void> {
  const { deps, key, buildLog } = queued;
  // Every event this reconcile stands for is news the last read holds: nothing to read.
  const asked = deps.asked?.get(key) ?? [null];
  deps.asked?.delete(key);
  // Each is judged against the build's newest read, whichever replica made it.
  if (asked.every(Boolean)) await deps.lastReads?.refresh(key);
  if (await noNewsIn(asked)) {
    buildLog.info(
      { ...(asked.length === 1 ? {} : { events: asked.length }) },
      `baton: ${asked.map((one) => one?.why).join('; ')}; no reconcile`,
    );
    return;
  }
  // One replica reconciles a build at a time; held elsewhere, this one asks again shortly.
  // A store that did not answer (Redis timed out) is asked again shortly too: no event may
  // follow, and the look the store would have kept for the build is the store's.
  const hold = await Promise.resolve(
    deps.holdBuild?.(key, { again: () => queued.again() }) ?? HELD,
  ).catch((error: unknown) => {
    setTimeout(() => queued.again(), HELD_RETRY_MS).unref();
    throw error;
  });
  if (!hold) {
    buildLog.info({}, 'baton: another replica reconciles the build; asking again shortly');
    // Its events are judged again then, against the read the holder's reconcile leaves: one
    // that brought news the holder read reads nothing more.
    setTimeout(() => {
      for (const news of asked) queued.again(false, news ?? undefined);
    }, HELD_RETRY_MS).unref();
    return;
  }
  try {
    await reconcileQueued(queued, hold);
  } finally {
    await hold.release();
  }
}

/** The reconcile itself, with the answers and the start that wait beside the queue. */
async function reconcileQueued(queued: Queued, hold: BuildHold): Promise<void> {
  const { ctx, request, deps, key, buildLog, budget } = queued;
  const answers = deps.answers.get(key) ?? [];
  deps.answers.delete(key);
  const starting = deps.starts?.delete(key) ?? false;
  const ask = starting ? deps.asks?.get(key) : undefined;
  deps.asks?.delete(key);
  const config = deps.configs?.get(key);
  deps.configs?.delete(key);
  // This reconcile renders the status afresh: an edit held before it is moot.
  deps.heldEdits.drop(key);
  const readAt = deps.recent?.now();
  // The installation's budget as every replica left it (at once in one process).
  await budget?.sync();
  const look = timedLook(ctx, { ...request, deliveryId: request.deliveryId, start: starting });
  const now = deps.now();
  // The build as the reconcile read it, for what follows it (`afterRead`): the first read, the
  // build's own; a change set's members are read after its set build.
  let read: BuildRead | undefined;
  const onRead =
    deps.onRead || deps.afterRead
      ? (one: BuildRead) => {
          deps.onRead?.(one);
          read ??= one;
        }
      : undefined;
  // What a reconcile reads is its read of the build; act tags each write by its action.
  const outcomes = await withReason('reconcile-read', () =>
    reconcile(
      {
        ...ctx,
        ...(deps.solo ? { solo: deps.solo } : {}),
        ...(hold.held ? { held: hold.held } : {}),
      },
      {
        ...request.ref,
        defaultBranch: request.defaultBranch,
        now,
        log: buildLog,
        answers,
        start: starting,
        ...(ask ? { ask } : {}),
        ...(config ? { config } : {}),
        ...(deps.setupPull ? { setupPull: deps.setupPull } : {}),
        ...(deps.statusPacer || budget ? { statusEditWait: queued.statusEditWait(now) } : {}),
        ...(budget ? { writeBudget: budget } : {}),
        ...(deps.lastReads ? { lastReads: deps.lastReads } : {}),
        ...(onRead ? { onRead } : {}),
        ...(deps.onActed ? { onActed: deps.onActed } : {}),
        ...(deps.onAudit ? { onAudit: deps.onAudit } : {}),
        ...(deps.installationDailyUsd ? { installationDailyUsd: deps.installationDailyUsd } : {}),
      },
    ),
  ).catch((error: unknown) => {
    // A reconcile GitHub failed (a read answered 5xx, a limit) is tried again like a write,
    // with the comments still awaiting Baton's 👀: no other read would take them.
    const awaiting = answers.filter((answer) => answer.awaiting);
    if (awaiting.length > 0) deps.answers.set(key, [...awaiting, ...(deps.answers.get(key) ?? [])]);
    if (ask) keepAsk(deps, key, ask);
    leaveNextLook(deps, { key, outcomes: null, look, log: buildLog });
    throw error;
  });
  afterReconcile(queued, { outcomes, starting, readAt, look, held: hold.held?.() ?? true });
  if (read && deps.afterRead) await deps.afterRead(read);
}

/**
 * Keeps the record of an ask beside the queue for the build's start: the first
 * one heard is the build's, so a second (a doubled delivery, another writer's
 * label) adds nothing, and a start tried again after a failed reconcile still
 * carries it.
 */
function keepAsk(deps: ScheduleDeps, key: string, ask: AskRecord): void {
  deps.asks ??= new Map();
  if (!deps.asks.has(key)) deps.asks.set(key, ask);
}

/** What a reconcile leaves behind: its next look, a held status edit, a wake for a waiting dispatch. */
function afterReconcile(
  queued: Queued,
  {
    outcomes,
    starting,
    readAt,
    look,
    held,
  }: {
    outcomes: ActOutcome[];
    starting: boolean;
    readAt: number | undefined;
    look: Look;
    /** Whether the reconcile still surely held its build as it ended (`BuildHold.held`). */
    held: boolean;
  },
): void {
  const { deps, key, buildLog, budget } = queued;
  deps.onReconciled?.(key, outcomes);
  const after = deps.againAfterWrites;
  if (after && wroteSomething(outcomes)) {
    const passes = after.passes.get(key) ?? 0;
    after.passes.set(key, passes + 1);
    if (passes < after.limit) queued.again(starting);
  }
  if (readAt !== undefined && !outcomes.some((outcome) => outcome.result === 'failed'))
    deps.recent?.note(key, readAt);
  // A deferred status edit is held and made when the pacing allows (HeldStatusEdits).
  const render = outcomes.find((outcome) => outcome.action.kind === 'render-status');
  if (render?.result === 'deferred' && render.held && render.retryInMs !== undefined) {
    deps.heldEdits.hold(key, render.held);
    deps.statusPacer?.trail(`${key} status`, render.retryInMs, () => queueHeldEdit(queued));
  }
  // The build's next look: a session settling, work GitHub is finishing, a failed write.
  leaveNextLook(deps, { key, outcomes, look, log: buildLog, held });
  // A first dispatch that waits is woken by the budget when there is room: when builds pay
  // what they owe, or made writes leave the hour (one timer for all the waiting builds).
  // The build's place among those waiting is its most urgent waiting worker's (`chain`).
  const waitingChains = outcomes.flatMap((outcome) =>
    outcome.result === 'deferred' && outcome.action.kind === 'dispatch'
      ? [outcome.action.chain ?? 1]
      : [],
  );
  if (budget && waitingChains.length > 0)
    budget.wake(key, () => queued.again(starting), Math.max(...waitingChains));
  // A turn this reconcile held and did not spend goes to the next build that waits; a build
  // that waits still keeps its place (a failed or stood-down reconcile did not get to ask).
  const waits =
    waitingChains.length > 0 ||
    outcomes.some((outcome) => outcome.result === 'failed' || outcome.result === 'stood-down');
  budget?.settled(key, waits);
}

/**
 * A build's look without an event, as this process takes it (`LookSchedule`
 * in one process): its reconcile is judged first by the build's runs
 * (`timedLookNoNews`), and one that finds no news leaves the next look in its
 * place. A look kept in Redis is taken by whichever replica is alive, and
 * judged the same way on the newest read any replica shared (src/index.ts,
 * `lookAt`; `LastReads.refresh`).
 */
export function timedLook(
  ctx: RepoContext,
  {
    ref,
    defaultBranch,
    deps,
    log,
    deliveryId = null,
    start = false,
  }: {
    ref: BuildRef;
    defaultBranch: string;
    deps: ScheduleDeps;
    log: BuildLog;
    /** The delivery whose reconcile set the look, for the log; null: none (a look another replica set). */
    deliveryId?: string | null;
    /** A build being started is looked at again as it was asked for (`scheduleReconcile`'s `start`). */
    start?: boolean;
  },
): Look {
  const key = buildKey(ctx, ref.build);
  const again = () => {
    const reads = deps.lastReads;
    const rearm = (next: LookTime) =>
      deps.looks?.set(
        key,
        [next],
        timedLook(ctx, { ref, defaultBranch, deps, log, deliveryId, start }),
      );
    // A change set's look is judged by its members' runs (`setLookNoNews`), a build's by its own.
    const noNews = reads
      ? (setLookNoNews(ctx, {
          build: ref.build,
          reads,
          now: deps.now,
          withinMs: MAX_AGE_MS,
          rearm: (next) => rearm(lookTimeOf(next)),
        }) ?? timedLookNoNews(ctx, { key, build: ref.build, reads, now: deps.now, rearm }))
      : undefined;
    scheduleReconcile(ctx, {
      ref,
      defaultBranch,
      deps,
      log,
      deliveryId,
      start,
      ...(noNews ? { noNews } : {}),
    });
  };
  return { again };
}

/** How soon a replica asks again for a build another replica reconciles. */
const HELD_RETRY_MS = 1_000;
const HELD: BuildHold = { release: async () => undefined };

/** Whether a reconcile made a write of its own (not the status, not a wait): its events would follow. */
export function wroteSomething(outcomes: ActOutcome[]): boolean {
  return outcomes.some(
    (outcome) =>
      outcome.result === 'done' &&
      outcome.action.kind !== 'render-status' &&
      outcome.action.kind !== 'look-again',
  );
}

/**
 * Whether every event a reconcile stands for is no news (each judged in turn, until one is
 * news); a judgement that throws (a read another replica shared, not as it should be) is news.
 */
async function noNewsIn(asked: (NoNews | null)[]): Promise<boolean> {
  for (const one of asked) {
    const none = one
      ? await Promise.resolve()
          .then(one.judge)
          .catch(() => false)
      : false;
    if (!none) return false;
  }
  return true;
}

/** A reconcile a webhook delivery asks for: its repository's default branch, its log and its id. */
export function scheduleFromDelivery(
  ctx: RepoContext,
  delivery: { id: string; log: BuildLog; payload: { repository: { default_branch: string } } },
  {
    ref,
    deps,
    ...asked
  }: {
    ref: BuildRef;
    deps: ScheduleDeps;
    answer?: CommandAnswer;
    start?: boolean;
    ask?: AskRecord;
    config?: ParsedConfig;
  },
): void {
  scheduleReconcile(ctx, {
    ref,
    defaultBranch: delivery.payload.repository.default_branch,
    deps,
    log: delivery.log,
    deliveryId: delivery.id,
    ...asked,
  });
}

/** A reconcile the resync asks for: no delivery to name, the default branch as the repository was listed. */
export function scheduleFromResync(
  ctx: RepoContext,
  resync: { ref: BuildRef; defaultBranch: string; deps: ScheduleDeps; log: BuildLog },
  asked: { start?: boolean; ask?: AskRecord; answer?: CommandAnswer; noNews?: NoNews } = {},
): void {
  scheduleReconcile(ctx, { ...resync, deliveryId: null, ...asked });
}
