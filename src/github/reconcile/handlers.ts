import type { Context } from 'probot';
import { loadConfig } from '../../config.js';
import { commandWord, parseCommands } from '../../core/commands/parse-commands.js';
import {
  isBatonComment,
  renderCommandErrors,
  renderCommandRefusal,
  renderLabelRefusal,
} from '../../core/commands/render-replies.js';
import { isBuildLabel } from '../../core/config/build-labels.js';
import { defaultConfig } from '../../core/config/config.js';
import type { CommandAnswer } from '../../core/decide/check-commands.js';
import type { BuildRead } from '../../core/overview/build-read.js';
import { buildIdFor, parseBatonBranch } from '../../core/vocabulary/ids.js';
import type { ActLog, ActOutcome } from '../act/act.js';
import { ensureNote } from '../act/ensure-note.js';
import type { HeldStatusEdits } from '../act/held-status-edit.js';
import {
  SATURATED_STATUS_EDIT_MS,
  STRAINED_STATUS_EDIT_MS,
  type StatusEditWait,
  type StatusPacer,
} from '../act/status-pacer.js';
import { defaultBranchOf } from '../change-set/default-branch.js';
import { setLookNoNews } from '../change-set/set-look.js';
import type { BuildQueue } from '../client/build-queue.js';
import { writeBudgetOf } from '../client/pace-requests.js';
import { withReason } from '../client/request-reason.js';
import { buildKey, contextOf, type RepoContext } from '../client/types.js';
import type { WriteBudget } from '../client/write-budget.js';
import { hasWriteAccess } from '../observe/permissions.js';
import type { SetupPullHook } from '../setup/onboarding.js';
import type { Look, LookSchedule, LookTime } from '../store/look-schedule.js';
import type { BatonStore, BuildHold } from '../store/store.js';
import type { KnownBuilds } from './known-builds.js';
import { type LastReads, MAX_AGE_MS } from './last-reads.js';
import { type BuildRef, buildOfBranch, findBuildForIssue, setOfMember } from './locate-build.js';
import {
  leaveNextLook,
  listedRunsChangeNothing,
  lookOf,
  lookTimeOf,
  timedLookNoNews,
} from './look-again.js';
import type { RecentReconciles } from './recent-reconciles.js';
import { reconcile } from './reconcile.js';

export interface HandlerDeps {
  queue: BuildQueue;
  now: () => string;
  botLogin: () => Promise<string>;
  /** Commands taken but not yet checked against their build, by queue key. */
  answers: Map<string, CommandAnswer[]>;
  /**
   * Builds a writer asked to start (label, `/improve`) whose reconcile has not run yet, by queue
   * key: only such a reconcile may create a build; any other reconcile of a build GitHub does not
   * show (no build branch, no status comment) does nothing.
   */
  starts?: Set<string>;
  /** People refused on an issue already (`owner/repo#issue login`): refused once, then ignored. */
  refused?: Set<string>;
  /** Onboarding, when on: a build whose workflow is missing links the setup PR. */
  setupPull?: SetupPullHook;
  /** Paces status comment edits per build; none: every change is edited at once. */
  statusPacer?: StatusPacer;
  /** The status edits the pacer deferred, made when their time comes without a new read. */
  heldEdits: HeldStatusEdits;
  /** One write budget for every installation (tests); else each client's own (`writeBudgetOf`). */
  writeBudget?: WriteBudget;
  /** When this process last read each build whole: the resync passes over one read lately. */
  recent?: RecentReconciles;
  /** The builds of each repository this process knows, which the resync goes by between listings. */
  known?: KnownBuilds;
  /** What this process last read of each build: a run's completion that changes nothing starts no reconcile. */
  lastReads?: LastReads;
  /**
   * Why each reconcile waiting in the queue was asked for, by queue key: an event the
   * last read may hold already (`NoNews`), or null for any other. Taken by the reconcile
   * when it starts: it reads the build only if one of them may bring news.
   */
  asked?: Map<string, (NoNews | null)[]>;
  /** The installation's daily cap (`BATON_INSTALLATION_DAILY_USD`); none: no such cap. */
  installationDailyUsd?: number | null;
  /** Hears each build a reconcile read whole, as its status rendered it (the page's board, src/page/). */
  onRead?: (read: BuildRead) => void;
  /** Hears what each reconcile did, keyed `owner/repo#build` (metrics). */
  onReconciled?: (key: string, outcomes: ActOutcome[]) => void;
  /**
   * Reconcile a build again at once after a pass that wrote, at most `limit` times in a
   * row per build: for a door that hears none of the events its own writes cause (the
   * conductor workflow's job, src/conductor/), where the hosted app waits for them.
   */
  againAfterWrites?: { limit: number; passes: Map<string, number> };
  /** When each build is looked at again without an event (`nextLook`, a failed write); none: never. */
  looks?: LookSchedule;
  /** Holds a build for one reconcile across replicas (`BatonStore.holdBuild`); none: this process's queue alone. */
  holdBuild?: BatonStore['holdBuild'];
  /** Per build, how many passes in a row had a write GitHub failed (`failedWriteRetryMs`). */
  failedPasses?: Map<string, number>;
  /**
   * The installation's client for another of its repositories, where an event's client covers
   * only its own (the conductor's, docs/serverless.md): a change set acts in several.
   */
  octokitFor?: RepoContext['octokitFor'];
}

/**
 * An event that may bring nothing the build's last read lacks (`LastReads`): `judge`
 * says so, when the reconcile it asks for would start; `why` is logged when it does.
 */
export interface NoNews {
  judge: () => boolean | Promise<boolean>;
  why: string;
}

/** The little of a Probot context the adapter needs. */
export interface EventContext {
  /** The webhook delivery's id (`X-GitHub-Delivery`). */
  id: string;
  octokit: RepoContext['octokit'];
  repo(): { owner: string; repo: string };
  /** The app's installation GitHub delivered the event for. */
  payload?: { installation?: { id: number } | null | undefined };
}

/** A logger that can carry fields on every line it writes (pino's child loggers). */
export interface BuildLog extends ActLog {
  child(bindings: Record<string, unknown>): BuildLog;
}

export async function repoContext(context: EventContext, deps: HandlerDeps): Promise<RepoContext> {
  const { owner, repo } = context.repo();
  const installationId = context.payload?.installation?.id;
  return {
    octokit: context.octokit,
    owner,
    repo,
    botLogin: await deps.botLogin(),
    ...(installationId ? { installationId } : {}),
    ...(deps.octokitFor ? { octokitFor: deps.octokitFor } : {}),
  };
}

/**
 * Queues a reconcile of one build; webhooks are answered before it runs.
 * Every line the reconcile logs carries `deliveryId` (the webhook that queued
 * it; null for a resync) and `build` (`owner/repo#issue`).
 */
export function scheduleReconcile(
  ctx: RepoContext,
  {
    ref,
    defaultBranch,
    deps,
    log,
    deliveryId,
    answer,
    start,
    noNews,
  }: {
    ref: BuildRef;
    defaultBranch: string;
    deps: HandlerDeps;
    log: BuildLog;
    deliveryId: string | null;
    /** A comment's commands to check against the build, and to answer if they cannot apply. */
    answer?: CommandAnswer;
    /** A writer asked for this build (label, `/improve`): the reconcile may create it. */
    start?: boolean;
    /** The event may bring nothing the last read lacks: judged when the reconcile would start. */
    noNews?: NoNews;
  },
): void {
  const key = buildKey(ctx, ref.build);
  deps.known?.saw(ctx, ref);
  const buildLog = log.child({ deliveryId, build: `${ctx.owner}/${ctx.repo}#${ref.issue}` });
  deps.asked ??= new Map();
  deps.asked.set(key, [...(deps.asked.get(key) ?? []), noNews ?? null]);
  // The queue coalesces reconciles, so answers wait beside it and the next reconcile takes them all.
  if (answer) deps.answers.set(key, [...(deps.answers.get(key) ?? []), answer]);
  if (start) {
    deps.starts ??= new Set();
    deps.starts.add(key);
  }
  const pacer = deps.statusPacer;
  const budget = deps.writeBudget ?? writeBudgetOf(ctx.octokit);
  // Near the installation's write budget a status edit waits first; else the pacer decides,
  // gathering a minute of changes into one edit while the hour is mostly made or owed, and ten
  // while a worker waits for room to start (each edit would take its room).
  // `now`: the app's time of the ask, against which the comment's last edit is dated.
  const statusEditWait =
    (now: string): StatusEditWait =>
    ({ kind, editedAt }) => {
      const wait = budget?.waitFor('status') ?? 0;
      if (wait > 0) return wait;
      const least = budget?.waiting()
        ? SATURATED_STATUS_EDIT_MS
        : budget?.strained()
          ? STRAINED_STATUS_EDIT_MS
          : 0;
      // How long ago the comment was written, on the app's clock and GitHub's times alike.
      const editedAgoMs = editedAt ? Date.parse(now) - Date.parse(editedAt) : null;
      return pacer?.admit(key, least, { kind, editedAgoMs }) ?? 0;
    };
  const again = (asStart = false, news?: NoNews) =>
    scheduleReconcile(ctx, {
      ref,
      defaultBranch,
      deps,
      log,
      deliveryId,
      start: asStart,
      ...(news ? { noNews: news } : {}),
    });
  const held = deps.heldEdits;
  // A held status edit is made when its time comes, without reading the build again; in the
  // queue under a key of its own, so a reconcile's place is never taken by it.
  const makeHeld = (): void => {
    void deps.queue.enqueue(
      `${key} status`,
      async () => {
        if (!held.has(key)) return;
        const wait = statusEditWait(deps.now())(held.paceOf(key));
        if (wait > 0) {
          pacer?.trail(`${key} status`, wait, makeHeld);
          return;
        }
        // One replica edits a build's status at a time (two held edits falling due together both
        // found the comment as they saw it, and both edited): held elsewhere, the holder renders it.
        const hold = await (deps.holdBuild?.(key) ?? HELD);
        if (!hold) {
          held.drop(key);
          return;
        }
        try {
          if ((await withReason('status-edit', () => held.make(ctx, key))) === 'moved-on') again();
        } catch (err) {
          buildLog.warn({ err }, 'baton: held status edit failed; reconciling the build instead');
          again();
        } finally {
          await hold.release();
        }
      },
      buildLog,
    );
  };
  void deps.queue.enqueue(
    key,
    async () => {
      // Every event this reconcile stands for is news the last read holds: nothing to read.
      const asked = deps.asked?.get(key) ?? [null];
      deps.asked?.delete(key);
      if (await noNewsIn(asked)) {
        buildLog.info(
          { ...(asked.length === 1 ? {} : { events: asked.length }) },
          `baton: ${asked.map((one) => one?.why).join('; ')}; no reconcile`,
        );
        return;
      }
      // One replica reconciles a build at a time; held elsewhere, this one asks again shortly.
      const hold = await (deps.holdBuild?.(
        key,
        lookOf(ctx, ref, defaultBranch, () => again()),
      ) ?? HELD);
      if (!hold) {
        buildLog.info({}, 'baton: another replica reconciles the build; asking again shortly');
        setTimeout(() => again(), HELD_RETRY_MS).unref();
        return;
      }
      try {
        const answers = deps.answers.get(key) ?? [];
        deps.answers.delete(key);
        const starting = deps.starts?.delete(key) ?? false;
        // This reconcile renders the status afresh: an edit held before it is moot.
        held.drop(key);
        const readAt = deps.recent?.now();
        // The installation's budget as every replica left it (at once in one process).
        await budget?.sync();
        const look = timedLook(ctx, {
          ref,
          defaultBranch,
          deps,
          log,
          deliveryId,
          start: starting,
        });
        const now = deps.now();
        // What a reconcile reads is its read of the build; act tags each write by its action.
        const outcomes = await withReason('reconcile-read', () =>
          reconcile(ctx, {
            ...ref,
            defaultBranch,
            now,
            log: buildLog,
            answers,
            start: starting,
            ...(deps.setupPull ? { setupPull: deps.setupPull } : {}),
            ...(pacer || budget ? { statusEditWait: statusEditWait(now) } : {}),
            ...(budget ? { writeBudget: budget } : {}),
            ...(deps.lastReads ? { lastReads: deps.lastReads } : {}),
            ...(deps.onRead ? { onRead: deps.onRead } : {}),
            ...(deps.installationDailyUsd
              ? { installationDailyUsd: deps.installationDailyUsd }
              : {}),
          }),
        ).catch((error: unknown) => {
          // A reconcile GitHub failed (a read answered 5xx, a limit) is tried again like a write.
          leaveNextLook(deps, { key, outcomes: null, look, log: buildLog });
          throw error;
        });
        deps.onReconciled?.(key, outcomes);
        const after = deps.againAfterWrites;
        if (after && wroteSomething(outcomes)) {
          const passes = after.passes.get(key) ?? 0;
          after.passes.set(key, passes + 1);
          if (passes < after.limit) again(starting);
        }
        if (readAt !== undefined && !outcomes.some((outcome) => outcome.result === 'failed'))
          deps.recent?.note(key, readAt);
        // A deferred status edit is held and made when the pacing allows (HeldStatusEdits).
        const render = outcomes.find((outcome) => outcome.action.kind === 'render-status');
        if (render?.result === 'deferred' && render.held && render.retryInMs !== undefined) {
          held.hold(key, render.held);
          pacer?.trail(`${key} status`, render.retryInMs, makeHeld);
        }
        // The build's next look: a session settling, work GitHub is finishing, a failed write.
        leaveNextLook(deps, { key, outcomes, look, log: buildLog });
        // A first dispatch that waits is woken by the budget when there is room: when builds pay
        // what they owe, or made writes leave the hour (one timer for all the waiting builds).
        // The build's place among those waiting is its most urgent waiting worker's (`chain`).
        const waitingChains = outcomes.flatMap((outcome) =>
          outcome.result === 'deferred' && outcome.action.kind === 'dispatch'
            ? [outcome.action.chain ?? 1]
            : [],
        );
        if (budget && waitingChains.length > 0)
          budget.wake(key, () => again(starting), Math.max(...waitingChains));
        // A turn this reconcile held and did not spend goes to the next build that waits.
        budget?.settled(key);
      } finally {
        await hold.release();
      }
    },
    buildLog,
  );
}

/**
 * A build's look without an event, as this process takes it (`LookSchedule`
 * in one process): its reconcile is judged first by the build's runs
 * (`timedLookNoNews`), and one that finds no news leaves the next look in its
 * place. A look kept in Redis is taken by whichever replica is alive, whose
 * last read may lack what the replica that set it did: it reads the build
 * whole (src/index.ts, `lookAt`).
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
    deps: HandlerDeps;
    log: BuildLog;
    /** The delivery whose reconcile set the look, for the log; null: none (a look another replica set). */
    deliveryId?: string | null;
    /** A build being started is looked at again as it was asked for (`scheduleReconcile`'s `start`). */
    start?: boolean;
  },
): Look {
  const key = buildKey(ctx, ref.build);
  return lookOf(ctx, ref, defaultBranch, () => {
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
  });
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

/** Whether every event a reconcile stands for is no news (each judged in turn, until one is news). */
async function noNewsIn(asked: (NoNews | null)[]): Promise<boolean> {
  for (const one of asked) if (!one || !(await one.judge())) return false;
  return true;
}

/**
 * The periodic resync's reconcile of one open build, unless this process read
 * the build whole within `passOverMs` (`RecentReconciles`). Whether it queued one.
 *
 * A build this process read whole within `probeWithinMs` is first looked at
 * through its runs alone (the repository's run listing, asked conditionally
 * and shared by its builds): when they change nothing of the last read
 * (`LastReads.runsChangeNothing`), the build is not read again. A lost event of
 * a run then heals at this resync; any other lost event (a comment, a person's
 * review or push) at the first resync past `probeWithinMs` since the last read.
 */
export function scheduleResync(
  ctx: RepoContext,
  {
    ref,
    defaultBranch,
    deps,
    log,
    passOverMs,
    probeWithinMs = 0,
  }: {
    ref: BuildRef;
    defaultBranch: string;
    deps: HandlerDeps;
    log: BuildLog;
    passOverMs: number;
    probeWithinMs?: number;
  },
): boolean {
  const key = buildKey(ctx, ref.build);
  if (deps.recent?.readWithin(key, passOverMs)) return false;
  const reads = deps.lastReads;
  const since = reads?.runsSince(key, probeWithinMs);
  // A listing begun since this resync began shows every run event it heals: its builds share one.
  const resyncFrom = Date.now();
  const noNews =
    reads && since
      ? {
          judge: () =>
            listedRunsChangeNothing(ctx, {
              key,
              build: ref.build,
              since,
              freshFrom: resyncFrom,
              reads,
              now: deps.now,
              withinMs: probeWithinMs,
            }),
          why: 'the runs are as the last read saw them',
        }
      : undefined;
  scheduleReconcile(ctx, {
    ref,
    defaultBranch,
    deps,
    log,
    deliveryId: null,
    ...(noNews ? { noNews } : {}),
  });
  return true;
}

/** A reconcile a webhook delivery asks for: its repository's default branch, its log and its id. */
function scheduleFromDelivery(
  ctx: RepoContext,
  delivery: { id: string; log: BuildLog; payload: { repository: { default_branch: string } } },
  {
    ref,
    deps,
    ...asked
  }: { ref: BuildRef; deps: HandlerDeps; answer?: CommandAnswer; start?: boolean },
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

/** `issues.labeled`: the build label from someone with write access starts (or re-checks) a build. */
export async function onIssueLabeled(
  context: Context<'issues.labeled'>,
  deps: HandlerDeps,
): Promise<void> {
  const { issue, label, sender } = context.payload;
  if (issue.pull_request || !label) return;
  const ctx = await repoContext(context, deps);
  const config = await loadConfig(ctx.octokit, { owner: ctx.owner, repo: ctx.repo });
  // A broken config cannot name its label: the default label still gets the error report.
  const settings = config.ok ? config.config : defaultConfig();
  // `improve.label` starts improvement loops (docs/improve.md) as `/improve` does.
  const improve = settings.improve.label;
  if (!isBuildLabel(settings, label.name) && label.name !== improve) return;
  if (!(await hasWriteAccess(ctx, sender.login))) {
    await withReason('notice', () =>
      ensureNote(ctx, {
        number: issue.number,
        key: `label-refused-${sender.login}`,
        body: renderLabelRefusal({ user: sender.login, label: label.name }),
      }),
    );
    return;
  }
  const ref = (await findBuildForIssue(ctx, issue.number)) ?? {
    build: buildIdFor(issue.number, issue.title),
    issue: issue.number,
  };
  scheduleFromDelivery(ctx, context, { ref, deps, start: true });
}

/**
 * `issues.closed` and `issues.reopened`: the build is looked at again. Closing
 * its issue cancels it (its PRs are closed, the record kept) only when the
 * observe step finds, on the issue's timeline, that a writer closed it
 * (`closeCancels`): the payload's `sender` is not trusted to be the last word,
 * and a lost event changes nothing.
 */
export async function onIssueStateChange(
  context: Context<'issues.closed' | 'issues.reopened'>,
  deps: HandlerDeps,
): Promise<void> {
  const { issue } = context.payload;
  if (issue.pull_request) return;
  const ctx = await repoContext(context, deps);
  const ref = await findBuildForIssue(ctx, issue.number);
  if (ref) scheduleFromDelivery(ctx, context, { ref, deps });
}

/** How many refused people a process remembers before it forgets them all (each costs one note read again). */
const MAX_REFUSED = 10_000;

/**
 * `issue_comment.created`: commands on a build's issue or one of its worker PRs.
 * The 👀 reaction is the lock: GitHub answers 201 to the first replica that adds
 * it and 200 to any other, which stands down.
 */
export async function onIssueComment(
  context: Context<'issue_comment.created'>,
  deps: HandlerDeps,
): Promise<void> {
  const { comment, issue, sender } = context.payload;
  const body = comment.body ?? '';
  if (sender.type === 'Bot' || isBatonComment(body)) return;
  // Nothing command-shaped costs no request (a worker stands in for the PR's own).
  const shaped = parseCommands(body, { worker: 'W1.1' });
  if (shaped.commands.length === 0 && shaped.errors.length === 0) return;
  const ctx = await repoContext(context, deps);
  // Someone refused on this issue before costs at most the permission answer (cached a minute).
  const refusedKey = `${ctx.owner}/${ctx.repo}#${issue.number} ${sender.login}`;
  if (deps.refused?.has(refusedKey) && !(await hasWriteAccess(ctx, sender.login))) return;
  const pull = issue.pull_request ? await readPullHead(ctx, issue.number) : null;
  const worker = pull?.worker;
  const parsed = parseCommands(body, worker ? { worker } : {});
  if (parsed.commands.length === 0 && parsed.errors.length === 0) return;
  const found = pull ? pull.ref : await findBuildForIssue(ctx, issue.number);
  // A command on a change set's member pull request: taken here (this repository's writers
  // steer its workers), reconciled where the set lives (docs/change-sets.md).
  const set = pull?.home ? await contextOf(ctx, pull.home) : null;
  // `/improve` on an issue with no build starts one: a series of improvement loops.
  const improves = !pull && parsed.commands.some((command) => command.name === 'improve');
  const ref =
    found ??
    (improves ? { build: buildIdFor(issue.number, issue.title), issue: issue.number } : null);
  if (!ref) return; // Not a Baton build: the command may be another tool's.
  if (!(await hasWriteAccess(ctx, sender.login))) {
    // An outsider's `/improve` on an issue with no build is no Baton command: no answer.
    if (!found) return;
    // One refusal per person per issue: a second command costs no write.
    deps.refused ??= new Set();
    if (deps.refused.size >= MAX_REFUSED) deps.refused.clear();
    deps.refused.add(refusedKey);
    const command = parsed.commands[0];
    const first = command ? commandWord(command) : (parsed.errors[0]?.line ?? '');
    await withReason('notice', () =>
      ensureNote(ctx, {
        number: issue.number,
        key: `refused-${sender.login}`,
        body: renderCommandRefusal({
          user: sender.login,
          command: first.startsWith('/') ? first : `/${first}`,
        }),
      }),
    );
    return;
  }
  const reaction = await withReason('reaction', () =>
    ctx.octokit.rest.reactions.createForIssueComment({
      owner: ctx.owner,
      repo: ctx.repo,
      comment_id: comment.id,
      content: 'eyes',
    }),
  );
  if ((reaction.status as number) !== 201) return; // Another replica took this comment.
  if (parsed.errors.length > 0) {
    await withReason('notice', () =>
      ensureNote(ctx, {
        number: issue.number,
        key: `reply-${comment.id}`,
        body: renderCommandErrors(parsed.errors),
      }),
    );
  }
  if (parsed.commands.length > 0 && set) {
    scheduleReconcile(set, {
      ref,
      defaultBranch: await defaultBranchOf(set),
      deps,
      log: context.log,
      deliveryId: context.id,
    });
  } else if (parsed.commands.length > 0) {
    scheduleFromDelivery(ctx, context, {
      ref,
      deps,
      answer: { commentId: comment.id, number: issue.number, commands: parsed.commands },
      start: !found && improves,
    });
  }
}

async function readPullHead(
  ctx: RepoContext,
  number: number,
): Promise<{ ref: BuildRef; worker?: string; home?: string } | null> {
  const { data } = await ctx.octokit.rest.pulls.get({
    owner: ctx.owner,
    repo: ctx.repo,
    pull_number: number,
  });
  // A fork's branch name is whatever its author typed: its pull request belongs to no build.
  if (data.head.repo?.full_name !== data.base.repo.full_name) return null;
  const member = setOfMember(parseBatonBranch(data.head.ref)?.build);
  const found = buildOfBranch(data.head.ref) ?? buildOfBranch(data.base.ref) ?? member;
  if (!found) return null;
  const { home, ...ref } = { home: undefined, ...found };
  const worker = data.head.ref.split('/').at(-1);
  const on = home ? { home } : {};
  return worker && /^W\d+\.\d+$/.test(worker) ? { ref, worker, ...on } : { ref, ...on };
}
