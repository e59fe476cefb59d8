import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GitData } from '../../sim/github/git/git-data.js';
import { GitRepoStore } from '../../sim/github/git/git-repo-store.js';
import { GitStore } from '../../sim/github/store.js';

const stores: GitRepoStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.dispose();
});

function repoStore(): GitRepoStore {
  const store = new GitRepoStore();
  stores.push(store);
  return store;
}

const KINDS: [string, () => GitData][] = [
  ['in memory', () => new GitStore()],
  ['in a real repository', repoStore],
];

/** main: README + src/a.ts; ours and theirs each branch off it. */
function history(git: GitData) {
  const base = git.commitOn('main', { 'README.md': '# demo\n', 'src/a.ts': 'a\n' }, 'Initial');
  const theirs = git.commit({
    parent: base,
    changes: { 'src/a.ts': 'theirs\n', 'src/b.ts': 'b\n' },
    message: 'theirs',
  });
  const clashing = git.commit({ parent: base, changes: { 'src/a.ts': 'ours\n' }, message: 'ours' });
  const apart = git.commit({
    parent: base,
    changes: { 'README.md': null, 'docs/guide.md': 'guide\n' },
    message: 'apart',
  });
  return { base, theirs, clashing, apart };
}

describe.each(KINDS)('the git store %s', (_, make) => {
  it('commits changes and deletions on top of a parent', () => {
    const git = make();
    const { apart } = history(git);
    expect(Object.fromEntries(git.filesOf(apart))).toEqual({
      'docs/guide.md': 'guide\n',
      'src/a.ts': 'a\n',
    });
    expect(git.objects.get(apart)).toMatchObject({ type: 'commit', message: 'apart' });
  });

  it('reports a path both sides changed differently as a conflict, and nothing else', () => {
    const git = make();
    const { theirs, clashing, apart } = history(git);
    expect(git.conflicts(clashing, theirs)).toEqual(['src/a.ts']);
    expect(git.conflicts(apart, theirs)).toEqual([]);
  });

  it('merges both sides into a commit with two parents', () => {
    const git = make();
    const { base, theirs, apart } = history(git);
    const merged = git.merge({ ours: apart, theirs, message: 'Merge theirs' });
    expect(Object.fromEntries(git.filesOf(merged))).toEqual({
      'docs/guide.md': 'guide\n',
      'src/a.ts': 'theirs\n',
      'src/b.ts': 'b\n',
    });
    expect(git.objects.get(merged)).toMatchObject({ parents: [apart, theirs] });
    expect(git.isAncestor(base, merged)).toBe(true);
    expect(git.isAncestor(merged, base)).toBe(false);
    expect(git.mergeBase(apart, theirs)).toBe(base);
    expect(git.ancestors(merged)).toEqual(new Set([merged, apart, theirs, base]));
  });

  it('resolves branch names, full refs and commit shas', () => {
    const git = make();
    const { base, theirs } = history(git);
    expect(git.resolve('main')).toBe(base);
    expect(git.resolve('refs/heads/main')).toBe(base);
    expect(git.resolve('heads/main')).toBe(base);
    expect(git.resolve(theirs)).toBe(theirs);
    expect(git.resolve('nope')).toBeNull();
  });

  it('serves files and folders by path, readable again by their sha', () => {
    const git = make();
    const { theirs } = history(git);
    const file = git.entryAt(theirs, 'src/b.ts');
    expect(file).toMatchObject({ type: 'blob', size: 2, content: 'b\n' });
    expect(git.objects.get(file?.sha ?? '')).toEqual({ type: 'blob', content: 'b\n' });
    const folder = git.entryAt(theirs, 'src/');
    expect(folder?.type).toBe('tree');
    expect(git.listDir(theirs, 'src').map((e) => [e.name, e.type])).toEqual([
      ['a.ts', 'blob'],
      ['b.ts', 'blob'],
    ]);
    expect(git.objects.get(folder?.sha ?? '')).toMatchObject({ type: 'tree' });
    expect(git.entryAt(theirs, 'missing.txt')).toBeNull();
    expect(git.listDir(theirs, 'missing')).toEqual([]);
  });

  it('moves and deletes refs', () => {
    const git = make();
    const { theirs } = history(git);
    git.refs.set('refs/heads/feature', theirs);
    expect([...git.refs.keys()].sort()).toEqual(['refs/heads/feature', 'refs/heads/main']);
    expect(git.refs.delete('refs/heads/feature')).toBe(true);
    expect(git.refs.delete('refs/heads/feature')).toBe(false);
    expect(git.refs.has('refs/heads/feature')).toBe(false);
  });
});

describe('the git store in a real repository', () => {
  it('names blobs by the sha git gives them', () => {
    const git = repoStore();
    const head = git.commitOn('main', { 'hello.txt': 'hello\n' });
    const expected = execFileSync('git', ['hash-object', '--stdin'], { input: 'hello\n' })
      .toString()
      .trim();
    expect(git.entryAt(head, 'hello.txt')?.sha).toBe(expected);
  });

  it('sees what a clone pushed once it syncs its refs', () => {
    const git = repoStore();
    const base = git.commitOn('main', { 'README.md': '# demo\n' });
    const clone = mkdtempSync(join(tmpdir(), 'baton-clone-'));
    try {
      const run = (...args: string[]) =>
        execFileSync('git', args, {
          cwd: clone,
          env: {
            ...process.env,
            GIT_AUTHOR_NAME: 'T',
            GIT_AUTHOR_EMAIL: 't@example.com',
            GIT_COMMITTER_NAME: 'T',
            GIT_COMMITTER_EMAIL: 't@example.com',
          },
        })
          .toString()
          .trim();
      run('clone', '--quiet', git.gitDir, '.');
      run('commit', '--quiet', '--allow-empty', '-m', 'pushed');
      run('push', '--quiet', 'origin', 'HEAD:refs/heads/topic');
      const head = run('rev-parse', 'HEAD');
      expect(git.refs.has('refs/heads/topic')).toBe(false);
      expect(git.syncRefs()).toEqual([{ ref: 'refs/heads/topic', before: null, after: head }]);
      expect(git.resolve('topic')).toBe(head);
      expect(git.objects.get(head)).toMatchObject({ parents: [base], message: 'pushed' });
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });

  it('gives equal changes on the same parent different commits', () => {
    const git = repoStore();
    const base = git.commitOn('main', { 'a.txt': 'a\n' });
    const first = git.commit({ parent: base, changes: {}, message: 'same' });
    const second = git.commit({ parent: base, changes: {}, message: 'same' });
    expect(first).not.toBe(second);
  });
});
