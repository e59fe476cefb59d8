/**
 * Whether the app's own code is the code its sessions run. Sessions run the
 * pinned Baton source (the release tag's commit, or `BATON_SOURCE_REF`); the
 * app runs its checkout. A checkout whose HEAD is another commit (moved past
 * the release, or with commits of its own), or whose tree has changes, runs
 * code its sessions do not: the workflows and settings it installs may be ones
 * the pinned action does not know. Pure: the checkout is read beside
 * `src/github/setup/source-ref.ts` (`checkout-state.ts`).
 */

/** What the app's checkout is: its HEAD commit and whether its tree has changes; null outside a checkout. */
export type CheckoutState = { head: string; dirty: boolean } | null;

/** The pinned source as `resolveBatonSource` read it: a commit, or why there is none. */
export type PinnedSource =
  | { ok: true; repository: string; ref: string; from: 'release' | 'variable'; tag: string | null }
  | { ok: false; reason: string };

/** A warning that says what differs and what to do; null when the app and its sessions run the same code. */
export function sourceDrift({
  checkout,
  pinned,
}: {
  checkout: CheckoutState;
  pinned: PinnedSource;
}): string | null {
  if (!pinned.ok) return `sessions have no pinned Baton source, so none can run: ${pinned.reason}`;
  // An installed copy (no checkout) is the release it was installed as.
  if (!checkout) return null;
  const short = (sha: string) => sha.slice(0, 12);
  const pin =
    pinned.from === 'release' && pinned.tag
      ? `${pinned.tag} (${short(pinned.ref)})`
      : `BATON_SOURCE_REF ${short(pinned.ref)} of ${pinned.repository}`;
  const fix =
    pinned.from === 'release' && pinned.tag
      ? `check out ${pinned.tag} (git checkout ${pinned.tag}), or push your commit to a repository sessions can fetch and set BATON_SOURCE_REPOSITORY and BATON_SOURCE_REF to it`
      : `check out ${short(pinned.ref)}, or set BATON_SOURCE_REF to the commit you run (pushed to ${pinned.repository}) and rebuild its action bundles there`;
  if (checkout.head.toLowerCase() !== pinned.ref.toLowerCase())
    return `this app runs commit ${short(checkout.head)}, but its sessions run ${pin}: workflows and settings this app installs may be unknown to the action they run. To make them agree, ${fix}.`;
  if (checkout.dirty)
    return `this app's checkout has uncommitted changes, which its sessions (${pin}) do not run. Commit and pin them, or discard them (git stash).`;
  return null;
}
