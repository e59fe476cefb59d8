import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ZERO_SHA } from '../../core/doctor/doctor.js';
import type { BatonSource } from '../../core/setup/render-setup-pull.js';

/** Where the CLI source comes from, or why onboarding is off. */
export type BatonSourceRead = { ok: true; source: BatonSource } | { ok: false; reason: string };

/**
 * The release this copy of Baton is: its version's tag (`v0.2.0`) and the
 * commit the tag names, read from its own git checkout (`checkout`) or from
 * the record `npm pack` leaves in an installed copy (`package`, RELEASE_STAMP).
 * `commit` null when neither has it; then, in a checkout, `pushedHead` is its
 * HEAD where a remote already has it (a fresh clone of `main`, a fork's
 * branch): a commit sessions can fetch.
 */
export interface ReleaseRead {
  tag: string;
  commit: string | null;
  from: 'checkout' | 'package';
  pushedHead?: PushedHead | null;
}

/**
 * Where a remote has the checkout's HEAD: a GitHub repository (`owner/name`)
 * runners can fetch it from, or only a remote that is a folder on this
 * machine (`path`), which they cannot.
 */
export type PushedHead = { repository: string; commit: string } | { path: string; commit: string };

/** Where `npm pack` records the release an installed copy is (scripts/stamp-release.ts). */
export const RELEASE_STAMP = 'dist/src/release.json';

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const COMMIT = /^[0-9a-f]{40}$/;

/**
 * The Baton source the session workflow pins: `BATON_SOURCE_REPOSITORY`
 * (`owner/name`) and `BATON_SOURCE_REF` (a full commit SHA) when set; else the
 * package's own `repository` and the commit of the release it is (its
 * version's tag, `v<version>`), never the checkout's HEAD: a clone moved past
 * its release, or with commits of its own, would pin a commit its source may
 * not have. A variable that is set but malformed is an error, never silently
 * replaced. Without a release commit the reason names the one next step that
 * works there.
 */
export function resolveBatonSource({
  env,
  packageRepository,
  release,
}: {
  env: Record<string, string | undefined>;
  packageRepository: string | null;
  /** The release tag and the commit it names; null where there is neither a checkout nor a packed record. */
  release: (Omit<ReleaseRead, 'from'> & { from?: ReleaseRead['from'] }) | null;
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
  if (!ref && release) problems.push(noReleaseCommit(release, packageRepository));
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

/** Why there is no release commit, and the one step that gives sessions a commit they can fetch. */
function noReleaseCommit(
  release: Omit<ReleaseRead, 'from'> & { from?: ReleaseRead['from'] },
  packageRepository: string | null,
): string {
  const { tag } = release;
  if (release.from === 'package')
    return `BATON_SOURCE_REF is not set, and this copy of Baton is not a git checkout and was not packed from its release ${tag} (a published package records that commit): set BATON_SOURCE_REPOSITORY and BATON_SOURCE_REF (the full commit SHA sessions run)`;
  const pushed = release.pushedHead;
  if (pushed && 'repository' in pushed)
    return `BATON_SOURCE_REF is not set and the checkout has no tag ${tag} (the release this app is); the commit it runs, ${pushed.commit}, is on ${pushed.repository}: pin it, in .env, with BATON_SOURCE_REPOSITORY=${pushed.repository} and BATON_SOURCE_REF=${pushed.commit}`;
  const fetchTag = packageRepository
    ? `git fetch https://github.com/${packageRepository}.git tag ${tag}`
    : 'git fetch --tags';
  if (pushed)
    return `BATON_SOURCE_REF is not set and the checkout has no tag ${tag} (the release this app is); the commit it runs, ${pushed.commit}, is only in the folder ${pushed.path}, a remote on this machine that no runner can fetch from: fetch the tag (${fetchTag}), or push the commit to a repository on GitHub and pin it, in .env, with BATON_SOURCE_REPOSITORY=<owner/name of that repository> and BATON_SOURCE_REF=${pushed.commit}`;
  return `BATON_SOURCE_REF is not set and the checkout has no tag ${tag} (the release this app is): fetch it (${fetchTag}), or push the commit you run and set BATON_SOURCE_REPOSITORY and BATON_SOURCE_REF (the full commit SHA sessions run) to it`;
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
    release:
      root && !env.BATON_SOURCE_REF
        ? (readReleaseCommit(root, pkg?.version) ?? readReleaseStamp(root, pkg?.version))
        : null,
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
 * checkout; `commit` null when the checkout lacks the tag (then `pushedHead`
 * says where a remote has its HEAD); null outside a checkout (an installed
 * copy, no git) or inside someone else's.
 */
export function readReleaseCommit(root: string, version: unknown): ReleaseRead | null {
  if (typeof version !== 'string' || !version) return null;
  const tag = `v${version}`;
  const git = ownCheckout(root);
  if (!git) return null;
  let commit: string | null = null;
  try {
    const tagged = git(['rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`]);
    commit = COMMIT.test(tagged) ? tagged : null;
  } catch {
    commit = null;
  }
  if (commit) return { tag, commit, from: 'checkout' };
  return { tag, commit: null, from: 'checkout', pushedHead: readPushedHead(git) };
}

/**
 * HEAD and a GitHub repository one of the checkout's remotes names whose
 * fetched branches contain it; else the folder of such a remote on this
 * machine; null if none has it.
 */
function readPushedHead(git: (args: string[]) => string): PushedHead | null {
  try {
    const head = git(['rev-parse', '--verify', 'HEAD^{commit}']);
    const containing = git([
      'for-each-ref',
      '--contains',
      'HEAD',
      '--format=%(refname)',
      'refs/remotes/',
    ]);
    const remotes = new Set(
      containing
        .split('\n')
        .map((ref) => /^refs\/remotes\/([^/]+)\//.exec(ref)?.[1])
        .filter((remote): remote is string => Boolean(remote)),
    );
    if (!COMMIT.test(head)) return null;
    let local: PushedHead | null = null;
    for (const remote of remotes) {
      const url = git(['remote', 'get-url', remote]);
      if (isLocalRemote(url)) local ??= { path: url.replace(/^file:\/\//i, ''), commit: head };
      else {
        const repository = parsePackageRepository(url);
        if (repository) return { repository, commit: head };
      }
    }
    return local;
  } catch {
    return null;
  }
}

/**
 * A remote that is a folder on this machine (`/srv/baton.git`, `../baton`,
 * `file://…`), not a repository on a host: neither a URL with a scheme nor
 * git's `host:path` form. Its last two folders are no `owner/name`.
 */
function isLocalRemote(url: string): boolean {
  if (/^file:\/\//i.test(url)) return true;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return false;
  return !/^[^/\\]{2,}:/.test(url);
}

/**
 * The release an installed copy is, from the record `npm pack` wrote when it
 * packed the tagged commit (RELEASE_STAMP); `commit` null when it packed
 * anything else; null without a version.
 */
export function readReleaseStamp(root: string, version: unknown): ReleaseRead | null {
  if (typeof version !== 'string' || !version) return null;
  const tag = `v${version}`;
  try {
    const stamp = JSON.parse(readFileSync(join(root, RELEASE_STAMP), 'utf8')) as {
      tag?: unknown;
      commit?: unknown;
    };
    const commit =
      stamp.tag === tag && typeof stamp.commit === 'string' && COMMIT.test(stamp.commit)
        ? stamp.commit
        : null;
    return { tag, commit, from: 'package' };
  } catch {
    return { tag, commit: null, from: 'package' };
  }
}

/**
 * How a hint names the CLI to the person reading it: \`npx baton\` in a
 * checkout of Baton (where npx runs the checkout's own bin), and
 * \`npx @baton-dev/baton\` anywhere else (the installed package, npx's cache,
 * the action's copy), where \`npx baton\` would run npm's unrelated package
 * \`baton\`. Told by the package's own folder, not by npm's variables, which
 * describe the project the person stands in: a checkout has \`.git\` at its
 * root, and npm never packs one.
 */
export function cliCommand(root: string | null = packageRoot()): string {
  return root && existsSync(join(root, '.git')) ? 'npx baton' : 'npx @baton-dev/baton';
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
