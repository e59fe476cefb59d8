import type { ParsedConfig } from '../../core/config/config.js';
import type { Action } from '../../core/context/action.js';
import { decide } from '../../core/decide/decide.js';
import { pullVerdict } from '../../core/snapshot/pull-verdict.js';
import type { BuildSnapshot, CompletionRead } from '../../core/snapshot/snapshot.js';
import { type ActLog, type ActOutcome, act } from '../act/act.js';
import type { RepoContext } from '../client/types.js';
import type { WriteBudget } from '../client/write-budget.js';
import { readCompletionAt } from '../observe/read-completion.js';

/**
 * What a merge unlocks, decided in the reconcile that merged: a dependent's
 * first session, an adaptation, the final pull request, a mirror's close.
 * Anything else a merge may bring waits for the reconcile of its push.
 */
const UNLOCKED: ReadonlySet<Action['kind']> = new Set([
  'dispatch',
  'open-final-pull',
  'close-sub-issue',
  'look-again',
]);

export interface AfterMerges {
  /** The build as it stands after the merges, when they were settled here; else as read. */
  snapshot: BuildSnapshot;
  outcomes: ActOutcome[];
  /** The build-branch heads the merges made, when what they unlock was done here. */
  settled: string[];
}

/**
 * The second pass of a reconcile that merged worker pull requests. The
 * merged build differs from the read in what GitHub's merge answered: the
 * pull requests are merged, the build branch is at the last merge's commit,
 * and each merged worker's completion report is the one its head carries
 * (`readCompletionAt`, one request a merge, when a report can matter:
 * `reportsMatter`). `decide` on that build says what
 * the merges unlock; when that is all of `UNLOCKED` it is done now, from the
 * merge's commit, and the merges' pushes bring no news (`LastReads`): a push
 * reconcile saved per merge, and a dependent started a push's delivery
 * sooner.
 *
 * Settled only when nothing else can follow from the merges: another
 * approved pull request may now be behind or conflict (GitHub recomputes
 * that after the push, and only the push's reconcile would see it), and a
 * merge that did not go is left to the next read. Otherwise the build is
 * left as read, and the pushes are news as before.
 */
export async function actOnMerges(
  ctx: RepoContext,
  {
    snapshot,
    outcomes,
    config,
    now,
    log,
    writeBudget,
  }: {
    snapshot: BuildSnapshot;
    outcomes: ActOutcome[];
    config: ParsedConfig;
    now: string;
    log: ActLog;
    writeBudget?: WriteBudget;
  },
): Promise<AfterMerges> {
  const unsettled: AfterMerges = { snapshot, outcomes: [], settled: [] };
  const tried = outcomes.filter((outcome) => outcome.action.kind === 'merge-pull');
  const merges = tried.flatMap(({ action, result, merged }) =>
    action.kind === 'merge-pull' && result === 'done' && merged ? [{ ...action, merged }] : [],
  );
  if (merges.length === 0 || merges.length < tried.length || !config.ok) return unsettled;
  const numbers = new Set(merges.map((merge) => merge.pull));
  const waiting = snapshot.pulls.some(
    (pull) =>
      pull.state === 'open' &&
      !numbers.has(pull.number) &&
      pullVerdict({ pull, requireHuman: config.config.review.requireHuman }).kind === 'approve',
  );
  if (waiting || !snapshot.integration) return unsettled;
  const reads = await Promise.all(
    (reportsMatter(snapshot, numbers) ? merges : []).map(async ({ worker, sha }) => {
      const read = await readCompletionAt(ctx, { build: snapshot.build, worker, sha });
      return read ? ([[worker, read]] as [string, CompletionRead][]) : [];
    }),
  );
  const head = merges.at(-1)?.merged ?? snapshot.integration.sha;
  const merged: BuildSnapshot = {
    ...snapshot,
    pulls: snapshot.pulls.map((pull) =>
      numbers.has(pull.number) ? { ...pull, state: 'merged' } : pull,
    ),
    completions: { ...snapshot.completions, ...Object.fromEntries(reads.flat()) },
    integration: { ...snapshot.integration, sha: head },
  };
  // What the first pass asked for already (a notice, a label) is not asked twice.
  const asked = new Set(outcomes.map((outcome) => JSON.stringify(outcome.action)));
  const next = decide({ snapshot: merged, config, now }).filter(
    (action) => action.kind !== 'render-status' && !asked.has(JSON.stringify(action)),
  );
  if (next.some((action) => !UNLOCKED.has(action.kind))) return unsettled;
  const done =
    next.length === 0
      ? []
      : await act(ctx, {
          snapshot: merged,
          actions: next,
          log,
          ...(writeBudget ? { writeBudget } : {}),
        });
  const failed = done.some((outcome) => outcome.result === 'failed');
  return {
    snapshot: merged,
    outcomes: done,
    settled: failed ? [] : merges.map((merge) => merge.merged),
  };
}

/**
 * Whether the merged workers' reports can change what `decide` asks for now:
 * a report may name workers that have not started (an adaptation first), and
 * the final pull request carries every report. Neither while no worker of the
 * plan is unstarted and another is still under way (an open pull request, a
 * work run not finished): the reads can wait for the reconcile that reads the
 * build branch, which holds the reports by then.
 */
function reportsMatter(snapshot: BuildSnapshot, merging: Set<number>): boolean {
  if (snapshot.plan.kind !== 'valid') return true;
  const unstarted = snapshot.plan.plan.workers.some(
    ({ id }) =>
      snapshot.branches[id] === undefined &&
      !snapshot.runs.some((run) => run.role === 'work' && run.worker === id),
  );
  const underWay =
    snapshot.pulls.some((pull) => pull.state === 'open' && !merging.has(pull.number)) ||
    snapshot.runs.some((run) => run.role === 'work' && run.status !== 'completed');
  return unstarted || !underWay;
}
