import type { Config } from '../config/config.js';
import type { MessageRef } from '../sessions/messages.js';
import { isWorkRole, type SessionRequest } from '../sessions/session.js';
import type { AskRecord } from '../snapshot/ask-record.js';
import type { Verdict } from '../snapshot/snapshot.js';
import type { StatusView } from '../status/status-view.js';
import { loopSubject, workerBranch } from '../vocabulary/ids.js';

/**
 * A session a rule asks for: its role, and the worker, pull request and
 * trigger that tell it from the build's other sessions. `decide` frames it
 * with what every session of the build carries (`frameSessions`).
 */
export type SessionAsk = Pick<SessionRequest, 'role' | 'worker' | 'pr' | 'trigger' | 'resume'>;

/**
 * What `decide()` asks the GitHub adapter to do. Every action is idempotent
 * and guarded where it runs (src/github/act/act.ts); the core never awaits one.
 */
export type Action =
  /**
   * Start a session. `lockFor(request)` says what guards it against a twin.
   * `chain`, on a worker's work session: the longest chain of workers waiting
   * on it, itself included (`dependentChainLengths`), which the write budget
   * reads to let the most urgent waiting worker start first.
   */
  | { kind: 'dispatch'; request: SessionRequest; chain?: number }
  /** Merge a worker PR with exactly the reviewed head. */
  | {
      kind: 'merge-pull';
      pull: number;
      worker: string;
      sha: string;
      method: Config['merge']['method'];
    }
  /** Bring a PR that fell behind up to date, when it is next in line to merge. */
  | { kind: 'update-pull-branch'; pull: number; expectedHeadSha: string }
  /** Re-run the failed jobs of a CI run on a worker PR, once. */
  | { kind: 'rerun-failed-jobs'; runId: number }
  /** Cancel a session run that overran `session.timeoutMinutes` or sat queued. */
  | { kind: 'cancel-run'; runId: number }
  /** Publish a review verdict as the check run `baton/review` on a head. */
  | { kind: 'set-review-check'; pull: number; sha: string; verdict: Verdict }
  | { kind: 'add-label'; number: number; label: string }
  | { kind: 'remove-label'; number: number; label: string }
  /**
   * A new comment on the build's issue, because a person is needed: posted
   * once per `key` (its marker is in `body`, and a ref guards the post).
   */
  | { kind: 'notice'; key: string; body: string }
  /** A comment that is posted once: `key` goes in a hidden marker and is looked for first. */
  | { kind: 'comment'; number: number; key: string; body: string }
  /** Merge the moved default branch into the build branch; a conflict is reported. */
  | { kind: 'sync-build-branch' }
  /**
   * Open the build's final pull request and ask `reviewers` for their review
   * (`finalReviewers`): the request is what tells them.
   */
  | { kind: 'open-final-pull'; title: string; body: string; reviewers: string[] }
  | { kind: 'enable-auto-merge'; pull: number }
  | { kind: 'close-pull'; pull: number }
  /**
   * Open a sub-issue of the build's issue that mirrors a worker, once (a ref
   * guards it), linked "blocked by" to the mirrors of its dependencies.
   */
  | {
      kind: 'create-mirror';
      worker: string;
      title: string;
      body: string;
      /** Its dependencies, each with its mirror's issue id when one was read (else made in this pass). */
      dependsOn: { worker: string; id?: number }[];
    }
  /** Follow the plan: a mirror's title changed with it. */
  | { kind: 'retitle-issue'; number: number; title: string }
  /**
   * Close a sub-issue, unless it is closed already: as completed once its
   * worker has merged; a mirror as not planned once its worker is skipped, or
   * dropped by a later plan (`worker` is then the id the mirror names).
   */
  | {
      kind: 'close-sub-issue';
      number: number;
      worker: string;
      reason: 'completed' | 'not_planned';
    }
  /**
   * Reopen a mirror closed as not planned whose worker a later plan brought
   * back under the same id, with the title the plan gives it now.
   */
  | { kind: 'reopen-sub-issue'; number: number; worker: string; title: string }
  | { kind: 'delete-branch'; branch: string }
  /**
   * Record a message to a worker's sessions where they read it: the hidden ref
   * `refs/baton/<build>/message/<worker>/<comment>` (src/core/sessions/messages.ts),
   * created at `sha` (any commit of the build's: only its name is read).
   */
  | { kind: 'record-message'; worker: string; comment: number; sha: string }
  /** Delete the refs of messages a session took in: its later sessions must not take them again. */
  | { kind: 'forget-messages'; messages: MessageRef[] }
  /**
   * Delete records under the build's refs that no run of Baton's wrote
   * (`refs/baton/<refs[i]>`): a forged validation record in the place the
   * validation about to be dispatched records at, where its session would take
   * it for a twin's and end (src/core/snapshot/validation-ties.ts).
   */
  | { kind: 'drop-records'; refs: string[] }
  /**
   * Reconcile this build again in `inMs`: a run that succeeded moments ago
   * without its result in sight is judged once it has settled (`SETTLE_MS`).
   * A timer, not state: a restart's resync looks again as well.
   */
  | { kind: 'look-again'; inMs: number }
  /**
   * A finished build's hidden refs that have done their work (`withCleanUp`):
   * the token-exchange refs of `runs` (completed, each up to the attempt it
   * reached) and, with `locks`, its lock refs. Its usage and adaptation
   * records stay: they are what it spent.
   */
  | { kind: 'clean-up-refs'; runs: { id: number; attempt: number }[]; locks: boolean }
  /** Re-render the status comment; a body that has not changed is not re-sent. */
  /** The status comment, and after its marker the record of the ask that started the build, where there is one. */
  | { kind: 'render-status'; view: StatusView; ask?: AskRecord };

export type ActionKind = Action['kind'];

/** An action as a rule decides it: a session it starts is still a `SessionAsk`. */
export type RuleAction =
  | Exclude<Action, { kind: 'dispatch' }>
  | { kind: 'dispatch'; request: SessionAsk; chain?: number };

/**
 * What makes a dispatch happen at most once, whichever replica gets there
 * first: creating a ref that must not exist yet (GitHub answers 422 to the
 * second creation, and that replica stands down). A worker's first attempt, a
 * review, a milestone's validation and a fix of a head's red checks take no
 * ref: each run guards itself (`work-run`, `review-run`, `validate-run`,
 * `checks-fix-run`).
 */
export type DispatchLock =
  /** The first plan: creating the build branch. */
  | { kind: 'build-branch' }
  /**
   * A worker's first attempt: no ref, and no branch yet (a write per worker
   * saved). It is dispatched on the build branch, and its publish creates the
   * worker's branch, a push that must find no branch there. Twin dispatches
   * (two processes that share no store, or a lost answer sent again) share the
   * workflow's `concurrency` group (build and worker), so they run one after
   * another, and a work session ends before any model call when its worker's
   * branch exists already (the first twin pushed it). A holder of the build
   * sees the run it dispatched in the run listing (the dispatch answers with
   * the run, `return_run_details`) and does not dispatch it again.
   */
  | { kind: 'work-run' }
  /** Anything else: a hidden ref `refs/baton/<build>/<key>`, not fetched by clones. */
  | { kind: 'lock-ref'; ref: string; resetBranch: string | null }
  /**
   * A review: no ref (a write per worker saved). Twin dispatches of two
   * replicas both run, but the workflow's `concurrency` group (build and
   * worker) runs them one after another, and a review session ends before any
   * model call when Baton's review of the PR's head exists already; publish
   * never posts a second one for a head. A single replica sees the run it
   * dispatched in the run listing (the dispatch answers with the run,
   * `return_run_details`) and does not dispatch it again.
   */
  | { kind: 'review-run' }
  /**
   * A milestone's validation: no ref either (a write per milestone saved), as
   * a review. Twin dispatches share the workflow's `concurrency` group (build
   * and milestone, `M<k>`), so they run one after another (GitHub keeps one
   * running and one pending run a group:
   * https://docs.github.com/en/actions/using-jobs/using-concurrency), and a validate
   * session ends before it runs the contract's command or asks the model when
   * the validation's record (`validationRef`) exists already; publish leaves an
   * existing record as it is. A single replica sees the run it dispatched in
   * the run listing and does not dispatch it again (`decideValidation`); a
   * dispatch that never made a run is sent again, as no run is listed.
   */
  | { kind: 'validate-run' }
  /**
   * A fix of a head's red checks (`checks-<sha>`): no ref either (a write per
   * such fix saved). Twin dispatches share the workflow's `concurrency` group
   * (build and worker), so they run one after another, and a fix session ends
   * before any model call when its pull request's head is no longer the head
   * it was asked to fix (the first twin pushed its fix); publish pushes
   * nothing for it. A single replica sees the run it dispatched in the run
   * listing and does not dispatch it again (`fixRun` in
   * src/core/workers/pull-state.ts); a twin counts as one fix round there.
   */
  | { kind: 'checks-fix-run' };

/** The lock that a dispatch of `request` must take first; its key is derived from the request alone. */
export function lockFor(request: SessionRequest): DispatchLock {
  const { role, build, worker, trigger, resume } = request;
  if (resume !== undefined) return resumeLock(request, resume);
  if (role === 'plan' && !trigger && !worker) return { kind: 'build-branch' };
  // An improvement series starts with loop 1's research, not a plan.
  if (role === 'research' && worker === loopSubject(1)) return { kind: 'build-branch' };
  if (isWorkRole(role) && worker && !trigger) return { kind: 'work-run' };
  if (role === 'review') return { kind: 'review-run' };
  if (role === 'validate') return { kind: 'validate-run' };
  if (role === 'fix' && trigger?.startsWith('checks-')) return { kind: 'checks-fix-run' };
  const ref = `refs/baton/${build}/${worker ?? 'build'}/${role}-${trigger ?? 'first'}`;
  // A new work attempt starts over from the build branch head.
  const resetBranch = isWorkRole(role) && worker ? workerBranch(build, worker) : null;
  return { kind: 'lock-ref', ref, resetBranch };
}

/**
 * A session asked for again after a raise (`resume`: the run the budget
 * stopped): a review, a validation and a fix of red checks guard themselves as
 * their first run did; any other takes a ref of its own per stopped run, so
 * twin dispatches of one raise make one run, and a later stop waits for a
 * later raise. A work session starts over from the build branch head.
 */
function resumeLock(request: SessionRequest, resume: number): DispatchLock {
  const { role, build, worker, trigger } = request;
  if (role === 'review') return { kind: 'review-run' };
  if (role === 'validate') return { kind: 'validate-run' };
  if (role === 'fix' && trigger?.startsWith('checks-')) return { kind: 'checks-fix-run' };
  const ref = `refs/baton/${build}/${worker ?? 'build'}/${role}-${trigger ?? 'first'}-resume-${resume}`;
  const resetBranch = isWorkRole(role) && worker ? workerBranch(build, worker) : null;
  return { kind: 'lock-ref', ref, resetBranch };
}

/** Two rules may ask for the same thing (a skipped worker's overdue run); it is done once. */
export function uniqueActions(actions: Action[]): Action[] {
  const seen = new Set<string>();
  return actions.filter((action) => {
    const key = JSON.stringify(action);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
