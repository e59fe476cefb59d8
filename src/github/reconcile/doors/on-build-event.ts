import type { Context } from 'probot';
import { parseRunName } from '../../../core/sessions/session.js';
import type { RunInfo } from '../../../core/snapshot/snapshot.js';
import {
  buildOfMemoryBranch,
  memberBuildId,
  parseBatonBranch,
  parseBuildId,
  WORKFLOW_FILE,
} from '../../../core/vocabulary/ids.js';
import { defaultBranchOf } from '../../change-set/default-branch.js';
import { buildKey, contextOf } from '../../client/types.js';
import { type RunFields, runInfoOf } from '../../observe/read-runs.js';
import type { LastReads } from '../pass/last-reads.js';
import {
  type ContextDeps,
  type EventContext,
  type NoNews,
  repoContext,
  type ScheduleDeps,
} from '../queue/handler-deps.js';
import { type BuildRef, buildOfBranch, setOfMember } from '../queue/locate-build.js';
import { scheduleReconcile } from '../queue/schedule-reconcile.js';
import { findBranchBuilds } from './resync.js';

/** The few payload fields that say which build an event may concern. */
export interface BuildEventHints {
  /** Branch names: a PR's head and base, a run's or suite's head branch, a pushed ref. */
  branches: (string | null | undefined)[];
  /** A workflow run's name, `baton <role> <build> …`. */
  runName?: string | null | undefined;
  /** A session run of Baton's workflow that completed, as the payload carries it (`runOfPayload`). */
  completed?: RunInfo | null;
  /** The commit a push moved the build's build branch to. */
  pushed?: string;
  /** The build's final pull request, just opened. */
  finalOpened?: number;
}

/** What a `workflow_run` payload carries of the fields Baton lists about a run. */
export interface PayloadRun extends RunFields {
  path?: string | null;
  display_title?: string | null;
}

/** A completed run of Baton's workflow, as a reconcile lists it; null for any other run. */
export function runOfPayload(run: PayloadRun): RunInfo | null {
  const name = parseRunName(run.display_title ?? '');
  if (!name || run.status !== 'completed' || !run.path?.endsWith(`/${WORKFLOW_FILE}`)) return null;
  return runInfoOf(run, name);
}

/**
 * Finds the build from the hints, without a request: a build of this
 * repository, or a change set's whose member build the hints name (`home`:
 * the repository the set lives in).
 */
export function buildOfHints({
  branches,
  runName,
}: BuildEventHints): (BuildRef & { home?: string }) | null {
  const fromRun = runName ? parseRunName(runName) : null;
  const issue = fromRun ? parseBuildId(fromRun.build)?.issue : undefined;
  if (fromRun && issue) return { build: fromRun.build, issue };
  const setOfRun = setOfMember(fromRun?.build);
  if (setOfRun) return setOfRun;
  for (const branch of branches) {
    const ref = buildOfBranch(branch);
    if (ref) return ref;
    // The learn pull request's branch: its opening, merge or close is the status's news.
    const learnt = buildOfMemoryBranch(branch);
    const learntIssue = learnt ? parseBuildId(learnt)?.issue : undefined;
    if (learnt && learntIssue) return { build: learnt, issue: learntIssue };
    const member = parseBatonBranch(branch ?? '');
    const set = setOfMember(member?.build);
    if (set) return set;
  }
  return null;
}

/**
 * Any event that may have changed a build's truth: a PR opened or merged, a
 * review, a run or check suite finished, a push. It is only a hint: the build
 * is observed afresh.
 */
export async function onBuildEvent(
  context: EventContext & {
    log: Context['log'];
    payload: { repository?: { default_branch: string } };
  },
  { hints, deps }: { hints: BuildEventHints; deps: ContextDeps & ScheduleDeps },
): Promise<void> {
  const found = buildOfHints(hints);
  const eventDefault = context.payload.repository?.default_branch;
  if (!found || !eventDefault) return;
  const here = await repoContext(context, deps);
  // A member build's event is its change set's: reconciled where the set lives.
  const { home, ...ref } = found;
  const ctx = home ? await contextOf(here, home) : here;
  const defaultBranch = home ? await defaultBranchOf(ctx) : eventDefault;
  // An event whose news the last read holds already starts no read (`LastReads`): judged
  // when its reconcile would start, after any reconcile of the build under way.
  // A member's event is judged by the member's own last read, in its own repository.
  const key = home ? buildKey(here, memberBuildId(ref.build, home)) : buildKey(ctx, ref.build);
  const noNews = deps.lastReads && noNewsOf(hints, deps.lastReads, key, deps.now);
  scheduleReconcile(ctx, {
    ref,
    defaultBranch,
    deps,
    log: context.log,
    deliveryId: context.id,
    ...(noNews ? { noNews } : {}),
  });
}

/**
 * A push to the default branch: every open build of the repository merges it
 * in; and every change set with a member build here is reconciled where it
 * lives, for a final pull request merged here may release the next
 * repository's. That merge's `pull_request.closed` says so too, unless it is
 * lost or its sender is a bot, whose pull request events the conductor does
 * not run on (docs/serverless.md): the push is then the only event, and with
 * nothing hosted no process waits for a look.
 */
export async function onDefaultBranchPush(
  context: EventContext & {
    log: Context['log'];
    payload: { repository: { default_branch: string } };
  },
  deps: ContextDeps & ScheduleDeps,
): Promise<void> {
  const ctx = await repoContext(context, deps);
  const defaultBranch = context.payload.repository.default_branch;
  const { builds, sets } = await findBranchBuilds(ctx);
  for (const ref of builds) {
    scheduleReconcile(ctx, { ref, defaultBranch, deps, log: context.log, deliveryId: context.id });
  }
  for (const { home, ...ref } of sets) {
    const there = await contextOf(ctx, home);
    scheduleReconcile(there, {
      ref,
      defaultBranch: await defaultBranchOf(there),
      deps,
      log: context.log,
      deliveryId: context.id,
    });
  }
}

/** How an event's hints may be judged no news against the build's last read (`LastReads`); none: it is news. */
function noNewsOf(
  { completed, pushed, finalOpened }: BuildEventHints,
  reads: LastReads,
  key: string,
  now: () => string,
): NoNews | undefined {
  if (completed)
    return {
      judge: () => reads.completionChangesNothing(key, completed, now()),
      why: 'the run completed as the last read expected',
    };
  if (pushed)
    return {
      judge: () => reads.pushChangesNothing(key, pushed),
      why: 'the build branch is where the last read saw it',
    };
  if (finalOpened)
    return {
      judge: () => reads.finalPullSeen(key, finalOpened),
      why: 'the last read saw the final pull request open',
    };
  return undefined;
}
