/**
 * When a "Set up Baton" pull request may be opened (docs/design-notes.md, "Onboarding"):
 * the closed pull requests on `baton/setup` are the repository's answer, so
 * "no" is read from GitHub, never kept by the app.
 */

/**
 * - `none`: nothing worth a pull request (nothing differs, or only the pinned commit does).
 * - `refresh`: a setup pull request is open; bring it up to date (at most one is ever open).
 * - `open`: open a new one.
 * - `declined`: the newest setup pull request was closed without merging, and
 *   nobody has asked again since: that "no" stands.
 */
export type SetupPullDecision = 'none' | 'refresh' | 'open' | 'declined';

export interface SetupPullFacts {
  /** Files the pull request would write (missing, or an earlier shipped version). */
  changes: number;
  /**
   * Of those, the ones that differ from the repository's copy only by the
   * pinned Baton commit. A new deploy of Baton moves the pin and nothing
   * else, so these alone never open a pull request; they ride along with a
   * real change, and an open pull request is kept at the current pin.
   */
  pinOnly: number;
  /** A setup pull request is open. */
  open: boolean;
  /** The newest closed setup pull request, if any, and when it was closed. */
  lastClosed: { merged: boolean; closedAt: string | null } | null;
  /**
   * Someone asked for Baton here again: the app was installed on the
   * repository, or the repository added to an installation, after the "no".
   */
  askedAgain: boolean;
  /**
   * When a person last added the build label to an issue whose build found
   * the workflow missing: a label added after the "no" asks again.
   */
  labelledAt?: string | null;
}

export function decideSetupPull({
  changes,
  pinOnly,
  open,
  lastClosed,
  askedAgain,
  labelledAt = null,
}: SetupPullFacts): SetupPullDecision {
  if (changes === 0) return 'none';
  if (open) return 'refresh';
  if (changes === pinOnly) return 'none';
  if (lastClosed && !lastClosed.merged && !askedAgain && !labelledSince(lastClosed, labelledAt))
    return 'declined';
  return 'open';
}

/** A label added after the "no" (ISO times compare as strings). */
function labelledSince(
  { closedAt }: { closedAt: string | null },
  labelledAt: string | null,
): boolean {
  return closedAt !== null && labelledAt !== null && labelledAt > closedAt;
}
