import { describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import {
  CommitParents,
  Comparison,
  type GoneWhy,
  goneHead,
  type HeadReads,
  PullState,
} from '../../src/session/review-head.js';
import { asApp } from '../support/as-app.js';

/**
 * The simulator's "Compare two commits" and "Get a commit", as a review's
 * gone-head check reads them (src/session/review-head.ts): GitHub's update of
 * a branch is told from a worker's commit and from a merge of another branch.
 */
function world() {
  const gh = new FakeGitHub();
  gh.git.refs.set('refs/heads/feature', gh.git.resolve('main') ?? '');
  const asked = gh.git.commitOn('feature', { 'src/own.ts': 'mine\n' }, 'the worker');
  const pull = gh.openPull({ head: 'feature', base: 'main', title: 'W1.1', body: '', user: 'x' });
  gh.git.commitOn('main', { 'src/sibling.ts': 'theirs\n' }, 'a sibling merged');
  const get = (path: string) => {
    const answer = gh.handle({
      method: 'GET',
      path: `/repos/${gh.fullName}${path}`,
      query: new URLSearchParams(),
      body: undefined,
      headers: asApp(gh),
    });
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}`);
    return answer.body;
  };
  const reads: HeadReads = {
    compare: async (base, head) =>
      Comparison.parse(get(`/compare/${encodeURIComponent(base)}...${encodeURIComponent(head)}`)),
    parentsOf: async (sha) =>
      CommitParents.parse(get(`/commits/${sha}`)).parents.map((parent) => parent.sha),
  };
  const gone = async (): Promise<GoneWhy | null> =>
    (
      await goneHead({
        pull: PullState.parse(get(`/pulls/${pull.number}`)),
        asked,
        reads,
        log: () => undefined,
      })
    )?.why ?? null;
  const update = () =>
    gh.handle({
      method: 'PUT',
      path: `/repos/${gh.fullName}/pulls/${pull.number}/update-branch`,
      query: new URLSearchParams(),
      body: { expected_head_sha: asked },
      headers: asApp(gh),
    }).status;
  return { gh, asked, pull, get, gone, update };
}

describe('a review head moved on the simulator', () => {
  it('lists what changed from the merge base in a comparison, each file with its blob', () => {
    const { get, asked } = world();
    expect(get(`/compare/${asked}...main`)).toMatchObject({
      status: 'diverged',
      files: [{ filename: 'src/sibling.ts', status: 'added', sha: expect.any(String) }],
    });
  });

  it('tells GitHub’s update of the branch (gone) from a worker’s commit after it (reviewed)', async () => {
    const { gh, gone, update } = world();
    expect(await gone()).toBeNull();
    expect(update()).toBe(202);
    expect(await gone()).toBe('updated');
    gh.git.commitOn('feature', { 'src/own.ts': 'mine, fixed\n' }, 'a fix');
    expect(await gone()).toBeNull();
  });

  it('reviews a merge of the base that changes a file of its own as well', async () => {
    const { gh, asked, gone } = world();
    const merge = gh.git.merge({ ours: asked, theirs: gh.git.resolve('main') ?? '', message: 'm' });
    // The merge as a person's machine could make it: the base merged in, and one more change.
    const made = gh.git.objects.get(merge);
    if (made?.type !== 'commit') throw new Error('no merge');
    made.files.set('src/own.ts', 'mine, changed in the merge\n');
    gh.setBranch('feature', merge);
    expect(await gone()).toBeNull();
  });

  it('reviews a merge of a branch that is not the base, and calls a merged pull request gone', async () => {
    const { gh, asked, pull, gone } = world();
    gh.git.refs.set('refs/heads/other', gh.git.resolve('main') ?? '');
    const other = gh.git.commitOn('other', { 'src/other.ts': 'other\n' }, 'elsewhere');
    gh.setBranch('feature', gh.git.merge({ ours: asked, theirs: other, message: 'Merge other' }));
    expect(await gone()).toBeNull();
    gh.pulls.get(pull.number)!.mergedAt = '2026-01-01T00:00:00Z';
    gh.pulls.get(pull.number)!.state = 'closed';
    expect(await gone()).toBe('merged');
  });
});
