import { createHash } from 'node:crypto';
import { commitOnBranch } from './git/commit-on-branch.js';
import type {
  CommitRequest,
  GitData,
  GitObject,
  MergeRequest,
  PathEntry,
  TreeEntry,
} from './git/git-data.js';

export type { GitObject, TreeEntry } from './git/git-data.js';

/**
 * The git side of the simulated GitHub, in memory: content-addressed blobs and
 * trees, commits, and refs. Shas are real sha1s of what they name, so caches
 * keyed by sha behave as they do against GitHub.
 */
export class GitStore implements GitData {
  readonly objects = new Map<string, GitObject>();
  readonly refs = new Map<string, string>();
  #clock = 0;

  /** Commits `changes` (null deletes a file) on top of `parent`, returning the new sha. */
  commit({ parent, changes, message }: CommitRequest): string {
    const files = new Map(parent ? this.filesOf(parent) : []);
    for (const [path, content] of Object.entries(changes)) {
      if (content === null) files.delete(path);
      else files.set(path, content);
    }
    const sha = hash(`commit ${this.#clock++} ${parent ?? ''} ${message}`);
    this.objects.set(sha, { type: 'commit', files, parents: parent ? [parent] : [], message });
    return sha;
  }

  /** Commits on a branch and moves it (creates it when missing). */
  commitOn(branch: string, changes: Record<string, string | null>, message = 'change'): string {
    return commitOnBranch(this, { branch, changes, message });
  }

  /** A merge commit of two heads: what `theirs` changed since their base over `ours` (conflicts are the caller's to detect). */
  merge({ ours, theirs, message, author, signed }: MergeRequest): string {
    const files = new Map(this.filesOf(ours));
    const base = this.mergeBase(ours, theirs);
    const baseFiles = base ? this.filesOf(base) : new Map<string, string>();
    const theirFiles = this.filesOf(theirs);
    for (const [path, content] of theirFiles) {
      if (baseFiles.get(path) !== content) files.set(path, content);
    }
    // A file `theirs` deleted since the base goes too, where `ours` left it as it was (a revert).
    for (const [path, content] of baseFiles) {
      if (!theirFiles.has(path) && files.get(path) === content) files.delete(path);
    }
    const sha = hash(`merge ${this.#clock++} ${ours} ${theirs}`);
    this.objects.set(sha, {
      type: 'commit',
      files,
      parents: [ours, theirs],
      message,
      ...(author ? { author } : {}),
      ...(signed ? { signedByGitHub: true } : {}),
    });
    return sha;
  }

  /** Paths both sides changed differently since their merge base. */
  conflicts(ours: string, theirs: string): string[] {
    const base = this.mergeBase(ours, theirs);
    const baseFiles = base ? this.filesOf(base) : new Map<string, string>();
    const a = this.filesOf(ours);
    const b = this.filesOf(theirs);
    const paths = new Set([...a.keys(), ...b.keys()]);
    return [...paths].filter(
      (p) =>
        a.get(p) !== baseFiles.get(p) && b.get(p) !== baseFiles.get(p) && a.get(p) !== b.get(p),
    );
  }

  isAncestor(ancestor: string, of: string): boolean {
    return this.ancestors(of).has(ancestor);
  }

  ancestors(sha: string): Set<string> {
    const seen = new Set<string>();
    const stack = [sha];
    while (stack.length > 0) {
      const next = stack.pop() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      const object = this.objects.get(next);
      if (object?.type === 'commit') stack.push(...object.parents);
    }
    return seen;
  }

  mergeBase(a: string, b: string): string | null {
    const fromA = this.ancestors(a);
    // Breadth-first from b finds the nearest common ancestor.
    const queue = [b];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const next = queue.shift() as string;
      if (fromA.has(next)) return next;
      if (seen.has(next)) continue;
      seen.add(next);
      const object = this.objects.get(next);
      if (object?.type === 'commit') queue.push(...object.parents);
    }
    return null;
  }

  filesOf(commitSha: string): Map<string, string> {
    const object = this.objects.get(commitSha);
    if (object?.type !== 'commit') throw new Error(`no commit ${commitSha}`);
    return object.files;
  }

  /** Resolves a branch name, a full ref or a sha. */
  resolve(ref: string): string | null {
    if (this.objects.get(ref)?.type === 'commit') return ref;
    return (
      this.refs.get(ref) ??
      this.refs.get(`refs/heads/${ref}`) ??
      this.refs.get(`refs/${ref}`) ??
      null
    );
  }

  /** The blob or tree at `path` in a commit, stored so it can be read back by sha. */
  entryAt(commitSha: string, path: string): PathEntry | null {
    const files = this.filesOf(commitSha);
    const clean = path.replace(/^\/+|\/+$/g, '');
    const content = files.get(clean);
    if (content !== undefined) {
      return {
        type: 'blob',
        sha: this.putBlob(content),
        size: Buffer.byteLength(content),
        content,
      };
    }
    const prefix = clean ? `${clean}/` : '';
    const children = [...files.keys()].filter((p) => p.startsWith(prefix));
    if (children.length === 0) return null;
    return { type: 'tree', sha: this.putTree(commitSha, clean), size: 0 };
  }

  /** The direct children of a folder in a commit. */
  listDir(commitSha: string, dir: string): TreeEntry[] {
    const files = this.filesOf(commitSha);
    const prefix = dir ? `${dir}/` : '';
    const names = new Map<string, TreeEntry>();
    for (const [path, content] of files) {
      if (!path.startsWith(prefix)) continue;
      const [name, ...rest] = path.slice(prefix.length).split('/');
      if (!name || names.has(name)) continue;
      names.set(
        name,
        rest.length === 0
          ? { name, type: 'blob', sha: this.putBlob(content), size: Buffer.byteLength(content) }
          : { name, type: 'tree', sha: this.putTree(commitSha, `${prefix}${name}`), size: 0 },
      );
    }
    return [...names.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  putBlob(content: string): string {
    const sha = hash(`blob ${content}`);
    this.objects.set(sha, { type: 'blob', content });
    return sha;
  }

  putTree(commitSha: string, dir: string): string {
    const entries = this.listDir(commitSha, dir);
    const sha = hash(`tree ${JSON.stringify(entries)}`);
    this.objects.set(sha, { type: 'tree', entries });
    return sha;
  }
}

export function hash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}
