import { AsyncLocalStorage } from 'node:async_hooks';
import type { Action } from '../../core/context/action.js';

/**
 * Why Baton made a request to GitHub, told where it is made: a reconcile's
 * read of the build, the status comment, a 👀 on a command, a session's
 * dispatch, … The reason holds for every request made while it is in force
 * (an async context, so an `await` keeps it). It never leaves the process:
 * the app's request counter (`requestMetrics`, src/server/metrics.ts) reads it
 * in its request hook, which runs in the caller's context before any queue,
 * and counts each request by route, status and reason
 * (`baton_github_requests_total`); the bench (bench/scale.ts) reads that
 * counter to say which requests went where and why.
 */
export type RequestReason =
  /** A reconcile's read of one build: the build query, the run listing, the config, records. */
  | 'reconcile-read'
  /** A webhook handler finding the build or the person an event concerns. */
  | 'event-read'
  /** The status comment: creating it, editing it, a held edit's read, a ledger part. */
  | 'status-edit'
  /** Baton's 👀 on a command it took. */
  | 'reaction'
  /** A session started or stopped: its lock ref, its dispatch, a cancel or a re-run. */
  | 'session'
  /** The `baton/review` check run on a reviewed head. */
  | 'review-check'
  /** A worker pull request merged into the build branch. */
  | 'merge'
  /** The default branch merged into the build branch, or a worker branch brought up to date. */
  | 'sync'
  /** A new comment: a notice that needs a person, a reply to a command. */
  | 'notice'
  /** The final pull request, its auto-merge. */
  | 'final-pull'
  /** Labels, sub-issues, closed pull requests, deleted branches and refs. */
  | 'housekeeping'
  /** A message to a worker's sessions (`/steer`, `/queue`): its ref recorded, or deleted once taken. */
  | 'message'
  /** A look at a build without an event: its run listing, asked before reading it whole. */
  | 'look'
  /** The periodic resync's listings of installations, repositories and open builds. */
  | 'resync'
  /** Onboarding: the "Set up Baton" pull request, labels, templates. */
  | 'setup'
  /** A session's token exchange at the app. */
  | 'session-token'
  /** What links a change set's builds: reports delivered, `baton/change-set`, reverts (docs/change-sets.md). */
  | 'change-set'
  /** A schedule's firing: `.github/baton.yml` on the default branch, its commits, the guard, the issue. */
  | 'schedule'
  /** The page's view of a repository's settings in effect: its file's newest commit, the file, the policy. */
  | 'page';

/** Why an action's requests are made (`RequestReason`), as the bench counts them. */
export function reasonOf(action: Action): RequestReason {
  switch (action.kind) {
    case 'dispatch':
    case 'rerun-failed-jobs':
    case 'cancel-run':
      return 'session';
    case 'render-status':
      return 'status-edit';
    case 'merge-pull':
      return 'merge';
    case 'update-pull-branch':
    case 'sync-build-branch':
      return 'sync';
    case 'set-review-check':
      return 'review-check';
    case 'comment':
    case 'notice':
      return 'notice';
    case 'open-final-pull':
    case 'enable-auto-merge':
      return 'final-pull';
    case 'add-label':
    case 'remove-label':
    case 'close-pull':
    case 'delete-branch':
    case 'create-mirror':
    case 'retitle-issue':
    case 'close-sub-issue':
    case 'reopen-sub-issue':
    case 'clean-up-refs':
    case 'look-again':
      return 'housekeeping';
    case 'record-message':
    case 'forget-messages':
      return 'message';
    case 'drop-records':
      return 'housekeeping';
    default: {
      const _exhaustive: never = action;
      return _exhaustive;
    }
  }
}

const current = new AsyncLocalStorage<RequestReason>();

/** Runs `work` with `reason` on every request it makes (an inner reason wins). */
export function withReason<T>(reason: RequestReason, work: () => T): T {
  return current.run(reason, work);
}

/** The reason of the requests made now, if one was given. */
export function requestReason(): RequestReason | undefined {
  return current.getStore();
}
