import type { BuildSnapshot, PullInfo } from './snapshot.js';

/**
 * Whether the build branch asks for up-to-date pull requests: a ruleset of it
 * says so (read with the build), or one of `pulls` that is open has fallen
 * behind it (all that branch protection's rule, which only admins can read,
 * shows). Under such a rule every merge puts the other pull requests behind.
 */
export function asksUpToDate(
  integration: BuildSnapshot['integration'],
  pulls: readonly Pick<PullInfo, 'state' | 'mergeState'>[],
): boolean {
  return (
    integration?.upToDateRule === true ||
    pulls.some((pull) => pull.state === 'open' && pull.mergeState === 'behind')
  );
}
