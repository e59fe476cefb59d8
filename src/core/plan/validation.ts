/**
 * A milestone's validation (docs/verification.md): once every worker of waves
 * ≤ k is merged or skipped, a session that wrote none of the code runs the
 * contract's command on the build branch; its publish job (no model) leaves
 * this record at a hidden ref, one per milestone and build branch head, and on
 * a failure appends a fix worker per failing check to the plan. The app reads
 * only the record, never the command's output.
 */
import { z } from 'zod';
import { CriterionId } from './contract.js';
import { WorkerId } from './plan.js';
import { parseRecordMessage, renderRecordMessage } from './record-message.js';

/** The first line of a validation record's commit message; the JSON follows after a blank line. */
const VALIDATION_HEADER = 'baton validation';

/** The check a failure names: a criterion id of `contract.json`, or `command` when the command failed with no check named. */
export const FailedCheck = z.union([CriterionId, z.literal('command')]);
export type FailedCheck = z.infer<typeof FailedCheck>;

const Sha = z.string().regex(/^[0-9a-f]{40}$/);

/** What the runner's report said of a check (src/core/reports/check-outcome.ts), or that it did not hold it. */
const Seen = z.enum(['passed', 'failed', 'expected-failure', 'skipped', 'todo', 'missing']);

/**
 * The work's code a run reached that asks whether a test runner runs it
 * (src/core/verification/reach/reached-in-work.ts): its file (the work's
 * path, quoted wherever shown), line and reach in words.
 */
export const ReachedCode = z.strictObject({
  path: z.string().min(1).max(500),
  line: z.number().int().min(1),
  what: z.string().min(1).max(200),
});
export type ReachedCode = z.infer<typeof ReachedCode>;

/**
 * One check of the contract judged from the runner's reports on the contract's
 * commit and on the head (src/core/verification/check-proof.ts,
 * docs/verification.md "Fails before, passes after").
 */
export const CheckRecord = z.strictObject({
  criterion: CriterionId,
  /** Null: no report could be had on the contract's commit. */
  before: Seen.nullable(),
  after: Seen,
  verdict: z.enum(['proven', 'not-proven', 'guard', 'failing', 'not-due']),
  /** The work's test-aware code the run reached: the check is not proven whatever the reports said. */
  reached: ReachedCode.optional(),
});
export type CheckRecord = z.infer<typeof CheckRecord>;

export const ValidationRecord = z.strictObject({
  version: z.literal(1),
  /** The milestone validated: every worker of waves ≤ it was done. */
  milestone: z.number().int().min(1).max(99),
  /** The workflow run of the validation session. */
  run_id: z.number().int().positive(),
  /** The build branch head the contract's command ran on. */
  head: Sha,
  /**
   * No check due failed: the command's exit status was 0 (the session's code ran it, the model
   * cannot change it), or every check it failed on is a skipped worker's (src/core/plan/due-criteria.ts);
   * and no check due is still marked to fail.
   */
  passed: z.boolean(),
  /** The command's exit status; null when it was killed at its time limit. */
  exit_code: z.number().int().nullable(),
  /** Each failing check, with the fix worker appended for it (null: none could be). */
  failed: z
    .array(z.strictObject({ check: FailedCheck, worker: WorkerId.nullable() }))
    .max(50)
    .default([]),
  /** The commit the contract's checks were run on before any work: the one that brought `contract.json`. */
  contract_commit: Sha.optional(),
  /** Each check judged by the runner's reports; absent where the exit status alone decided (an older record, a runner Baton reads no report of). */
  checks: z.array(CheckRecord).max(500).optional(),
  /**
   * The commits of the build branch's first parents, from the head, that touched
   * `contract.json` or `seal.json`, newest first (at most CONTRACT_COMMITS_MAX):
   * the newest is the one the contract's tree was built from. Each must be the
   * merge of a pull request whose head Baton's publish pushed for a worker
   * given the contract; any other is a breach (src/core/verification/seal-binding.ts).
   */
  contract_commits: z.array(Sha).max(20).optional(),
  /**
   * The commits left out of `contract_commits` because a later commit of the
   * same first parents undid each exactly (its change inverted, as
   * `git revert` makes it), with that revert: a writer's push taken back. A
   * pair whose reverted commit is a contract's merge Baton's publish sealed is
   * a breach (src/core/verification/seal-binding.ts).
   */
  reverted: z
    .array(z.strictObject({ commit: Sha, by: Sha }))
    .max(10)
    .optional(),
  /**
   * The run whose record's outcomes on the contract's commit (each check's
   * `before`) this one reused rather than run the commit again: bound to its
   * run as this record is, or the reuse is a breach.
   */
  before_from: z.number().int().positive().optional(),
  /**
   * Where no report judged the checks (`checks` absent: the exit status
   * decided), the work's test-aware code the run reached: no criterion is
   * proven by it.
   */
  reached: ReachedCode.optional(),
});

/** How many contract commits a record names: past them, the oldest are left out. */
export const CONTRACT_COMMITS_MAX = 20;
export type ValidationRecord = z.infer<typeof ValidationRecord>;

export function validationRefPrefix(build: string): string {
  return `refs/baton/${build}/validation/`;
}

/** The hidden ref of one milestone's validation at one head: `refs/baton/<build>/validation/M<k>/<head>`. */
export function validationRef(build: string, milestone: number, head: string): string {
  return `${validationRefPrefix(build)}M${milestone}/${head}`;
}

/** The commit message that carries a record. */
export function renderValidationMessage(record: ValidationRecord): string {
  return renderRecordMessage(VALIDATION_HEADER, record);
}

/** A record from a commit message, or null when the message is not a valid one. */
export function parseValidationMessage(message: string): ValidationRecord | null {
  return parseRecordMessage(message, { header: VALIDATION_HEADER, schema: ValidationRecord });
}
