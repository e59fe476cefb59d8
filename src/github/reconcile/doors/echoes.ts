/**
 * Webhooks that need no reconcile of their own, because another event that
 * GitHub is sure to send carries the same news (each reconcile of a build
 * reads it afresh: two requests). Each rule names the event that follows; if
 * that one is lost, the periodic resync reconciles the build as for any lost
 * event. Decided from the payload alone, so no request is spent to skip one.
 *
 * - A worker's pull request opened or made ready for review (a partial
 *   worker's continuation that finished), or a review submitted, by Baton's
 *   bot: only a session's publish job writes those as the app, inside a run whose
 *   `workflow_run.completed` follows. A person's pull request or review is
 *   news, and so is the final pull request Baton opens, unless the reconcile
 *   that opened it told the labeller already (`actOnOpenedFinal`, judged by
 *   `LastReads.finalPullSeen`).
 * - A worker's pull request merged by Baton's bot: the merge moved the build
 *   branch, and that branch's `push` follows (itself no news when the merging
 *   reconcile decided what the merge unlocks: `actOnMerges`, `LastReads`).
 *   The final pull request merged is news even from the bot (auto-merge merges
 *   as whoever enabled it): the default branch's push that follows finds the
 *   build by its build branch, which a repository that deletes head branches
 *   on merge has just deleted.
 * - A check suite of GitHub Actions: every Actions suite is one workflow run,
 *   whose `workflow_run.completed` arrives beside it. Other CI apps' suites are
 *   news; so are commit statuses.
 * - A check suite of Baton's own: it holds only the `baton/review` check runs
 *   a reconcile wrote knowing them, and CI's roll-up leaves them out.
 */

import { parseBatonBranch } from '../../../core/vocabulary/ids.js';

/** The GitHub App every GitHub Actions check suite belongs to. */
export const ACTIONS_APP_SLUG = 'github-actions';

export interface PullEventSummary {
  action: string;
  sender: string;
  merged: boolean;
  /** The pull request's head branch. */
  head: string;
}

/** Whether a `pull_request` event is one of Baton's own writes whose news comes with a later event. */
export function isPullEcho(event: PullEventSummary, botLogin: string): boolean {
  if (event.sender !== botLogin) return false;
  const worker = parseBatonBranch(event.head)?.kind === 'worker';
  if (event.action === 'opened' || event.action === 'ready_for_review') return worker;
  return event.action === 'closed' && event.merged && worker;
}

/** Whether a `pull_request_review` event is a review session's, whose run's completion follows. */
export function isReviewEcho(event: { action: string; sender: string }, botLogin: string): boolean {
  return event.action === 'submitted' && event.sender === botLogin;
}

/** Whether a completed check suite's news comes otherwise: Baton's own suite, or an Actions run's. */
export function isSuiteEcho(appSlug: string | null | undefined, botLogin: string): boolean {
  if (!appSlug) return false;
  return appSlug === ACTIONS_APP_SLUG || `${appSlug}[bot]` === botLogin;
}
