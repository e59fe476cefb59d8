import { quotedValue } from '../../../core/vocabulary/quoted-value.js';
import type { ScratchRepo } from '../scratch-repo.js';
import {
  EMPTY_TREE,
  type PushedRange,
  readPushedCommits,
  readRawDiff,
} from './read-pushed-commits.js';

const SYMLINK = '120000';
const GITLINK = '160000';
/** Linux follows at most 40 links in one lookup; a longer chain is refused, not guessed at. */
const HOPS_MAX = 40;
/** The longest target a link can hold (PATH_MAX less its NUL); a longer one is refused unread. */
const TARGET_MAX_BYTES = 4095;
/** Names looked at while resolving one link, every way of reading the tree together. */
const STEPS_MAX = 10_000;

/**
 * Looks through every commit publish would push (the bundle's head back to
 * the dispatched base, the build branch's own commits left out, as
 * `scanCommits` does) for what the diff reviewers read does not show:
 *
 * - a submodule (gitlink) it adds or changes: reviewers see a commit id, and CI
 *   that checks out submodules fetches code no one reviewed;
 * - a symbolic link that, in the commit's tree, is absolute, resolves outside
 *   the repository or to its root, or goes through `.git`: a later workflow
 *   that follows links (a docs upload, an artifact, Pages) would publish a
 *   runner file such as `/proc/self/environ`, or the checkout's credentials.
 *
 * Links are resolved as the runner's file system would: from the link's own
 * folder, through the tree's other links (a link to a folder changes where a
 * later `..` leads), also matching names without case (macOS and Windows
 * runners). A link the commit leaves unsafe is refused unless a parent had it
 * unsafe already with the same target (the repository's own, or the build
 * branch's), so a change that makes an existing link escape is refused too.
 * A merge is held to what it brings itself, as the path rules hold it.
 */
export async function checkLinks(range: PushedRange): Promise<string[]> {
  const { repo } = range;
  const trees = treeLinks(repo);
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const { commit, sides } of await readPushedCommits(range)) {
    for (const found of await checkCommit(repo, trees, commit, sides)) {
      // The same link or submodule in several commits is reported once, at the newest.
      if (!seen.has(found.key)) problems.push(found.problem);
      seen.add(found.key);
    }
  }
  return problems;
}

interface Found {
  key: string;
  problem: string;
}

async function checkCommit(
  repo: ScratchRepo,
  trees: TreeLinks,
  commit: string,
  sides: string[],
): Promise<Found[]> {
  const perParent = await Promise.all(
    sides.map((parent) => readRawDiff(repo, { from: parent, to: commit })),
  );
  const [first = [], ...others] = perParent;
  const inEvery = others.map((list) => new Set(list.map((entry) => entry.path)));
  const found: Found[] = first
    .filter((entry) => entry.newMode === GITLINK)
    .filter((entry) => inEvery.every((paths) => paths.has(entry.path)))
    .map((entry) => ({
      key: `gitlink ${entry.path} ${entry.newSha}`,
      problem: gitlinkProblem(entry.path, entry.newSha, commit),
    }));
  const linksMoved = perParent.some((list) =>
    list.some((entry) => entry.oldMode === SYMLINK || entry.newMode === SYMLINK),
  );
  if (!linksMoved) return found;
  const links = await trees.read(commit);
  for (const [path, link] of links.byPath) {
    const unsafe = judgeLink(path, links);
    if (unsafe === null) continue;
    let inherited = false;
    for (const parent of sides) {
      const before = await trees.read(parent);
      if (before.byPath.get(path)?.sha !== link.sha) continue;
      if (judgeLink(path, before) !== null) inherited = true;
    }
    if (inherited) continue;
    found.push({
      key: `symlink ${path} ${link.sha} ${unsafe.why} ${unsafe.via.join(' ')}`,
      problem: symlinkProblem(path, link.target, unsafe, commit),
    });
  }
  return found;
}

function gitlinkProblem(path: string, sha: string, commit: string): string {
  return `${path} is a submodule (a gitlink to commit ${sha.slice(0, 12)}), commit ${commit.slice(0, 12)}: reviewers see only a commit id, and CI that checks out submodules would fetch code no one reviewed. Sessions never add or change submodules: remove it from every commit of the session (a later commit that removes it is not enough) and commit the code itself, or leave the submodule to a person's own pull request, and run the session again`;
}

function symlinkProblem(
  path: string,
  target: string | null,
  unsafe: Unsafe,
  commit: string,
): string {
  const shown =
    target === null ? `a target over ${TARGET_MAX_BYTES} bytes` : quotedValue(target, 100);
  return `${path} is a symbolic link to ${shown}, commit ${commit.slice(0, 12)}: ${describeUnsafe(unsafe)}; a workflow that follows links (a docs upload, an artifact, Pages) would publish what it points at, and reviewers see only one line. Sessions commit only relative links that stay inside the repository and out of .git: replace it in every commit of the session (a later commit that changes it is not enough) with the file itself or such a link, and run the session again`;
}

function describeUnsafe({ why, via }: Unsafe): string {
  const through = via.length > 0 ? ` through ${via.join(', ')}` : '';
  switch (why) {
    case 'absolute':
      return via.length > 0
        ? `it resolves outside the repository${through}, a link to an absolute path`
        : 'its target is an absolute path, outside the repository';
    case 'outside':
      return `it resolves outside the repository${through}`;
    case 'git':
      return `it goes through .git${through}, where the checkout keeps the repository's credentials`;
    case 'root':
      return `it resolves to the repository's root${through}, whose .git holds the checkout's credentials`;
    case 'loop':
      return `it follows more than ${HOPS_MAX} links${through}, or a loop of them`;
    case 'long':
      return via.length > 0
        ? `it resolves${through}, a link longer than any path`
        : 'its target is longer than any path';
    default: {
      const _exhaustive: never = why;
      return _exhaustive;
    }
  }
}

/** A link of a tree: its blob, and its target (null when longer than a link can be). */
interface Link {
  sha: string;
  target: string | null;
}

/** A tree's symbolic links, by path and by path without case. */
interface Links {
  byPath: Map<string, Link>;
  byFoldedPath: Map<string, string[]>;
}

interface TreeLinks {
  read(commit: string): Promise<Links>;
}

/** Reads a commit's links once (`ls-tree -r`), their targets once per blob. */
function treeLinks(repo: ScratchRepo): TreeLinks {
  const trees = new Map<string, Promise<Links>>();
  const targets = new Map<string, string | null>();
  const load = async (commit: string): Promise<Links> => {
    const links: Links = { byPath: new Map(), byFoldedPath: new Map() };
    if (commit === EMPTY_TREE) return links;
    const listed = await repo.must({ args: ['ls-tree', '-r', '-z', '--full-tree', commit] });
    const found: Array<{ path: string; sha: string }> = [];
    for (const entry of listed.split('\0').filter(Boolean)) {
      const tab = entry.indexOf('\t');
      const [mode, , sha = ''] = entry.slice(0, tab).split(' ');
      if (mode === SYMLINK) found.push({ path: entry.slice(tab + 1), sha });
    }
    await readTargets(
      repo,
      found.map((link) => link.sha).filter((sha) => !targets.has(sha)),
      targets,
    );
    for (const { path, sha } of found) {
      links.byPath.set(path, { sha, target: targets.get(sha) ?? null });
      const folded = fold(path);
      links.byFoldedPath.set(folded, [...(links.byFoldedPath.get(folded) ?? []), path]);
    }
    return links;
  };
  return {
    read(commit) {
      const known = trees.get(commit) ?? load(commit);
      trees.set(commit, known);
      return known;
    },
  };
}

/** Fills `targets` with each blob's text up to its first NUL (where a checkout's `symlink()` stops). */
async function readTargets(
  repo: ScratchRepo,
  shas: string[],
  targets: Map<string, string | null>,
): Promise<void> {
  const unique = [...new Set(shas)];
  if (unique.length === 0) return;
  const checked = await repo.must({
    args: ['cat-file', '--batch-check=%(objectname) %(objectsize)'],
    input: `${unique.join('\n')}\n`,
  });
  const short: string[] = [];
  for (const line of checked.split('\n').filter(Boolean)) {
    const [sha = '', size = ''] = line.split(' ');
    if (!/^\d+$/.test(size)) throw new Error(`git cat-file: no blob ${sha} for a link`);
    if (Number(size) > TARGET_MAX_BYTES) targets.set(sha, null);
    else short.push(sha);
  }
  if (short.length === 0) return;
  const read = await repo.run({ args: ['cat-file', '--batch'], input: `${short.join('\n')}\n` });
  if (read.code !== 0) throw new Error(`git cat-file --batch failed: ${read.stderr.trim()}`);
  const bytes = read.bytes ?? Buffer.from(read.stdout);
  let at = 0;
  while (at < bytes.length) {
    const end = bytes.indexOf(0x0a, at);
    if (end < 0) break;
    const [sha = '', , size = ''] = bytes.subarray(at, end).toString('latin1').split(' ');
    const content = bytes.subarray(end + 1, end + 1 + Number(size));
    const nul = content.indexOf(0);
    targets.set(sha, (nul < 0 ? content : content.subarray(0, nul)).toString('utf8'));
    at = end + 1 + Number(size) + 1;
  }
}

type Why = 'absolute' | 'outside' | 'git' | 'root' | 'loop' | 'long';

/** Why a link is unsafe, and the other links its resolution went through. */
interface Unsafe {
  why: Why;
  via: string[];
}

/** One way through the tree: the real folder reached, the names left, the links followed. */
interface Walk {
  dir: string[];
  pending: string[];
  hops: number;
  via: string[];
}

/**
 * Resolves the link at `path` in a tree's links; null when it stays inside
 * the repository, below its root and out of `.git`. A name that matches a
 * link only without case is read both ways (a folder on a case-sensitive
 * runner, the link elsewhere), and every way must be safe.
 */
function judgeLink(path: string, links: Links): Unsafe | null {
  const start: Walk = { dir: path.split('/').slice(0, -1), pending: [], hops: 0, via: [] };
  const begun = follow(path, start, links);
  if ('why' in begun) return { ...begun, via: [] };
  const todo: Walk[] = [begun];
  let steps = 0;
  for (let walk = todo.pop(); walk; walk = todo.pop()) {
    const via = walk.via.slice(1);
    for (;;) {
      const name = walk.pending.shift();
      if (name === undefined) {
        if (walk.dir.length === 0) return { why: 'root', via };
        break;
      }
      steps += 1;
      if (steps > STEPS_MAX) return { why: 'loop', via };
      if (name === '' || name === '.') continue;
      if (isGitName(name)) return { why: 'git', via };
      if (name === '..') {
        if (walk.dir.length === 0) return { why: 'outside', via };
        walk.dir.pop();
        continue;
      }
      const at = [...walk.dir, name].join('/');
      // Every link the name may open on some runner (two that differ in case share one file on
      // macOS); a name not UTF-8 reads as U+FFFD here, like other such names, so never exactly.
      const exact = links.byPath.has(at) && !at.includes('\uFFFD');
      const matches = links.byFoldedPath.get(fold(at)) ?? [];
      if (matches.length === 0) {
        walk.dir.push(name);
        continue;
      }
      for (const match of matches) {
        const next = follow(match, walk, links);
        if ('why' in next) return { ...next, via: next.via.slice(1) };
        todo.push(next);
      }
      // Matched only as folded: on a case-sensitive runner the name is a folder.
      if (!exact) todo.push({ ...walk, dir: [...walk.dir, name], pending: [...walk.pending] });
      break;
    }
  }
  return null;
}

/** The walk after following the link at `path` from the folder `walk` is in. */
function follow(path: string, walk: Walk, links: Links): Walk | Unsafe {
  const via = [...walk.via, path];
  const target = links.byPath.get(path)?.target ?? null;
  if (walk.hops + 1 > HOPS_MAX) return { why: 'loop', via };
  if (target === null) return { why: 'long', via };
  if (/^(?:[\\/]|[A-Za-z]:)/.test(target)) return { why: 'absolute', via };
  return {
    dir: [...walk.dir],
    pending: [...target.split(/[\\/]/), ...walk.pending],
    hops: walk.hops + 1,
    via,
  };
}

/** `.git` as a runner may spell it: folded, trailing dots or spaces (Windows), its short name. */
function isGitName(name: string): boolean {
  const plain = fold(name).replace(/[. ]+$/, '');
  return plain === '.git' || plain === 'git~1';
}

/** Characters macOS leaves out of names (as git's `is_hfs_dotgit` does). */
const IGNORED = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g;

/**
 * A name as a case-insensitive runner (macOS, Windows) may match it: without
 * case, Unicode forms or ignored characters. Folding more than a file system
 * does only reads more names both ways.
 */
function fold(name: string): string {
  return name.replace(IGNORED, '').normalize('NFKC').toLowerCase();
}
