import { readObjectSizes } from '../cat-file-batch.js';
import type { RemoteAccess, ScratchRepo } from '../scratch-repo.js';
import type { ChangedFile } from './check-changes.js';
import { isSealOn } from './contract/seal-tree.js';
import { sizeOf } from './inputs/read-result.js';
import { BUILD_REF, HEAD_REF, readPushedCommits, readRawDiff } from './read-pushed-commits.js';
import { BUNDLE_MAX_BYTES } from './size-limits.js';

/** The session's changed files once its bundle passed, or why it did not. */
export type VerifiedCommits =
  | {
      ok: true;
      changes: ChangedFile[];
      alreadyPushed: boolean;
      /** The build branch's commit where it was fetched (a work or fix session's), else null. */
      buildCommit: string | null;
    }
  | { ok: false; problems: string[] };

const REMOTE_REF = 'refs/baton/remote';

/**
 * Loads the agent's bundle into the scratch repository and checks that it only
 * fast-forwards `branch` from `base`, with the remote branch still at `base`
 * (or already at `head`, when this publish is run again).
 *
 * A branch the session opens may not exist yet: then `base` must be a commit
 * of the branch it was dispatched on (`opensFrom`): the default branch (the
 * remote's `HEAD`) for a learn session's `baton/<build>/memory`, the build
 * branch for a worker's first attempt.
 *
 * Returns the files the session changed, for the per-path checks. When
 * `buildBranch` is given (a worker branch's build branch), paths whose new
 * content is exactly the build branch's are left out: a fix that merges the
 * build branch brings other workers' merged files, which are not its own.
 */
export async function verifyCommits({
  repo,
  remote,
  token,
  branch,
  buildBranch,
  base,
  head,
  bundlePath,
  opensFrom = null,
}: RemoteAccess & {
  branch: string;
  buildBranch: string | null;
  base: string;
  head: string;
  bundlePath: string;
  /** The remote ref (`HEAD`, `refs/heads/…`) a branch that does not exist yet starts from; null: it must exist. */
  opensFrom?: string | null;
}): Promise<VerifiedCommits> {
  const size = await sizeOf(bundlePath);
  if (size === null) return refuse('the result names a new head, but commits.bundle is missing');
  if (size > BUNDLE_MAX_BYTES) {
    return refuse(`commits.bundle is ${size} bytes; at most ${BUNDLE_MAX_BYTES} are accepted`);
  }
  const remoteHead = await fetchRemoteBranch({ repo, remote, token, branch, ref: REMOTE_REF });
  if (remoteHead === null && opensFrom !== null) {
    const problem = await baseOn({ repo, remote, token, base, from: opensFrom });
    if (problem) return refuse(problem);
  } else if (remoteHead === null) return refuse(`${branch} does not exist on the remote`);
  // At `head` already (or at the seal publish commits on it): an earlier attempt of this
  // publish pushed, then failed later.
  const alreadyPushed =
    remoteHead === head ||
    (remoteHead !== null && (await isSealOn((args) => repo.run({ args }), remoteHead, head)));
  if (remoteHead !== null && remoteHead !== base && !alreadyPushed) {
    return refuse(
      `${branch} has moved since the session started (it was at ${base}, it is at ${remoteHead}); the work must be redone on the new head`,
    );
  }
  const loaded = await loadBundle({ repo, bundlePath, head });
  if (loaded) return refuse(loaded);
  const ancestor = await repo.run({ args: ['merge-base', '--is-ancestor', base, HEAD_REF] });
  if (ancestor.code !== 0) {
    return refuse(`the bundle's head ${head} does not fast-forward ${branch} from ${base}`);
  }
  const build = buildBranch
    ? await fetchRemoteBranch({ repo, remote, token, branch: buildBranch, ref: BUILD_REF })
    : null;
  const newHead = (await repo.readRef(HEAD_REF)) ?? HEAD_REF;
  const endState = await listChanges(repo, base, newHead);
  const ownEndState =
    build === null ? endState : await keepDifferentFrom(repo, build, newHead, endState);
  // Every commit, not only the end state: a change made and undone later still reached the branch.
  const everyCommit = await listCommitChanges(repo, base);
  return {
    ok: true,
    changes: mergeChanges([...ownEndState, ...everyCommit]),
    alreadyPushed,
    buildCommit: build,
  };
}

/** Why `base` cannot start a new branch: it is not a commit of the remote's `from`. */
async function baseOn({
  repo,
  remote,
  token,
  base,
  from,
}: RemoteAccess & { base: string; from: string }): Promise<string | null> {
  await repo.must({
    args: ['fetch', '--no-tags', '--quiet', remote, `+${from}:${REMOTE_REF}`],
    token,
  });
  const onIt = await repo.run({ args: ['merge-base', '--is-ancestor', base, REMOTE_REF] });
  const where = from === 'HEAD' ? 'the default branch' : from.replace(/^refs\/heads\//, '');
  return onIt.code === 0
    ? null
    : `the session's base ${base} is not a commit of ${where}, where its new branch starts`;
}

function refuse(problem: string): VerifiedCommits {
  return { ok: false, problems: [problem] };
}

/** Fetches a remote branch into `ref`; null when the remote has no such branch. */
async function fetchRemoteBranch({
  repo,
  remote,
  token,
  branch,
  ref,
}: RemoteAccess & {
  branch: string;
  ref: string;
}): Promise<string | null> {
  const listed = await repo.must({ args: ['ls-remote', remote, `refs/heads/${branch}`], token });
  if (!listed.trim()) return null;
  await repo.must({
    args: ['fetch', '--no-tags', '--quiet', remote, `+refs/heads/${branch}:${ref}`],
    token,
  });
  const fetched = await repo.readRef(ref);
  if (fetched === null) throw new Error(`git fetch left no ${ref} for ${branch}`);
  return fetched;
}

/** Returns why the bundle is refused, or null once its head is at HEAD_REF. */
async function loadBundle({
  repo,
  bundlePath,
  head,
}: {
  repo: ScratchRepo;
  bundlePath: string;
  head: string;
}): Promise<string | null> {
  const verified = await repo.run({ args: ['bundle', 'verify', '--quiet', bundlePath] });
  if (verified.code !== 0) return `commits.bundle does not verify: ${verified.stderr.trim()}`;
  const heads = (await repo.must({ args: ['bundle', 'list-heads', bundlePath] }))
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ') as [string, string]);
  const others = heads.filter(([sha]) => sha !== head).map(([, ref]) => ref);
  if (others.length > 0)
    return `commits.bundle carries refs other than the session's head: ${others.join(', ')}`;
  const ref = heads[0]?.[1];
  if (!ref) return `commits.bundle has no ref at the result's head ${head}`;
  await repo.must({ args: ['fetch', '--no-tags', '--quiet', bundlePath, `+${ref}:${HEAD_REF}`] });
  return null;
}

/** Paths of `changes` whose content at the new head differs from `commit`'s. */
async function keepDifferentFrom(
  repo: ScratchRepo,
  commit: string,
  head: string,
  changes: ChangedFile[],
): Promise<ChangedFile[]> {
  const differ = new Set((await listChanges(repo, commit, head)).map((change) => change.path));
  return changes.filter((change) => differ.has(change.path));
}

/**
 * What each commit between `base` and the new head changes, commits of the
 * build branch (where it was fetched) left out: a plain commit against its
 * parent, a merge by the paths that differ from every parent (what the merge
 * itself brought, not what either side had).
 */
async function listCommitChanges(repo: ScratchRepo, base: string): Promise<ChangedFile[]> {
  const changes: ChangedFile[] = [];
  for (const { commit, sides } of await readPushedCommits({ repo, base })) {
    const perParent = await Promise.all(sides.map((side) => listChanges(repo, side, commit)));
    const [first = [], ...others] = perParent;
    const inEvery = others.map((list) => new Set(list.map((change) => change.path)));
    changes.push(...first.filter((change) => inEvery.every((paths) => paths.has(change.path))));
  }
  return changes;
}

/** One entry per path, with the largest size any commit gave it. */
function mergeChanges(changes: ChangedFile[]): ChangedFile[] {
  const byPath = new Map<string, ChangedFile>();
  for (const change of changes) {
    const seen = byPath.get(change.path);
    if (!seen || (change.size ?? -1) > (seen.size ?? -1)) byPath.set(change.path, change);
  }
  return [...byPath.values()];
}

/** Every path that differs between `from` and `to`, with its new size. */
async function listChanges(repo: ScratchRepo, from: string, to: string): Promise<ChangedFile[]> {
  const entries = await readRawDiff(repo, { from, to });
  const blobs = entries.filter((entry) => entry.newMode !== '000000' && entry.newMode !== '160000');
  const names = blobs.map((entry) => entry.newSha);
  const read = await readObjectSizes(repo, names);
  const sizes = new Map(names.map((sha, i) => [sha, read[i] ?? null]));
  return entries.map((entry) => ({ path: entry.path, size: sizes.get(entry.newSha) ?? null }));
}
