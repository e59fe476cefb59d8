import type { Config } from '../../core/config/config.js';
import type { Action } from '../../core/context/action.js';
import type { BuildRead } from '../../core/overview/build-read.js';
import { isWorkRole } from '../../core/sessions/session.js';
import { type BuildSnapshot, buildBase } from '../../core/snapshot/snapshot.js';
import { ledgerPartsOwed } from '../../core/status/ledger-archive.js';
import { renderStatusComment } from '../../core/status/render-status.js';
import { firstShowsFinalPull } from '../../core/status/status-view.js';
import { mergeTrailers } from '../../core/verification/write-trailers.js';
import { integrationBranch } from '../../core/vocabulary/ids.js';
import {
  dispatchedSessionWrites,
  dispatchedWorkerWrites,
  forecastWrites,
  sessionLengthOf,
  startedWorkerWrites,
  type WorkerCourse,
  workerCourse,
} from '../../core/workers/write-forecast.js';
import type { WriteBudget } from '../client/pacing/write-budget.js';
import { reasonOf, withReason } from '../client/request-reason.js';
import type { RepoContext } from '../client/types.js';
import { buildKey, ignoreStatus, messageOf, statusOf } from '../client/types.js';
import { dispatchSession } from './dispatch-session.js';
import { ensureLedgerPart } from './ensure-ledger-part.js';
import { type CreatedMirrors, ensureMirror } from './ensure-mirror.js';
import { askFinalReviews, ensureNote, ensureNotice, noticeRefRefused } from './ensure-note.js';
import type { HeldStatusEdit } from './held-status-edit.js';
import { addLabel, closeSubIssue, removeLabel, reopenMirror, retitleIssue } from './issues.js';
import { cleanUpRefs } from './locks/clean-up-refs.js';
import {
  dropRecords,
  forgetMessages,
  isAnswerLost,
  RefRefusedError,
  recordMessage,
} from './locks/refs.js';
import { mergePull, syncBuildBranch } from './merge.js';
import {
  closePull,
  deleteBranch,
  enableAutoMerge,
  openFinalPull,
  setReviewCheck,
  updatePullBranch,
} from './pulls.js';
import { ensureStatusComment } from './status-comment.js';
import type { StatusEditWait } from './status-pacer.js';

export interface ActLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface ActOutcome {
  action: Action;
  result: 'done' | 'unchanged' | 'stood-down' | 'deferred' | 'failed';
  detail?: string;
  /**
   * For a deferred write (a status edit, a first dispatch), or a `look-again`:
   * when to reconcile again.
   */
  retryInMs?: number;
  /** A run just dispatched, so the status can link it before GitHub lists it. */
  run?: { id: number; url: string };
  /** A deferred status edit, to make when its time comes (`HeldStatusEdits`). */
  held?: HeldStatusEdit;
  /** The commit a merge made on the build branch. */
  merged?: string;
  /** The final pull request just opened. */
  opened?: { number: number; url: string };
  /** The comment a notice (or the status comment) just posted: on which issue, its id. */
  posted?: { number: number; id: number };
  /**
   * A failed write that may go at a later try: GitHub answered 5xx, or nothing
   * (the client sends the writes that make something only once, `ONE_SHOT_ROUTES`).
   */
  transient?: boolean;
}

/** One build's pass, done: the build as its last read saw it, and the outcome of each action. */
export interface ActedBuild {
  read: BuildRead;
  outcomes: ActOutcome[];
}

/**
 * Carries out `decide()`'s actions, one at a time and in order (docs/design-notes.md,
 * "State without a store"). Each write is idempotent and guarded; one that fails is logged and
 * the rest go on — the truth is observed again at the next event, which heals it.
 */
export async function act(
  ctx: RepoContext,
  {
    snapshot,
    actions,
    log,
    statusEditWait,
    budget,
    config,
  }: {
    snapshot: BuildSnapshot;
    actions: Action[];
    log: ActLog;
    /** The settings in force: a merge's trailers name the risk classes they judge. */
    config?: Pick<Config, 'verification'>;
    /** Paces status comment edits (`StatusPacer`), by kind; none: edit at once. */
    statusEditWait?: StatusEditWait;
    /** The installation's writes, told first what the build owes (`ActBudget`). */
    budget?: ActBudget;
  },
): Promise<ActOutcome[]> {
  const writeBudget = budget?.writes;
  // What the build owes as `snapshot` shows it, when each write is due: each pass of a reconcile
  // acts on the build as the passes before left it.
  writeBudget?.owe(
    buildKey(ctx, snapshot.build),
    forecastWrites({ snapshot, nowMs: writeBudget.now() }),
  );
  const course = writeBudget ? workerCourse(snapshot) : null;
  const outcomes: ActOutcome[] = [];
  const pass: ActPass = {
    outcomes,
    created: new Map(),
    statusEditWait,
    writeBudget,
    course,
    log,
    ...(config ? { config } : {}),
  };
  for (const action of actions) {
    // Merges of one pass go in order; after one that did not go (a conflict an earlier merge
    // made, a branch that must be up to date), the rest wait for the next look at the truth.
    if (action.kind === 'merge-pull' && outcomes.some(isHeldMerge)) {
      outcomes.push({ action, result: 'unchanged', detail: 'an earlier merge did not go' });
      continue;
    }
    try {
      outcomes.push(
        await withReason(reasonOf(action), () => actOne(ctx, { snapshot, action, pass })),
      );
    } catch (error) {
      log.error(
        { err: error, action: action.kind, buildId: snapshot.build },
        `baton: ${action.kind} failed`,
      );
      const status = statusOf(error);
      outcomes.push({
        action,
        result: 'failed',
        detail: `${status ?? ''} ${messageOf(error)}`.trim(),
        ...(isAnswerLost(error) ? { transient: true } : {}),
      });
      if (error instanceof RefRefusedError)
        await withReason('notice', () => noticeRefRefused(ctx, { snapshot, error, log }));
    }
  }
  return outcomes;
}

/**
 * The installation's writes: near its budget, or ahead of its pace, a worker's first dispatch
 * waits. `act` tells it first what the build owes as its snapshot shows it (`forecastWrites`).
 */
export interface ActBudget {
  writes: WriteBudget;
}

const isHeldMerge = (outcome: ActOutcome) =>
  outcome.action.kind === 'merge-pull' && outcome.result !== 'done';

/** What the actions of one pass share: what the pass did so far, and how it paces its writes. */
interface ActPass {
  /** The outcomes of the pass's earlier actions, in order. */
  outcomes: ActOutcome[];
  created: CreatedMirrors;
  statusEditWait: StatusEditWait | undefined;
  writeBudget: WriteBudget | undefined;
  /** How the build's workers go (its sessions' typical lengths), where a budget is told when writes are due. */
  course: WorkerCourse | null;
  log: ActLog;
  config?: Pick<Config, 'verification'>;
}

async function actOne(
  ctx: RepoContext,
  { snapshot, action, pass }: { snapshot: BuildSnapshot; action: Action; pass: ActPass },
): Promise<ActOutcome> {
  const { owner, repo } = ctx;
  const { outcomes, created, statusEditWait, writeBudget, course, log } = pass;
  switch (action.kind) {
    case 'dispatch': {
      const { role, trigger } = action.request;
      // A worker not started yet can wait for the budget; a PR's review or fix, a plan, cannot.
      const first = isWorkRole(role) && !trigger;
      const key = buildKey(ctx, snapshot.build);
      // Builds take turns when the budget binds (`WriteBudget`, fair between builds), on the
      // counts every replica left (`sync`: at once in one process).
      if (first) await writeBudget?.sync();
      const writes =
        first && writeBudget && course ? startedWorkerWrites(writeBudget.now(), course) : null;
      const wait = writes ? (writeBudget?.waitFor('dispatch', key, writes) ?? 0) : 0;
      if (wait > 0) return { action, result: 'deferred', retryInMs: wait };
      const outcome = await dispatchSession(ctx, { snapshot, request: action.request });
      if (outcome.result === 'stood-down') {
        const { retryInMs } = outcome;
        return retryInMs === undefined
          ? { action, result: 'stood-down' }
          : {
              action,
              result: 'stood-down',
              retryInMs,
              detail: 'another process may be sending it',
            };
      }
      if (writeBudget && course) {
        const now = writeBudget.now();
        // The session's own writes (and the review after it in its run) count when they are due.
        const sessionWrites = dispatchedSessionWrites(course, role);
        if (sessionWrites > 0) writeBudget.note(sessionWrites, now + sessionLengthOf(course, role));
        // What the new worker owes counts at once, before the next dispatch of this pass asks.
        if (writes) {
          writeBudget.dispatched(key, writes);
          writeBudget.owe(key, [
            ...writeBudget.forecast(key),
            ...dispatchedWorkerWrites(now, course),
          ]);
        }
      }
      return { action, result: 'done', ...(outcome.run ? { run: outcome.run } : {}) };
    }
    // What a worker's running sessions read: the messages given to them, until they took them in.
    case 'record-message':
      return {
        action,
        result: (await recordMessage(ctx, { snapshot, action })) ? 'done' : 'unchanged',
      };
    case 'forget-messages':
      return { action, ...(await forgetMessages(ctx, { snapshot, action })) };
    case 'drop-records':
      return { action, ...(await dropRecords(ctx, action)) };
    case 'render-status': {
      // The replica that lost a race for a lock leaves creating the comment to the winner.
      const mayCreate = !outcomes.some((o) => o.result === 'stood-down');
      // What the core says of this edit is worked out first; then the writes alone.
      const ledger = ledgerPartsOwed(snapshot);
      // The edit that first shows the final pull request is not paced: its notice points here.
      const paced =
        statusEditWait && !firstShowsFinalPull(action.view, snapshot.statusComment?.body);
      // The accepted commands ride along, hidden: what they meant outlives their comments.
      const commands = await ensureLedgerPart(ctx, { snapshot, ledger });
      // Another replica is posting a ledger part this edit needs, and edits the status after it.
      if (!commands)
        return { action, result: 'stood-down', detail: 'a ledger part is being posted' };
      const body = renderStatusComment({ view: action.view, commands, ask: action.ask });
      const outcome = await ensureStatusComment(ctx, {
        snapshot,
        body,
        mayCreate,
        ...(paced ? { editWait: statusEditWait } : {}),
      });
      if (outcome.result === 'deferred')
        return { action, result: 'deferred', retryInMs: outcome.waitMs, held: outcome.held };
      if (outcome.result === 'created')
        return {
          action,
          result: 'done',
          posted: { number: snapshot.issue.number, id: outcome.comment },
        };
      return { action, result: outcome.result === 'updated' ? 'done' : 'unchanged' };
    }
    case 'merge-pull': {
      const pull = snapshot.pulls.find((p) => p.number === action.pull);
      const trailers = pull
        ? mergeTrailers({ snapshot, pull, ...(pass.config ? { config: pass.config } : {}) })
        : undefined;
      return { action, ...(await mergePull(ctx, action, trailers)) };
    }
    case 'update-pull-branch':
      await updatePullBranch(ctx, action);
      return { action, result: 'done' };
    case 'rerun-failed-jobs':
      await ignoreStatus([403, 409], () =>
        ctx.octokit.rest.actions.reRunWorkflowFailedJobs({ owner, repo, run_id: action.runId }),
      );
      return { action, result: 'done' };
    case 'cancel-run':
      // 409: it finished meanwhile, which is just as good.
      await ignoreStatus([409], () =>
        ctx.octokit.rest.actions.cancelWorkflowRun({ owner, repo, run_id: action.runId }),
      );
      return { action, result: 'done' };
    case 'set-review-check':
      await setReviewCheck(ctx, action);
      return { action, result: 'done' };
    case 'add-label':
      await addLabel(ctx, action);
      return { action, result: 'done' };
    case 'remove-label':
      await removeLabel(ctx, action);
      return { action, result: 'done' };
    case 'comment': {
      // A note the build's read saw (its marker on the first line of a comment of Baton's
      // where it goes) is there: no listing of the conversation to find it again.
      if (snapshot.notes?.some((note) => note.number === action.number && note.key === action.key))
        return { action, result: 'unchanged', detail: 'seen by the read' };
      // Guarded like a notice: two replicas acting on one truth post it once.
      const guard = {
        build: snapshot.build,
        sha: snapshot.integration?.sha ?? snapshot.repo.defaultSha,
      };
      const posted = await ensureNote(ctx, { ...action, guard });
      return { action, result: posted ? 'done' : 'unchanged' };
    }
    case 'notice': {
      // A notice another replica posts is not a lost dispatch race: `unchanged`, not `stood-down`.
      const posted = await ensureNotice(ctx, { snapshot, ...action });
      if (posted.result === 'taken') return { action, result: 'unchanged' };
      return {
        action,
        result: 'done',
        posted: { number: snapshot.issue.number, id: posted.comment },
      };
    }
    case 'sync-build-branch':
      return { action, ...(await syncBuildBranch(ctx, { snapshot })) };
    case 'open-final-pull': {
      const opened = await openFinalPull(ctx, {
        title: action.title,
        body: action.body,
        head: integrationBranch(snapshot.build),
        base: buildBase(snapshot).branch,
      });
      if (!opened) return { action, result: 'unchanged' };
      await askFinalReviews(ctx, { snapshot, pull: opened, reviewers: action.reviewers });
      return { action, result: 'done', opened };
    }
    case 'enable-auto-merge':
      await enableAutoMerge(ctx, action.pull);
      return { action, result: 'done' };
    case 'close-pull':
      await closePull(ctx, action.pull);
      return { action, result: 'done' };
    case 'delete-branch':
      await deleteBranch(ctx, action.branch);
      return { action, result: 'done' };
    case 'create-mirror': {
      const made = await ensureMirror(ctx, { snapshot, action, created });
      return { action, result: made === 'created' ? 'done' : 'unchanged' };
    }
    case 'retitle-issue':
      await retitleIssue(ctx, action);
      return { action, result: 'done' };
    case 'close-sub-issue':
      return { action, result: (await closeSubIssue(ctx, action)) ? 'done' : 'unchanged' };
    case 'reopen-sub-issue':
      return { action, result: (await reopenMirror(ctx, action)) ? 'done' : 'unchanged' };
    case 'clean-up-refs':
      return {
        action,
        ...(await cleanUpRefs(ctx, {
          build: snapshot.build,
          runs: action.runs,
          locks: action.locks,
          log,
        })),
      };
    case 'look-again':
      // Nothing to write: the reconcile's caller sets a timer for another look (`scheduleReconcile`).
      return { action, result: 'deferred', retryInMs: action.inMs };
    default: {
      const _exhaustive: never = action;
      return _exhaustive;
    }
  }
}
