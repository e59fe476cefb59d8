import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { findNotice } from '../../src/core/vocabulary/notice.js';
import { type ActLog, act } from '../../src/github/act/act.js';
import { createRef, RefRefusedError } from '../../src/github/act/locks/refs.js';
import type { RepoContext } from '../../src/github/client/types.js';
import { BUILD, makeSnapshot } from '../core/factories.js';
import { mountReaderEachTest } from '../support/app-tests.js';
import { repoContextOn } from '../support/mount-nock.js';

describe('creating a ref: only "Reference already exists" means someone holds it', () => {
  let gh: FakeGitHub;
  let ctx: RepoContext;
  mountReaderEachTest((mounted) => ({ gh, ctx } = mounted), { context: repoContextOn });

  it('answers false for a ref that exists, true for a new one', async () => {
    const sha = gh.git.resolve('main') ?? '';
    expect(await createRef(ctx, { ref: 'refs/baton/1-x/build/lock', sha })).toBe(true);
    expect(await createRef(ctx, { ref: 'refs/baton/1-x/build/lock', sha })).toBe(false);
  });

  it.each([
    ['an invalid name', 'refs/baton/1-x/bad..name', true],
    ['a name ending in .lock', 'refs/baton/1-x/build.lock', true],
    ['a commit that does not exist', 'refs/baton/1-x/build/other', false],
  ])('throws RefRefusedError for %s', async (_name, ref, realSha) => {
    const sha = realSha ? (gh.git.resolve('main') ?? '') : 'f'.repeat(40);
    const refused = createRef(ctx, { ref, sha });
    await expect(refused).rejects.toBeInstanceOf(RefRefusedError);
    await expect(refused).rejects.toThrow(/GitHub refused to create .*reply \/status/);
  });

  it('a refused lock fails the action, logs an error and says so once on the issue', async () => {
    const issue = gh.openIssue({ title: 'Add login' });
    const sha = gh.git.resolve('main') ?? '';
    const snapshot = makeSnapshot({
      issue: { ...makeSnapshot().issue, number: issue },
      integration: { sha, containsDefault: true },
    });
    const errors: string[] = [];
    const log: ActLog = { info: () => {}, warn: () => {}, error: (_obj, msg) => errors.push(msg) };
    const refuse = () =>
      gh.faults.push({
        route: 'POST /repos/{owner}/{repo}/git/refs',
        response: { status: 422, body: { message: 'Reference name is invalid' } },
      });
    const render = {
      kind: 'render-status' as const,
      view: { phase: 'planning' as const, build: BUILD, run: null, replan: false },
    };
    for (let pass = 0; pass < 2; pass++) {
      refuse();
      const [outcome] = await act(ctx, { snapshot, actions: [render], log });
      expect(outcome?.result).toBe('failed');
      expect(outcome?.detail).toMatch(/Reference name is invalid/);
    }
    expect(errors).toEqual(['baton: render-status failed', 'baton: render-status failed']);
    const notices = gh.comments
      .filter((comment) => comment.issue === issue)
      .filter((comment) => findNotice(comment.body)?.key === 'ref-refused');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.body).toContain('Reference name is invalid');
    // Nothing else was posted: the status comment waits for a lock it could take.
    expect(gh.comments.filter((comment) => comment.issue === issue)).toHaveLength(1);
  });
});
