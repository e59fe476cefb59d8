/**
 * Whether each check of the contract proves its criterion (docs/verification.md,
 * "Fails before, passes after"), from the runner's report on the contract's
 * commit (before any work) and on the validated head (after it). A check
 * proves its criterion when it failed before (or failed under its mark, an
 * expected failure) and passes after: a check that passes before the work was
 * done passes whatever the work does. A criterion the plan marks a guard
 * already holds: its check must pass on both. After the work only `passed`
 * passes: a check still marked to fail, skipped, left to do or missing from the
 * report fails. Pure.
 */
import { type DueAt, isDue } from '../plan/due-criteria.js';
import type { ReachedCode } from '../plan/validation.js';
import { type CheckOutcome, outcomeOf, type ReportedCheck } from '../reports/check-outcome.js';

export type { ReachedCode };

/** What a report said of a check: its outcome, or `missing` where it does not hold the check. */
export type Seen = CheckOutcome | 'missing';

/**
 * - `proven`: failed before, passes after.
 * - `not-proven`: passes after, but did not fail before (it passed, or did not
 *   run: skipped, left to do, missing, or no report before); a guard that did
 *   not pass before; or its run reached test-aware code of the work (`reached`).
 * - `guard`: a guard's check, passing before and after.
 * - `failing`: does not pass after.
 * - `not-due`: its criterion is not due at this milestone (src/core/plan/due-criteria.ts).
 */
export type Verdict = 'proven' | 'not-proven' | 'guard' | 'failing' | 'not-due';

export interface CheckProof {
  criterion: string;
  file: string;
  name: string;
  /** Null: there was no report on the contract's commit. */
  before: Seen | null;
  after: Seen;
  verdict: Verdict;
  /** The work's test-aware code the run reached, which leaves a check that would be proven not proven. */
  reached?: ReachedCode;
}

/** The table: a check's verdict from what it did before and after the work. */
export function verdictOf({
  before,
  after,
  guard,
}: {
  before: Seen | null;
  after: Seen;
  guard: boolean;
}): Exclude<Verdict, 'not-due'> {
  if (after !== 'passed') return 'failing';
  if (guard) return before === 'passed' ? 'guard' : 'not-proven';
  return before === 'failed' || before === 'expected-failure' ? 'proven' : 'not-proven';
}

/**
 * Each check of the contract judged: `before` the checks of the report on the
 * contract's commit (null: none could be had), `after` those of the report on
 * the validated head.
 */
export function judgeChecks({
  checks,
  guards,
  due,
  before,
  after,
}: {
  checks: readonly { criterion: string; file: string; name: string }[];
  /** The criteria the plan marks `guard: true`. */
  guards: ReadonlySet<string>;
  due: DueAt;
  before: readonly ReportedCheck[] | null;
  after: readonly ReportedCheck[];
}): CheckProof[] {
  return checks.map((check) => {
    const seenBefore = before === null ? null : (outcomeOf(before, check) ?? 'missing');
    const seenAfter = outcomeOf(after, check) ?? 'missing';
    return {
      criterion: check.criterion,
      file: check.file,
      name: check.name,
      before: seenBefore,
      after: seenAfter,
      verdict: isDue(check.criterion, due)
        ? verdictOf({ before: seenBefore, after: seenAfter, guard: guards.has(check.criterion) })
        : 'not-due',
    };
  });
}

/** Worst first: a criterion with several checks takes the worst verdict of them. */
const WORST: readonly Verdict[] = ['failing', 'not-proven', 'guard', 'proven', 'not-due'];

/** Each criterion's verdict, from its checks'. */
export function criterionVerdicts(proofs: readonly CheckProof[]): Map<string, Verdict> {
  const verdicts = new Map<string, Verdict>();
  for (const proof of proofs) {
    const held = verdicts.get(proof.criterion);
    if (held === undefined || WORST.indexOf(proof.verdict) < WORST.indexOf(held))
      verdicts.set(proof.criterion, proof.verdict);
  }
  return verdicts;
}

/**
 * The proofs once the work's test-aware code is weighed (reached-in-work.ts):
 * every check ran in one process tree with that code, and Baton cannot tell
 * which check's run reached it, so a check that would be proven, or a guard,
 * is not proven, naming the first of it. Failing and not-due checks stay.
 */
export function withReached(
  proofs: readonly CheckProof[],
  reached: readonly ReachedCode[],
): CheckProof[] {
  const first = reached[0];
  if (first === undefined) return [...proofs];
  return proofs.map((proof) =>
    proof.verdict === 'proven' || proof.verdict === 'guard'
      ? { ...proof, verdict: 'not-proven', reached: first }
      : proof,
  );
}
