import type { Context } from 'probot';
import { parseRunName } from '../../core/sessions/session.js';
import { parseBuildId } from '../../core/vocabulary/ids.js';
import { type EventContext, type HandlerDeps, repoContext, scheduleReconcile } from './handlers.js';
import { type BuildRef, buildOfBranch } from './locate-build.js';
import { findOpenBuilds } from './resync.js';

/** The few payload fields that say which build an event may concern. */
export interface BuildEventHints {
  /** Branch names: a PR's head and base, a run's or suite's head branch, a pushed ref. */
  branches: (string | null | undefined)[];
  /** A workflow run's name, `baton <role> <build> …`. */
  runName?: string | null | undefined;
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
  scheduleReconcile(ctx, { ref, defaultBranch, deps, log: context.log, deliveryId: context.id });
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
