import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ZERO_SHA } from '../../core/doctor/doctor.js';
import type { BatonSource } from '../../core/setup/render-setup-pull.js';

/** Where the CLI source comes from, or why onboarding is off. */
export type BatonSourceRead = { ok: true; source: BatonSource } | { ok: false; reason: string };

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const COMMIT = /^[0-9a-f]{40}$/;

/**
 * The Baton source the session workflow pins: `BATON_SOURCE_REPOSITORY`
 * (`owner/name`) and `BATON_SOURCE_REF` (a full commit SHA) when set; else the
 * package's own `repository` and the commit of the release it is (its
 * version's tag, `v<version>`), never the checkout's HEAD: a clone moved past
 * its release, or with commits of its own, would pin a commit its source may
 * not have. A variable that is set but malformed is an error, never silently
 * replaced.
 */
export function resolveBatonSource({
  env,
  packageRepository,
  release,
}: {
  env: Record<string, string | undefined>;
  packageRepository: string | null;
  /** The release tag (`v0.1.0`) and the commit it names in the checkout; null where there is no checkout. */
  release: { tag: string; commit: string | null } | null;
}): BatonSourceRead {
  const repository = env.BATON_SOURCE_REPOSITORY?.trim() || packageRepository;
  const ref = env.BATON_SOURCE_REF?.trim().toLowerCase() || release?.commit;
  const problems: string[] = [];
  if (!repository)
    problems.push(
      "BATON_SOURCE_REPOSITORY is not set and package.json names no repository (owner/name of Baton's source)",
    );
  else if (!REPOSITORY.test(repository))
    problems.push(`BATON_SOURCE_REPOSITORY must be owner/name, not "${repository}"`);
  if (!ref && release)
    problems.push(
      `BATON_SOURCE_REF is not set and the checkout has no tag ${release.tag} (the release this app is): fetch the tags (git fetch --tags) and check out ${release.tag}, or set BATON_SOURCE_REPOSITORY (owner/name of Baton's source) and BATON_SOURCE_REF (the full commit SHA sessions run)`,
    );
  else if (!ref)
    problems.push(
      'BATON_SOURCE_REF is not set and the app does not run from a git checkout (the full commit SHA sessions run)',
    );
  else if (!COMMIT.test(ref))
    problems.push(`BATON_SOURCE_REF must be a full 40-character commit SHA, not "${ref}"`);
  // deploy/k8s ships zeros as a placeholder: git's "no commit", which no runner can fetch.
  else if (ZERO_SHA.test(ref))
    problems.push(
      `BATON_SOURCE_REF is the all-zero placeholder, which no runner can fetch: set it to the commit of ${repository ?? "Baton's source"} the sessions run`,
    );
  if (!repository || !ref || problems.length > 0) {
    return {
      ok: false,
      reason: `onboarding is off: ${problems.join('; ')}. Set BATON_SOURCE_REPOSITORY and BATON_SOURCE_REF so the "Set up Baton" pull request can pin the session workflow.`,
    };
  }
  return { ok: true, source: { repository, ref } };
}

/** `owner/name` from a package.json `repository` field, in any of npm's spellings. */
export function parsePackageRepository(field: unknown): string | null {
  const value =
    typeof field === 'string'
      ? field
      : typeof field === 'object' && field !== null && 'url' in field
        ? String((field as { url: unknown }).url)
        : '';
  const short = /^(?:github:)?([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)$/.exec(value);
  if (short?.[1]) return short[1].replace(/\.git$/, '');
  // https://host/owner/name(.git), git+https://…, git@host:owner/name.git, ssh://git@host/owner/name
  const url = /[/:]([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(value);
  return url ? `${url[1]}/${url[2]}` : null;
}

/** Reads the environment, the package's `repository`, and its release's commit, once at start. */
export function findBatonSource(
  env: Record<string, string | undefined>,
  root: string | null = packageRoot(),
): BatonSourceRead {
  const pkg = root ? readPackage(root) : null;
  return resolveBatonSource({
    env,
    packageRepository: parsePackageRepository(pkg?.repository),
    release: root && !env.BATON_SOURCE_REF ? readReleaseCommit(root, pkg?.version) : null,
  });
}

export function readPackage(root: string): { repository?: unknown; version?: unknown } | null {
  try {
    return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      repository?: unknown;
      version?: unknown;
    };
  } catch {
    return null;
  }
}

/**
 * The commit the package's release tag (`v<version>`) names in its own
 * checkout; `commit` null when the checkout lacks the tag; null outside a
 * checkout (an installed copy, no git) or inside someone else's.
 */
export function readReleaseCommit(
  root: string,
  version: unknown,
): { tag: string; commit: string | null } | null {
  if (typeof version !== 'string' || !version) return null;
  const tag = `v${version}`;
  const git = ownCheckout(root);
  if (!git) return null;
  try {
    const commit = git(['rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`]);
    return { tag, commit: COMMIT.test(commit) ? commit : null };
  } catch {
    return { tag, commit: null };
  }
}

/** The nearest folder above this module with a package.json: the Baton package. */
export function packageRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * Runs git in the checkout whose top is `root`, or null when `root` is not
 * the top of a checkout: a package installed inside someone else's checkout
 * must neither pin nor judge that checkout's commits.
 */
export function ownCheckout(root: string): ((args: string[]) => string) | null {
  const git = (args: string[]) =>
    execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5_000,
    }).trim();
  try {
    const top = git(['rev-parse', '--show-toplevel']);
    return top && realpathSync(top) === realpathSync(root) ? git : null;
  } catch {
    return null;
  }
}
