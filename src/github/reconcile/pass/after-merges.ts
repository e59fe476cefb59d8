import type { ParsedConfig } from '../../../core/config/config.js';
import type { Action } from '../../../core/context/action.js';
import { decide } from '../../../core/decide/decide.js';
import { pullVerdict } from '../../../core/snapshot/pull-verdict.js';
import type { BuildSnapshot, CompletionRead } from '../../../core/snapshot/snapshot.js';
import { type ActLog, type ActOutcome, act } from '../../act/act.js';
import { withDispatchedRuns } from '../../act/dispatch-session.js';
import type { WriteBudget } from '../../client/pacing/write-budget.js';
import type { RepoContext } from '../../client/types.js';
import { readCompletionAt } from '../../observe/read-completion.js';

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

/** What a later pass of a reconcile starts from: the build after the passes before, and what they did. */
export interface LaterPass {
  snapshot: BuildSnapshot;
  outcomes: ActOutcome[];
  config: ParsedConfig;
  now: string;
  log: ActLog;
  writeBudget?: WriteBudget;
}

/** Carries out a later pass's actions on the build as it now stands. */
async function actLater(
  ctx: RepoContext,
  { log, writeBudget }: LaterPass,
  snapshot: BuildSnapshot,
  actions: Action[],
): Promise<ActOutcome[]> {
  if (actions.length === 0) return [];
  // The budget is told what the build owes as it now stands: a worker the merges unlocked
  // holds no room for itself.
  const budget = writeBudget ? { writes: writeBudget } : undefined;
  return act(ctx, { snapshot, actions, log, ...(budget ? { budget } : {}) });
}

/**
 * The passes of a reconcile after its first (`pass`: the build as read, and
 * what the first pass did): what its merges unlock (`actOnMerges`), then what
 * follows a final pull request it opened (`actOnOpenedFinal`). Each starts from
 * the build as the passes before left it, with the runs they dispatched
 * (`withDispatchedRuns`); what it answers is the build after them all, and the
 * later passes' outcomes.
 */
export async function actLaterPasses(ctx: RepoContext, pass: LaterPass): Promise<AfterMerges> {
  const { outcomes: first, now } = pass;
  const merges = await actOnMerges(ctx, {
    ...pass,
    snapshot: withDispatchedRuns(pass.snapshot, first, now),
  });
  const final = await actOnOpenedFinal(ctx, {
    ...pass,
    snapshot: withDispatchedRuns(merges.snapshot, merges.outcomes, now),
    outcomes: [...first, ...merges.outcomes],
  });
  return {
    snapshot: final.snapshot,
    outcomes: [...merges.outcomes, ...final.outcomes],
    settled: merges.settled,
  };
}

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
 * `startsWork`). `decide` on that build says what
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
export async function actOnMerges(ctx: RepoContext, pass: LaterPass): Promise<AfterMerges> {
  const { snapshot, outcomes, config, now } = pass;
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
  const integration = snapshot.integration;
  const head = merges.at(-1)?.merged ?? integration.sha;
  // What the first pass asked for already (a notice, a label) is not asked twice.
  const asked = new Set(outcomes.map((outcome) => JSON.stringify(outcome.action)));
  const decideOn = (reads: [string, CompletionRead][]) => {
    const build: BuildSnapshot = {
      ...snapshot,
      pulls: snapshot.pulls.map((pull) =>
        numbers.has(pull.number) ? { ...pull, state: 'merged' } : pull,
      ),
      completions: { ...snapshot.completions, ...Object.fromEntries(reads) },
      integration: { ...integration, sha: head },
    };
    const actions = decide({ snapshot: build, config, now }).filter(
      (action) => action.kind !== 'render-status' && !asked.has(JSON.stringify(action)),
    );
    return { build, actions };
  };
  let { build: merged, actions: next } = decideOn([]);
  // The reports matter when a worker would start (an adaptation they ask for comes first) or the build ends.
  if (next.some(startsWork)) {
    const reads = await Promise.all(
      merges.map(async ({ worker, sha }) => {
        const read = await readCompletionAt(ctx, { build: snapshot.build, worker, sha });
        return read ? ([[worker, read]] as [string, CompletionRead][]) : [];
      }),
    );
    ({ build: merged, actions: next } = decideOn(reads.flat()));
  }
  if (next.some((action) => !UNLOCKED.has(action.kind))) return unsettled;
  const done = await actLater(ctx, pass, merged, next);
  const failed = done.some((outcome) => outcome.result === 'failed');
  return {
    snapshot: merged,
    outcomes: done,
    settled: failed ? [] : merges.map((merge) => merge.merged),
  };
}

/**
 * Whether `action` starts a worker's first session, or the final pull request:
 * what the merged workers' reports can hold back (an adaptation a report asks
 * for runs before the workers it names) or fill (the final pull request
 * carries every report). Otherwise no report is read: an adaptation a report
 * asks for, for workers that cannot start yet, is decided by the next
 * reconcile, which reads the reports from the build branch, before any of
 * them starts.
 */
function startsWork(action: Action): boolean {
  if (action.kind === 'open-final-pull') return true;
  if (action.kind !== 'dispatch') return false;
  const { role, worker, trigger } = action.request;
  return worker !== null && worker !== undefined && role !== 'review' && !trigger;
}

/** What follows the final pull request a pass opened: its notice where nobody was asked to review it, and auto-merge. */
const FOLLOWS_FINAL: ReadonlySet<Action['kind']> = new Set(['notice', 'enable-auto-merge']);

/**
 * The pass after one that opened the final pull request (and asked its
 * reviews): the build with that pull request open, as GitHub's answer gave
 * it, asks for its notice where nobody was asked to review it, and auto-merge
 * when the config wants it; done now, the pull request's `pull_request.opened` is no news
 * (`LastReads.finalPullSeen`). Anything else leaves the build as it was, and
 * the event is read as before.
 */
export async function actOnOpenedFinal(
  ctx: RepoContext,
  pass: LaterPass,
): Promise<{ snapshot: BuildSnapshot; outcomes: ActOutcome[] }> {
  const { snapshot, outcomes, config, now } = pass;
  const unchanged = { snapshot, outcomes: [] };
  const opened = outcomes.find(
    (outcome) => outcome.action.kind === 'open-final-pull' && outcome.result === 'done',
  )?.opened;
  if (!opened || !config.ok || snapshot.finalPull) return unchanged;
  const build: BuildSnapshot = {
    ...snapshot,
    finalPull: { number: opened.number, state: 'open', url: opened.url, autoMerge: false },
  };
  const asked = new Set(outcomes.map((outcome) => JSON.stringify(outcome.action)));
  const next = decide({ snapshot: build, config, now }).filter(
    (action) => action.kind !== 'render-status' && !asked.has(JSON.stringify(action)),
  );
  if (next.some((action) => !FOLLOWS_FINAL.has(action.kind))) return unchanged;
  const done = await actLater(ctx, pass, build, next);
  return { snapshot: build, outcomes: done };
}
