import type { ScratchRepo } from '../scratch-repo.js';

/** Where the bundle's head is kept in the scratch repository once verified. */
export const HEAD_REF = 'refs/baton/head';
/** Where verifying fetched the build branch (a work or fix session's). */
export const BUILD_REF = 'refs/baton/build';

/** The build branch's commit where verifying fetched it into the scratch repository, else null. */
export function fetchedBuildCommit(repo: ScratchRepo): Promise<string | null> {
  return repo.readRef(BUILD_REF);
}

/** What publish would push: the verified bundle's head in `repo`, over the dispatched `base`. */
export interface PushedRange {
  repo: ScratchRepo;
  base: string;
}

/** Git's empty tree: what a root commit is compared against. */
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/** A commit publish would push. */
export interface PushedCommit {
  commit: string;
  /** What it is compared against: its parents, or the empty tree for a root commit. */
  sides: string[];
}

/**
 * Every commit publish would push, newest first: the bundle's head back to the
 * dispatched base, the build branch's own commits left out (when verifying
 * fetched it), as verifying, the secret scan and the link check look through
 * them. Listed once a repository for the same commit ids.
 */
export async function readPushedCommits({ repo, base }: PushedRange): Promise<PushedCommit[]> {
  const build = await fetchedBuildCommit(repo);
  const head = (await repo.readRef(HEAD_REF)) ?? HEAD_REF;
  const range = [head, `^${base}`, ...(build ? [`^${build}`] : [])];
  return askedOnce(commitListsOf(repo), range, () => listCommits(repo, range));
}

/** The pushed commits listed between commit ids, by repository. */
const commitLists = new WeakMap<ScratchRepo, Map<string, Promise<PushedCommit[]>>>();

function commitListsOf(repo: ScratchRepo): Map<string, Promise<PushedCommit[]>> {
  const lists = commitLists.get(repo) ?? new Map<string, Promise<PushedCommit[]>>();
  commitLists.set(repo, lists);
  return lists;
}

async function listCommits(repo: ScratchRepo, range: string[]): Promise<PushedCommit[]> {
  const listed = await repo.must({ args: ['rev-list', '--parents', ...range] });
  return listed
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [commit = '', ...parents] = line.split(' ');
      return { commit, sides: parents.length > 0 ? parents : [EMPTY_TREE] };
    });
}

/** A path that differs between two trees, as `git diff --raw` shows it. */
export interface RawChange {
  path: string;
  oldMode: string;
  newMode: string;
  oldSha: string;
  newSha: string;
}

/**
 * Every path that differs between `from` and `to`, with its modes and blobs (a
 * rename as a delete and an add). Between two commit ids the answer cannot
 * change, so git is asked once a repository for it: publish's checks read the
 * same pushed range three or four times.
 */
export async function readRawDiff(
  repo: ScratchRepo,
  { from, to }: { from: string; to: string },
): Promise<RawChange[]> {
  return askedOnce(diffsOf(repo), [from, to], () => diffBetween(repo, from, to));
}

const COMMIT_ID = /^\^?[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * What `read` answers for `names`, asked once where every name is a commit id
 * (`^` before one leaves it out), which no fetch or push changes the answer for.
 */
function askedOnce<T>(
  asked: Map<string, Promise<T>>,
  names: string[],
  read: () => Promise<T>,
): Promise<T> {
  if (!names.every((name) => COMMIT_ID.test(name))) return read();
  const key = names.join(' ');
  const known = asked.get(key);
  if (known) return known;
  const reading = read();
  asked.set(key, reading);
  reading.catch(() => asked.delete(key));
  return reading;
}

/** The diffs read between commit ids, by repository. */
const readDiffs = new WeakMap<ScratchRepo, Map<string, Promise<RawChange[]>>>();

function diffsOf(repo: ScratchRepo): Map<string, Promise<RawChange[]>> {
  const diffs = readDiffs.get(repo) ?? new Map<string, Promise<RawChange[]>>();
  readDiffs.set(repo, diffs);
  return diffs;
}

async function diffBetween(repo: ScratchRepo, from: string, to: string): Promise<RawChange[]> {
  const raw = await repo.must({
    args: ['diff', '--raw', '-z', '--no-renames', '--no-abbrev', from, to],
  });
  const fields = raw.split('\0');
  const changes: RawChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [oldMode = '', newMode = '', oldSha = '', newSha = ''] = (fields[i] ?? '')
      .slice(1)
      .split(' ');
    changes.push({ path: fields[i + 1] ?? '', oldMode, newMode, oldSha, newSha });
  }
  return changes;
}
