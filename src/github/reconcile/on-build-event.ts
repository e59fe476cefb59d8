import type { Context } from 'probot';
import { parseRunName } from '../../core/sessions/session.js';
import type { RunInfo } from '../../core/snapshot/snapshot.js';
import { parseBuildId, WORKFLOW_FILE } from '../../core/vocabulary/ids.js';
import { buildKey } from '../client/types.js';
import { type RunFields, runInfoOf } from '../observe/read-runs.js';
import {
  type EventContext,
  type HandlerDeps,
  type NoNews,
  repoContext,
  scheduleReconcile,
} from './handlers.js';
import type { LastReads } from './last-reads.js';
import { type BuildRef, buildOfBranch } from './locate-build.js';
import { findOpenBuilds } from './resync.js';

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

/** Finds the build from the hints, without a request. */
export function buildOfHints({ branches, runName }: BuildEventHints): BuildRef | null {
  const fromRun = runName ? parseRunName(runName) : null;
  const issue = fromRun ? parseBuildId(fromRun.build)?.issue : undefined;
  if (fromRun && issue) return { build: fromRun.build, issue };
  for (const branch of branches) {
    const ref = buildOfBranch(branch);
    if (ref) return ref;
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
  { hints, deps }: { hints: BuildEventHints; deps: HandlerDeps },
): Promise<void> {
  const ref = buildOfHints(hints);
  const defaultBranch = context.payload.repository?.default_branch;
  if (!ref || !defaultBranch) return;
  const ctx = await repoContext(context, deps);
  // An event whose news the last read holds already starts no read (`LastReads`): judged
  // when its reconcile would start, after any reconcile of the build under way.
  const key = buildKey(ctx, ref.build);
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

/** A push to the default branch: every open build of the repository merges it in. */
export async function onDefaultBranchPush(
  context: EventContext & {
    log: Context['log'];
    payload: { repository: { default_branch: string } };
  },
  deps: HandlerDeps,
): Promise<void> {
  const ctx = await repoContext(context, deps);
  const defaultBranch = context.payload.repository.default_branch;
  for (const ref of await findOpenBuilds(ctx)) {
    scheduleReconcile(ctx, { ref, defaultBranch, deps, log: context.log, deliveryId: context.id });
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
