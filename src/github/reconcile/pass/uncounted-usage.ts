import type { UncountedUsage } from '../../../core/snapshot/usage-ties.js';
import { remembered } from '../../../process-memory.js';
import type { ActLog } from '../../act/act.js';

/** A usage record not counted, with the repository it is in. */
export type UncountedIn = UncountedUsage & { repository: string };

/** What this process has said: `owner/repo refs/baton/<name>`. Forgotten whole past this many. */
const said = remembered(new Set<string>());
const SAID_MAX = 10_000;
/** Records named in one log line; the line gives the count of the rest. */
const NAMED_MAX = 20;

/**
 * Says once, in the app's log, which usage records are not counted because they
 * are not tied to a run Baton dispatched where they are (a writer, or a workflow
 * token, pushed them): the operator's to look into, not a person's to be called
 * for, since the caps and budgets already pass them over. Each record is said
 * once per process; the status comment of a build whose own namespace holds
 * one says so for as long as it is there. Validation records (`kind`) not bound
 * to Baton's validation run of their milestone and head are said the same way:
 * they settle no milestone (src/core/snapshot/validation-ties.ts).
 */
export function sayUncountedUsage(
  log: ActLog,
  uncounted: readonly UncountedIn[],
  kind: 'usage' | 'validation' = 'usage',
): void {
  const fresh = uncounted.filter((one) => !said.has(keyOf(one)));
  if (fresh.length === 0) return;
  if (said.size + fresh.length > SAID_MAX) said.clear();
  for (const one of fresh) said.add(keyOf(one));
  log.warn(
    {
      count: fresh.length,
      records: fresh.slice(0, NAMED_MAX).map((one) => ({
        repository: one.repository,
        ref: `refs/baton/${one.ref}`,
        why: one.reason,
      })),
    },
    kind === 'usage'
      ? `baton: ${fresh.length} usage record${fresh.length === 1 ? '' : 's'} not counted: not tied to a run Baton dispatched in ${fresh.length === 1 ? 'its' : 'their'} repository (pushed by a writer or a workflow token?)`
      : `baton: ${fresh.length} validation record${fresh.length === 1 ? '' : 's'} ignored: not written by Baton's validation run of ${fresh.length === 1 ? 'its' : 'their'} milestone and head (pushed by a writer or a workflow token?)`,
  );
}

/** Forgets what was said (tests). */
export function clearUncountedUsage(): void {
  said.clear();
}

function keyOf(one: UncountedIn): string {
  return `${one.repository} ${one.ref}`;
}
