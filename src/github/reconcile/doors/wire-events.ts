import type { Probot } from 'probot';
import { parseBatonBranch } from '../../../core/vocabulary/ids.js';
import { withReason } from '../../client/request-reason.js';
import type { HandlerDeps } from '../queue/handler-deps.js';
import { isPullEcho, isReviewEcho, isSuiteEcho } from './echoes.js';
import { onBuildEvent, onDefaultBranchPush, runOfPayload } from './on-build-event.js';
import { onCheckFailed } from './on-check-failed.js';
import { onIssueLabeled, onIssueStateChange } from './on-issue.js';
import { onIssueComment } from './on-issue-comment.js';
import { onBasePullEvent, onPullLabeled } from './on-pull-label.js';
import { onProjectItemEdited } from './project/on-project-item.js';

/**
 * Hands every event that may concern a build to its handler, which finds the
 * build and queues a reconcile: the same wiring for the hosted app's webhooks
 * (`createBaton` in src/index.ts) and for the conductor workflow's events
 * (src/conductor/), so both doors reconcile on the same rules.
 */
export function wireBuildEvents(app: Pick<Probot, 'on'>, deps: HandlerDeps): void {
  // What a handler reads to find the build or the person is an event's read; it tags its writes itself.
  const reading = <T>(handle: () => Promise<T>) => withReason('event-read', handle);
  app.on('issues.labeled', (context) => reading(() => onIssueLabeled(context, deps)));
  app.on(['issues.closed', 'issues.reopened'], (context) =>
    reading(() => onIssueStateChange(context, deps)),
  );
  app.on('issue_comment.created', (context) => reading(() => onIssueComment(context, deps)));
  // An event whose news another event carries is skipped (src/github/reconcile/doors/echoes.ts).
  app.on(
    [
      'pull_request.opened',
      'pull_request.closed',
      'pull_request.reopened',
      'pull_request.synchronize',
      // A partial worker's draft made ready by a person goes to review; one made a draft waits.
      'pull_request.ready_for_review',
      'pull_request.converted_to_draft',
    ],
    async (context) => {
      const { action, pull_request: pull, sender, repository } = context.payload;
      // A fork's branch names are whatever its author typed: never a hint (docs/security.md).
      if (isFromFork(pull.head.repo, repository)) return;
      // A pull request a build lives on (the pull-label door): its build looks again.
      if (action === 'closed' || action === 'reopened' || action === 'synchronize')
        await reading(() => onBasePullEvent(context, deps));
      const event = {
        action,
        sender: sender.login,
        merged: Boolean(pull.merged),
        head: pull.head.ref,
      };
      if (isPullEcho(event, await deps.botLogin())) return;
      // The final pull request opening is no news to a reconcile that opened it and saw it open.
      const final =
        action === 'opened' &&
        parseBatonBranch(pull.head.ref)?.kind === 'integration' &&
        pull.base.ref === repository.default_branch;
      return onBuildEvent(context, {
        hints: {
          branches: [pull.head.ref, pull.base.ref],
          ...(final ? { finalOpened: pull.number } : {}),
        },
        deps,
      });
    },
  );
  // A writer's build label on a pull request of this repository asks for a build on its branch (off unless on).
  app.on('pull_request.labeled', (context) =>
    reading(() => onPullLabeled(context, deps)).then(() => undefined),
  );
  // An issue's item on an organisation's project set to the value its repository names asks for a build (off unless named).
  app.on('projects_v2_item.edited', (context) =>
    reading(() => onProjectItemEdited(context, deps)).then(() => undefined),
  );
  app.on(['pull_request_review.submitted', 'pull_request_review.dismissed'], async (context) => {
    const { action, sender, pull_request: pull, repository } = context.payload;
    if (isFromFork(pull.head.repo, repository)) return;
    if (isReviewEcho({ action, sender: sender.login }, await deps.botLogin())) return;
    return onBuildEvent(context, {
      hints: { branches: [context.payload.pull_request.head.ref] },
      deps,
    });
  });
  app.on('workflow_run.completed', (context) => {
    const { workflow_run: run, repository } = context.payload;
    // A fork's pull request runs carry its title and branch name: never a hint.
    if (isFromFork(run.head_repository, repository)) return;
    return Promise.all([
      onBuildEvent(context, {
        hints: {
          runName: run.display_title,
          branches: [run.head_branch],
          completed: runOfPayload(run),
        },
        deps,
      }),
      // A named workflow that turned the default branch red asks for a fix build (off unless named).
      reading(() => onCheckFailed(context, deps)),
    ]).then(() => undefined);
  });
  app.on('check_suite.completed', async (context) => {
    if (isSuiteEcho(context.payload.check_suite.app?.slug, await deps.botLogin())) return;
    return onBuildEvent(context, {
      hints: { branches: [context.payload.check_suite.head_branch] },
      deps,
    });
  });
  // Commit statuses are CI too (Jenkins, Vercel, older CircleCI); GitHub lists the commit's branches.
  app.on('status', (context) =>
    onBuildEvent(context, {
      hints: { branches: context.payload.branches.map((branch) => branch.name) },
      deps,
    }),
  );
  app.on('push', (context) => {
    const branch = context.payload.ref.replace(/^refs\/heads\//, '');
    if (branch === context.payload.repository.default_branch)
      return reading(() => onDefaultBranchPush(context, deps));
    // A worker branch's push also arrives as its PR's `synchronize`: one hint is enough.
    const baton = parseBatonBranch(branch);
    if (baton?.kind === 'worker') return;
    const { after, deleted } = context.payload;
    const pushed = baton?.kind === 'integration' && !deleted ? { pushed: after } : {};
    return onBuildEvent(context, { hints: { branches: [branch], ...pushed }, deps });
  });
}

/**
 * Whether an event's head lives in another repository (a fork), or GitHub no longer
 * knows where (a deleted fork): its branch name is then no hint of a build.
 */
export function isFromFork(
  head: { id: number } | null | undefined,
  repository: { id: number },
): boolean {
  return head?.id !== repository.id;
}
