import type { ParsedConfig } from '../../core/config/config.js';
import {
  type AwaitedWork,
  awaitedWork,
  expectedEnd,
  LOOK_MIN_MS,
  typicalRunMs,
} from '../../core/snapshot/awaited-work.js';
import { normalizeSnapshot, timeOf } from '../../core/snapshot/normalize-snapshot.js';
import { overdueAt } from '../../core/snapshot/overdue-runs.js';
import { pullVerdict } from '../../core/snapshot/pull-verdict.js';
import type { BuildSnapshot } from '../../core/snapshot/snapshot.js';
import { asksUpToDate } from '../../core/snapshot/up-to-date-rule.js';
import type { ActOutcome } from './act.js';

/**
 * When a reconcile that just acted should look at its build again, for work
 * GitHub is finishing (`awaitedWork`): what the build as last seen waits on,
 * and what this reconcile set going that the snapshot does not show yet (a
 * run it dispatched, a branch GitHub is updating). Null when nothing is
 * awaited from GitHub. A look is a `look-again` outcome, deferred, so it is
 * scheduled like the one `decide` asks for a run to settle.
 */
export function nextLook(asked: LookAsked): ActOutcome | null {
  return lookAfter(asked).look;
}

/**
 * The look a reconcile leaves its build with (`nextLook`), and whether the
 * run listing alone can tell when it has news: it awaits a session run, and
 * no session's writes settling, the look `decide` asks for, which no listing shows.
 */
export function lookAfter(asked: LookAsked): { look: ActOutcome | null; byRuns: boolean } {
  const soonest = awaitedNext(asked);
  return {
    look: soonest ? lookAgainOf(soonest) : null,
    byRuns: soonest?.run === true && !asked.outcomes.some(isSettling),
  };
}

/** A look `decide` asked for a session's writes to settle (a `nextLook` names what it awaits). */
function isSettling(outcome: ActOutcome): boolean {
  return outcome.result === 'deferred' && outcome.action.kind === 'look-again' && !outcome.detail;
}

/** The `look-again` outcome that looks at the build when `soonest` should be done. */
function lookAgainOf(soonest: AwaitedWork): ActOutcome {
  const inMs = Math.max(1, Math.round(soonest.inMs));
  return {
    action: { kind: 'look-again', inMs },
    result: 'deferred',
    retryInMs: inMs,
    detail: soonest.why,
  };
}

interface LookAsked {
  snapshot: BuildSnapshot;
  config: ParsedConfig;
  outcomes: ActOutcome[];
  now: string;
}

/** The soonest work GitHub is finishing that `nextLook` looks again for; null: none. */
function awaitedNext({ snapshot, config, outcomes, now }: LookAsked): AwaitedWork | null {
  const nowMs = timeOf(now) ?? 0;
  const session = config.ok ? config.config.session : null;
  const waits: AwaitedWork[] = [];
  const { runs, pulls } = normalizeSnapshot(snapshot);
  const seen = awaitedWork({
    snapshot: { runs, pulls },
    now,
    ...(session ? { overdueAtMs: (run) => overdueAt(run, session) } : {}),
  });
  if (seen) waits.push(seen);
  for (const { action, result } of outcomes) {
    if (result !== 'done') continue;
    if (action.kind === 'dispatch') {
      const typical = typicalRunMs(runs, action.request.role);
      const at = expectedEnd({ started: nowMs, typical, nowMs });
      waits.push({
        inMs: at - nowMs,
        why: `the ${action.request.role} run just dispatched`,
        run: true,
      });
    }
    if (action.kind === 'update-pull-branch')
      waits.push({ inMs: LOOK_MIN_MS, why: `the updated head of #${action.pull}` });
    // One merge a pass under an up-to-date rule: the next in line, behind it now, is brought
    // up to date by a later pass (whose push event may never come).
    if (action.kind === 'merge-pull') {
      const next = inLineAfter(snapshot, { outcomes, config });
      if (next !== null)
        waits.push({
          inMs: LOOK_MIN_MS,
          why: `#${next}, in line behind the merge of #${action.pull}`,
        });
    }
  }
  return waits.reduce<AwaitedWork | null>(
    (first, wait) => (first && first.inMs <= wait.inMs ? first : wait),
    null,
  );
}

/**
 * Where the build branch asks for up-to-date pull requests (a ruleset says so,
 * or one fell behind: `decideMerge` merges one a pass), an open approved pull
 * request this pass did not merge: the merge put it behind. Null when none.
 */
function inLineAfter(
  snapshot: BuildSnapshot,
  { outcomes, config }: { outcomes: ActOutcome[]; config: ParsedConfig },
): number | null {
  if (!asksUpToDate(snapshot.integration, snapshot.pulls)) return null;
  const open = snapshot.pulls.filter((pull) => pull.state === 'open');
  const merged = new Set(
    outcomes.flatMap(({ action }) => (action.kind === 'merge-pull' ? [action.pull] : [])),
  );
  const requireHuman = config.ok && config.config.review.requireHuman;
  const waiting = open.find(
    (pull) => !merged.has(pull.number) && pullVerdict({ pull, requireHuman }).kind === 'approve',
  );
  return waiting?.number ?? null;
}

/**
 * An outcome that keeps its pass's read from standing for the build (`LastReads`): a write
 * GitHub failed, or a dispatch that waits on another process's lock (`SoloProcess`), which
 * the next look must read again rather than judge by the runs.
 */
export function standsForNothing(outcome: ActOutcome): boolean {
  return (
    outcome.result === 'failed' ||
    (outcome.result === 'stood-down' && outcome.retryInMs !== undefined)
  );
}
