/**
 * Reads the app's own checkout for `sourceDrift` (`src/core/setup/source-drift.ts`):
 * its HEAD commit and whether its tree has changes, and the source its sessions
 * pin (`findBatonSource`). The app at start, `baton setup` and `baton doctor`
 * warn with what this finds.
 */
import {
  type CheckoutState,
  type PinnedSource,
  sourceDrift,
} from '../../core/setup/source-drift.js';
import { findBatonSource, ownCheckout, packageRoot, readPackage } from './source-ref.js';

/**
 * The app's registration, which no session runs: GitHub reads it once when the
 * app is registered (Probot's setup page), and `baton doctor` compares its
 * permissions. The quick start has a person rename the app in it, so a change
 * there is no drift.
 */
export const REGISTRATION_FILE = 'app.yml';

/**
 * HEAD and dirtiness of the checkout at `root` (changes to tracked files other
 * than REGISTRATION_FILE); null when `root` is not the top of a git checkout.
 */
export function readCheckoutState(root: string): CheckoutState {
  // A package installed inside someone else's checkout is not that checkout's code.
  const git = ownCheckout(root);
  if (!git) return null;
  try {
    const head = git(['rev-parse', '--verify', 'HEAD^{commit}']);
    const dirty =
      git([
        'status',
        '--porcelain',
        '--untracked-files=no',
        '--',
        '.',
        `:(exclude)${REGISTRATION_FILE}`,
      ]) !== '';
    return { head, dirty };
  } catch {
    return null;
  }
}

/** At start: logs the warning when the app's code (at `root`) is not what its sessions run. */
export function warnSourceDrift(
  env: Record<string, string | undefined>,
  log: { warn(message: string): void },
  root: string | null = packageRoot(),
): string | null {
  const drift = findSourceDrift(env, root);
  if (drift) log.warn(`baton: ${drift}`);
  return drift;
}

/** The warning when the app's code (at `root`, this package's by default) is not what its sessions run; null when it is. */
export function findSourceDrift(
  env: Record<string, string | undefined>,
  root: string | null = packageRoot(),
): string | null {
  if (!root) return null;
  const found = findBatonSource(env, root);
  const version = readPackage(root)?.version;
  const pinned: PinnedSource = found.ok
    ? {
        ok: true,
        ...found.source,
        from: env.BATON_SOURCE_REF?.trim() ? 'variable' : 'release',
        tag: typeof version === 'string' && version ? `v${version}` : null,
      }
    : found;
  return sourceDrift({ checkout: readCheckoutState(root), pinned });
}
