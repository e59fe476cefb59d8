/**
 * The git side of the simulated GitHub, as FakeGitHub and its routes use it.
 * Two stores implement it: `GitStore` (in memory, for app tests on nock) and
 * `GitRepoStore` (a real bare repository, for the end-to-end simulator, where
 * sessions clone, commit and push with git itself).
 */
export type GitObject =
  | { type: 'blob'; content: string }
  | { type: 'tree'; entries: TreeEntry[] }
  | {
      type: 'commit';
      files: Map<string, string>;
      parents: string[];
      message: string;
      committedAt?: string;
      /** Its author, where the store records one (merges GitHub makes for a caller, pushed commits). */
      author?: GitAuthor;
      /** Signed with GitHub's key: a commit GitHub made itself (`update-branch`'s merge). */
      signedByGitHub?: boolean;
    };

/** A commit's author as git records it. */
export interface GitAuthor {
  name: string;
  email: string;
}

/**
 * A merge commit to make: `theirs` into `ours`. GitHub makes some for a caller
 * (`update-branch`: authored by the app's bot, signed with GitHub's key); a
 * test plays a person's with their `author`, signed when made in GitHub's web
 * editor ("Resolve conflicts") and not when pushed from their machine.
 */
export interface MergeRequest {
  ours: string;
  theirs: string;
  message: string;
  author?: GitAuthor;
  signed?: boolean;
}

/** One entry of a folder. */
export interface TreeEntry {
  name: string;
  type: 'blob' | 'tree';
  sha: string;
  size: number;
}

/** A blob or tree found at a path of a commit; blobs carry their text. */
export interface PathEntry {
  type: 'blob' | 'tree';
  sha: string;
  size: number;
  content?: string;
}

/** Refs by full name (`refs/heads/main`) to commit shas; a `Map` fits. */
export interface RefTable extends Iterable<[string, string]> {
  get(ref: string): string | undefined;
  set(ref: string, sha: string): unknown;
  has(ref: string): boolean;
  delete(ref: string): boolean;
  keys(): Iterable<string>;
}

/** Objects by sha; undefined for an unknown sha. */
export interface ObjectTable {
  get(sha: string): GitObject | undefined;
}

/** A commit to make: `changes` (null deletes a file) on top of `parent`. */
export interface CommitRequest {
  parent: string | null;
  changes: Record<string, string | null>;
  message: string;
}

/** What FakeGitHub needs of a git store. */
export interface GitData {
  readonly objects: ObjectTable;
  readonly refs: RefTable;
  /** Commits `changes` (null deletes a file) on top of `parent`, returning the new sha. */
  commit(request: CommitRequest): string;
  /** Commits on a branch and moves it (creates it when missing); sends no webhook. */
  commitOn(branch: string, changes: Record<string, string | null>, message?: string): string;
  /** A merge commit of two heads (conflicts are the caller's to detect first). */
  merge(request: MergeRequest): string;
  /** Paths that conflict when `theirs` is merged into `ours`. */
  conflicts(ours: string, theirs: string): string[];
  isAncestor(ancestor: string, of: string): boolean;
  /** The commit and every commit it descends from. */
  ancestors(sha: string): Set<string>;
  mergeBase(a: string, b: string): string | null;
  /** Every file of a commit, path to text; throws for an unknown commit. */
  filesOf(commitSha: string): Map<string, string>;
  /** Resolves a branch name, a full ref or a commit sha. */
  resolve(ref: string): string | null;
  entryAt(commitSha: string, path: string): PathEntry | null;
  /** The direct children of a folder in a commit, sorted by name. */
  listDir(commitSha: string, dir: string): TreeEntry[];
}
