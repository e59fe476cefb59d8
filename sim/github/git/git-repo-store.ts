import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BareRepo } from './bare-repo.js';
import { commitOnBranch } from './commit-on-branch.js';
import type {
  CommitRequest,
  GitData,
  GitObject,
  MergeRequest,
  PathEntry,
  RefTable,
  TreeEntry,
} from './git-data.js';

export { gitEnv } from './bare-repo.js';

/** How a ref moved between two readings of the repository; null for absent. */
export interface RefChange {
  ref: string;
  before: string | null;
  after: string | null;
}

/** Where the repository lives. */
export interface GitRepoStoreOptions {
  /** The bare repository; created with `git init --bare` when missing. Default: a new temp folder. */
  gitDir?: string;
  /** Where the repository's HEAD points, so a clone checks it out. */
  defaultBranch?: string;
}

const SHA = /^[0-9a-f]{40}$/;

/**
 * The simulated GitHub's git data in a real bare repository, driven through
 * git itself: blobs, trees and commits have their real shas, merges and
 * conflicts are git's own (`merge-tree --write-tree`), and what sessions push
 * over HTTP is what the REST routes read. Objects never change, so they are
 * cached by sha, and so is every answer about commits named by sha (a path's
 * entry, a folder, conflicts, ancestry, merge bases): each reconcile's read
 * asks them again, and each answer was a git process the simulator waited
 * on. Refs are cached, written through, and re-read by `syncRefs` after a
 * push.
 */
export class GitRepoStore implements GitData {
  readonly repo: BareRepo;
  readonly refs: RefTable;
  readonly objects = { get: (sha: string) => this.#object(sha) };
  readonly #refs = new Map<string, string>();
  readonly #objects = new Map<string, GitObject>();
  readonly #files = new Map<string, Map<string, string>>();
  readonly #ancestors = new Map<string, Set<string>>();
  /** Answers about commits named by sha, which never change: by question and shas. */
  readonly #answers = new Map<string, unknown>();
  /** Commits made signed with GitHub's key (`MergeRequest.signed`). */
  readonly #signed = new Set<string>();
  readonly #ownsDir: boolean;

  constructor({ gitDir, defaultBranch = 'main' }: GitRepoStoreOptions = {}) {
    this.#ownsDir = !gitDir;
    this.repo = new BareRepo({
      gitDir: gitDir ?? join(mkdtempSync(join(tmpdir(), 'baton-sim-git-')), 'repo.git'),
      defaultBranch,
    });
    this.refs = refTable(this.repo, this.#refs);
    this.syncRefs();
  }

  get gitDir(): string {
    return this.repo.gitDir;
  }

  /** Re-reads every ref from the repository (after a push) and answers what moved. */
  syncRefs(): RefChange[] {
    const now = this.repo.readRefs();
    const changes: RefChange[] = [];
    for (const ref of new Set([...this.#refs.keys(), ...now.keys()])) {
      const before = this.#refs.get(ref) ?? null;
      const after = now.get(ref) ?? null;
      if (before !== after) changes.push({ ref, before, after });
    }
    this.#refs.clear();
    for (const [ref, sha] of now) this.#refs.set(ref, sha);
    return changes.sort((a, b) => a.ref.localeCompare(b.ref));
  }

  /** Deletes the repository when this store created it. */
  dispose(): void {
    if (this.#ownsDir) rmSync(join(this.gitDir, '..'), { recursive: true, force: true });
  }

  commit({ parent, changes, message }: CommitRequest): string {
    // A private index file builds the tree without a work tree.
    const env = { GIT_INDEX_FILE: join(this.gitDir, `sim-index-${process.pid}-${Date.now()}`) };
    try {
      this.repo.run(parent ? ['read-tree', parent] : ['read-tree', '--empty'], { env });
      const lines = Object.entries(changes).map(([path, content]) => {
        if (content === null) return `0 ${'0'.repeat(40)}\t${path}`;
        const blob = this.repo.run(['hash-object', '-w', '--stdin'], { input: content }).trim();
        return `100644 ${blob}\t${path}`;
      });
      if (lines.length > 0) {
        this.repo.run(['update-index', '--index-info'], { input: `${lines.join('\n')}\n`, env });
      }
      const tree = this.repo.run(['write-tree'], { env }).trim();
      return this.repo.commitTree({ tree, parents: parent ? [parent] : [], message });
    } finally {
      rmSync(env.GIT_INDEX_FILE, { force: true });
    }
  }

  commitOn(branch: string, changes: Record<string, string | null>, message = 'change'): string {
    return commitOnBranch(this, { branch, changes, message });
  }

  merge({ ours, theirs, message, author, signed }: MergeRequest): string {
    const merged = this.#mergeTree(ours, theirs, []);
    const tree = merged.stdout.split('\n')[0] ?? '';
    if (merged.code > 1 || !SHA.test(tree))
      throw new Error(`git merge-tree failed: ${ours} ${theirs}`);
    const sha = this.repo.commitTree({
      tree,
      parents: [ours, theirs],
      message,
      ...(author ? { author } : {}),
    });
    // A real signature would need GitHub's key: the store remembers which commits it signed.
    if (signed) this.#signed.add(sha);
    return sha;
  }

  conflicts(ours: string, theirs: string): string[] {
    const paths = this.#answer(['conflicts', ours, theirs], () => {
      const merged = this.#mergeTree(ours, theirs, ['--name-only', '--no-messages']);
      if (merged.code === 0) return [];
      if (merged.code !== 1) throw new Error(`git merge-tree failed: ${ours} ${theirs}`);
      return [...new Set(merged.stdout.split('\n').slice(1).filter(Boolean))];
    });
    return [...paths];
  }

  isAncestor(ancestor: string, of: string): boolean {
    return this.#answer(
      ['is-ancestor', ancestor, of],
      () => this.repo.tryRun(['merge-base', '--is-ancestor', ancestor, of]).code === 0,
    );
  }

  ancestors(sha: string): Set<string> {
    let found = this.#ancestors.get(sha);
    if (!found) {
      const listed = this.repo.tryRun(['rev-list', sha]);
      found = new Set(listed.code === 0 ? listed.stdout.split('\n').filter(Boolean) : []);
      this.#ancestors.set(sha, found);
    }
    return found;
  }

  mergeBase(a: string, b: string): string | null {
    return this.#answer(['merge-base', a, b], () => {
      const found = this.repo.tryRun(['merge-base', a, b]);
      return found.code === 0 ? found.stdout.trim() || null : null;
    });
  }

  filesOf(commitSha: string): Map<string, string> {
    const cached = this.#files.get(commitSha);
    if (cached) return cached;
    if (this.#object(commitSha)?.type !== 'commit') throw new Error(`no commit ${commitSha}`);
    const blobs = this.repo.lsTree(['-r', commitSha]).filter((entry) => entry.type === 'blob');
    const contents = this.repo.readBlobs(blobs.map((entry) => entry.sha));
    const files = new Map(blobs.map((entry, i) => [entry.path, contents[i] ?? '']));
    this.#files.set(commitSha, files);
    return files;
  }

  resolve(ref: string): string | null {
    if (SHA.test(ref) && this.#object(ref)?.type === 'commit') return ref;
    const refs = this.#refs;
    return refs.get(ref) ?? refs.get(`refs/heads/${ref}`) ?? refs.get(`refs/${ref}`) ?? null;
  }

  entryAt(commitSha: string, path: string): PathEntry | null {
    const clean = path.replace(/^\/+|\/+$/g, '');
    return this.#answer(['entry', commitSha, clean], () => this.#entryAt(commitSha, clean));
  }

  #entryAt(commitSha: string, clean: string): PathEntry | null {
    if (!clean) {
      const tree = this.repo.tryRun(['rev-parse', `${commitSha}^{tree}`]);
      return tree.code === 0 ? { type: 'tree', sha: tree.stdout.trim(), size: 0 } : null;
    }
    const entry = this.repo.lsTree([commitSha, '--', clean]).find((e) => e.path === clean);
    if (entry?.type === 'tree') return { type: 'tree', sha: entry.sha, size: 0 };
    if (entry?.type !== 'blob') return null;
    const [content = ''] = this.repo.readBlobs([entry.sha]);
    return { type: 'blob', sha: entry.sha, size: entry.size, content };
  }

  listDir(commitSha: string, dir: string): TreeEntry[] {
    const clean = dir.replace(/^\/+|\/+$/g, '');
    return [...this.#answer(['dir', commitSha, clean], () => this.#listDir(commitSha, clean))];
  }

  #listDir(commitSha: string, clean: string): TreeEntry[] {
    return this.repo
      .lsTree([clean ? `${commitSha}:${clean}` : commitSha])
      .flatMap((e): TreeEntry[] =>
        e.type === 'blob' || e.type === 'tree'
          ? [{ name: e.path, type: e.type, sha: e.sha, size: e.size }]
          : [],
      )
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * `ask`'s answer, kept when the question names commits by sha that the
   * repository has (a commit's answer never changes); a question about a ref,
   * an abbreviation or an object not pushed yet is asked each time.
   */
  #answer<T>([question, ...about]: [string, string, string], ask: () => T): T {
    const shas = question === 'entry' || question === 'dir' ? about.slice(0, 1) : about;
    if (!shas.every((sha) => this.#object(sha) !== undefined)) return ask();
    const key = `${question}\0${about.join('\0')}`;
    if (this.#answers.has(key)) return this.#answers.get(key) as T;
    const answer = ask();
    this.#answers.set(key, answer);
    return answer;
  }

  #mergeTree(ours: string, theirs: string, options: string[]) {
    return this.repo.tryRun([
      'merge-tree',
      '--write-tree',
      '--allow-unrelated-histories',
      ...options,
      ours,
      theirs,
    ]);
  }

  #object(sha: string): GitObject | undefined {
    if (!SHA.test(sha)) return undefined;
    const cached = this.#objects.get(sha);
    if (cached) return cached;
    const type = this.repo.tryRun(['cat-file', '-t', sha]);
    const object = type.code === 0 ? this.#readObject(sha, type.stdout.trim()) : undefined;
    if (object) this.#objects.set(sha, object);
    return object;
  }

  #readObject(sha: string, type: string): GitObject | undefined {
    switch (type) {
      case 'blob':
        return { type: 'blob', content: this.repo.readBlobs([sha])[0] ?? '' };
      case 'tree':
        return { type: 'tree', entries: this.#listDir(sha, '') };
      case 'commit': {
        const files = () => this.filesOf(sha);
        // The files are read when asked for: most routes want only parents and message.
        return {
          type: 'commit',
          ...this.repo.readCommit(sha),
          ...(this.#signed.has(sha) ? { signedByGitHub: true } : {}),
          get files() {
            return files();
          },
        };
      }
      default:
        return undefined;
    }
  }
}

/** The ref table: reads from the cache, writes through to the repository. */
function refTable(repo: BareRepo, refs: Map<string, string>): RefTable {
  return {
    get: (ref) => refs.get(ref),
    has: (ref) => refs.has(ref),
    keys: () => refs.keys(),
    [Symbol.iterator]: () => refs.entries(),
    set(ref, sha) {
      repo.run(['update-ref', ref, sha]);
      refs.set(ref, sha);
      return this;
    },
    delete(ref) {
      if (!refs.has(ref)) return false;
      repo.run(['update-ref', '-d', ref]);
      return refs.delete(ref);
    },
  };
}
