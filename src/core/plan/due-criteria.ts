/**
 * Which acceptance criteria a milestone's validation holds the build to
 * (docs/verification.md, "Validation"), decided here once for every reader:
 * the validation session's prompt, its publish (which failing checks count
 * and get a fix worker), and the review guide.
 *
 * - A worker's criterion is due once its wave is reached (at most the
 *   milestone), unless the worker was skipped: `/skip` takes it as done
 *   without merging, so what it was to deliver is not there to check, and a
 *   fix worker could meet its criterion only by doing what a person chose not
 *   to have done.
 * - The build's own criteria are due at the last milestone, whichever workers
 *   were skipped: they are the whole build's promise, not one worker's, and no
 *   skip says the build no longer makes it. A skipped worker whose work one
 *   needed leaves it failing, with its fix worker, for a person to see.
 * - A criterion whose fix worker (`Fix: W1.2:1 fails`, which a validation
 *   added) a writer skipped is not due from then on, the build's own too: the
 *   person chose to go on without it (where, say, the fix worker said it
 *   cannot be met), and another fix worker would be the same loop.
 * - `command` (the contract's command failed with no check named) is always due.
 */
import { parseMemberBuildId } from '../vocabulary/ids.js';
import { fixTitle } from './fix-workers.js';
import { type Plan, waveOf } from './plan.js';
import { lastWaveOf, sliceOf } from './set-plan.js';

/** Where a validation stands: the milestone, the last one, and the workers skipped. */
export interface DueAt {
  milestone: number;
  /** The last milestone: the plan's last wave (a change set's member: its own part's). */
  last: number;
  /** The workers skipped by a writer's `/skip`. */
  skipped: ReadonlySet<string>;
  /** The criteria whose fix worker was skipped, each with that worker (`withdrawnBy`). */
  withdrawn?: ReadonlyMap<string, string>;
}

/** Why a criterion is not due: its wave is not reached yet, or its worker was skipped. */
export type NotDue = 'later' | 'skipped';

/** The highest wave a worker id can name (`W99.1`). */
const LAST_WAVE = 99;

/** Where the final pull request stands: every milestone reached, `skipped` skipped. */
export function dueAtEnd(
  skipped: ReadonlySet<string>,
  withdrawn: ReadonlyMap<string, string> = new Map(),
): DueAt {
  return { milestone: LAST_WAVE, last: LAST_WAVE, skipped, withdrawn };
}

/** The criteria whose fix worker (by its title) is among `skipped`, each with that worker. */
export function withdrawnBy(
  plan: { workers: readonly { id: string; title: string }[] },
  skipped: ReadonlySet<string>,
): Map<string, string> {
  const withdrawn = new Map<string, string>();
  for (const worker of plan.workers) {
    if (!skipped.has(worker.id)) continue;
    const check = /^Fix: (\S+) fails$/.exec(worker.title)?.[1];
    if (check && check !== 'command' && fixTitle(check) === worker.title)
      withdrawn.set(check, worker.id);
  }
  return withdrawn;
}

/** Null when the check (a criterion id, or `command`) is due at `at`, else why not. */
export function notDue(check: string, at: DueAt): NotDue | null {
  if (check === 'command') return null;
  if (at.withdrawn?.has(check)) return 'skipped';
  const owner = check.split(':')[0] ?? '';
  if (owner === 'build') return at.milestone >= at.last ? null : 'later';
  if (waveOf(owner) > at.milestone) return 'later';
  return at.skipped.has(owner) ? 'skipped' : null;
}

/** Whether the check is due at `at`. */
export function isDue(check: string, at: DueAt): boolean {
  return notDue(check, at) === null;
}

/**
 * Where a validation of `milestone` stands, where only the build branch is at
 * hand (the session and its publish): the last milestone is the plan's last
 * wave (a change set's member: its own part's); the workers skipped are those
 * of waves 1 to the milestone whose report (`completions/<worker>.json`,
 * `reported`) the validated head does not hold, a member's own workers alone
 * (the others' reports are on their own repositories' branches). The app
 * dispatches a milestone's validation only once each of those workers is
 * merged (its report comes with its pull request) or skipped, so one with no
 * report there was skipped.
 */
export function dueOnBranch({
  plan,
  build,
  repository,
  milestone,
  reported,
}: {
  plan: Plan;
  build: string;
  /** The repository validated, `owner/name`. */
  repository: string;
  milestone: number;
  reported: ReadonlySet<string>;
}): DueAt {
  const member = parseMemberBuildId(build);
  const own = member ? sliceOf(plan, repository.toLowerCase(), member.home) : plan;
  const skipped = new Set(
    own.workers
      .map((worker) => worker.id)
      .filter((id) => {
        const wave = waveOf(id);
        return wave >= 1 && wave <= milestone && !reported.has(id);
      }),
  );
  return {
    milestone,
    last: lastWaveOf(plan, { build, repository }),
    skipped,
    withdrawn: withdrawnBy(own, skipped),
  };
}
