import {
  parseValidationMessage,
  type ValidationRecord,
  validationRefPrefix,
} from '../plan/validation.js';
import { milestoneSubject } from '../vocabulary/ids.js';
import type { RunInfo } from './snapshot.js';
import type { ListedUsage, UncountedUsage } from './usage-ties.js';

/**
 * A milestone's validation record is a hidden ref any writer of a repository
 * can push, and a workflow token with `contents: write` too (code a worker
 * added to CI): one saying `passed` would settle a milestone no session ran.
 * As usage records are tied to their runs (usage-ties.ts), a validation record
 * is believed only when the run it names (`run_id`) is Baton's validation of
 * that build, milestone and head: a run of Baton's workflow in the listing
 * (`readRuns` lists only its runs) that the app dispatched (its actor Baton's
 * bot), named `baton validate <build> M<k> head-<sha>` for the record's
 * milestone and head, and the record lies at its own place,
 * `refs/baton/<build>/validation/M<k>/<head>`. Anything else is ignored, with why.
 *
 * What the binding cannot tell: who pushed the record. A writer who names a
 * real validation run of that milestone and head, before its session records,
 * is believed; the session then finds the record and ends (docs/security.md).
 */

/** A record as listed: its ref's name under `refs/baton/` and its commit's message. */
export type ListedValidation = ListedUsage;

/** The run a record is bound to: a validate run of the build, as the snapshot lists it. */
type BindingRun = Pick<RunInfo, 'id' | 'role' | 'worker' | 'trigger' | 'byBaton'>;

/** Why a listed record is not the record of Baton's validation run it names; null when it is. */
export function validationRecordProblem(
  build: string,
  { ref, record }: { ref: string; record: ValidationRecord | null },
  runs: readonly BindingRun[],
): string | null {
  if (!record) return 'its message is not a validation record';
  const place = `${validationRefPrefix(build).slice('refs/baton/'.length)}${milestoneSubject(record.milestone)}/${record.head}`;
  if (ref !== place) return `it names M${record.milestone} at ${record.head}, not its ref's`;
  const run = runs.find((candidate) => candidate.id === record.run_id);
  if (!run || run.byBaton === false) return `no run ${record.run_id} Baton dispatched here`;
  if (
    run.role !== 'validate' ||
    run.worker !== milestoneSubject(record.milestone) ||
    run.trigger !== `head-${record.head}`
  ) {
    return `run ${run.id} is not the validation of M${record.milestone} at ${record.head.slice(0, 7)}`;
  }
  return null;
}

/**
 * The validation records of one build bound to its runs (`runs`: the build's
 * runs as listed), and the refs under its validation prefix that are not, with why.
 */
export function validationsOf(
  build: string,
  listed: readonly ListedValidation[],
  runs: readonly BindingRun[],
): { validations?: ValidationRecord[]; ignoredValidations?: UncountedUsage[] } {
  const validations: ValidationRecord[] = [];
  const ignored: UncountedUsage[] = [];
  for (const { ref, message } of listed) {
    const record = parseValidationMessage(message);
    const problem = validationRecordProblem(build, { ref, record }, runs);
    if (problem === null && record) validations.push(record);
    else ignored.push({ ref, reason: problem ?? 'unreadable' });
  }
  return {
    ...(validations.length > 0 ? { validations } : {}),
    ...(ignored.length > 0 ? { ignoredValidations: ignored } : {}),
  };
}
