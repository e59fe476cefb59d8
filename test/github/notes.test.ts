import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { Action } from '../../src/core/context/action.js';
import { noteMarker } from '../../src/core/vocabulary/notice.js';
import { type ActLog, act } from '../../src/github/act/act.js';
import { ensureNote, noteLockRef } from '../../src/github/act/ensure-note.js';
import { observeBuild } from '../../src/github/observe/observe-build.js';
import { BUILD, makeSnapshot } from '../core/factories.js';
import { mountEachTest, repoContextOf } from '../support/app-tests.js';
import { landPlan } from '../support/builds.js';
import { repoContextOn } from '../support/mount-nock.js';

const quiet: ActLog = { info: () => {}, warn: () => {}, error: () => {} };
const KEY = 'needs-human:W1.1:changes-requested:abc1234';

describe('a note (a comment posted once, by its marker)', () => {
  let gh: FakeGitHub;
  mountEachTest((repo) => {
    gh = repo;
  });

  const notes = (issue: number) =>
    gh.comments.filter((c) => c.issue === issue && c.body.startsWith(noteMarker(KEY)));

  it('is posted once by two replicas that act on the same truth at once', async () => {
    const issue = gh.openIssue({ title: 'Add login' });
    const sha = gh.git.resolve(gh.defaultBranch) ?? '';
    const base = makeSnapshot();
    const snapshot = makeSnapshot({
      issue: { ...base.issue, number: issue },
      repo: { ...base.repo, defaultSha: sha },
      integration: null,
    });
    const comment: Action = { kind: 'comment', number: issue, key: KEY, body: 'W1.1 needs you.' };
    // Two processes, each its own client: both list the comments before either posts.
    const outcomes = await Promise.all(
      [repoContextOn(gh), repoContextOn(gh)].map((ctx) =>
        act(ctx, { snapshot, actions: [comment], log: quiet }),
      ),
    );
    expect(outcomes.map(([outcome]) => outcome?.result).sort()).toEqual(['done', 'unchanged']);
    expect(notes(issue)).toHaveLength(1);
    expect(gh.git.resolve(noteLockRef(BUILD, KEY))).toBe(sha);
  });

  it('is not held back by a Baton comment that quotes its marker further down', async () => {
    const issue = gh.openIssue({ title: 'Add login' });
    // A Baton comment that shows outside text: the status comment quotes a failed session's
    // own reason (model text, in a code span), which someone steered to carry the marker.
    gh.addComment({
      issue,
      user: gh.botLogin,
      body: `<!-- baton:status build=${BUILD} -->\n| W1.2 | failed: \`${noteMarker(KEY)}\` |`,
    });
    const posted = await ensureNote(repoContextOn(gh), { number: issue, key: KEY, body: 'Hi.' });
    expect(posted).toEqual({ id: expect.any(Number), at: expect.any(String) });
    expect(notes(issue)).toHaveLength(1);
    // Its own note, on its first line, does.
    expect(await ensureNote(repoContextOn(gh), { number: issue, key: KEY, body: 'Hi.' })).toBe(
      null,
    );
    expect(notes(issue)).toHaveLength(1);
  });

  it('seen by the build read is not looked for again: no listing of the conversation', async () => {
    const issue = gh.openIssue({ title: 'Add login', labels: ['orchestrate'] });
    landPlan(gh, { build: BUILD, issue, workers: [{ id: 'W1.1' }] });
    gh.git.commitOn(`baton/${BUILD}/W1.1`, { 'w.txt': 'w' }, 'work');
    const pull = gh.openPull({
      title: 'W1.1',
      body: 'Work.',
      head: `baton/${BUILD}/W1.1`,
      base: `baton/${BUILD}/integration`,
      user: gh.botLogin,
    });
    const ctx = repoContextOn(gh);
    const comment: Action = { kind: 'comment', number: pull.number, key: KEY, body: 'Hi.' };
    const read = () =>
      observeBuild(repoContextOf(gh), { build: BUILD, issue, defaultBranch: gh.defaultBranch });
    const before = (await read()).snapshot;
    expect(before.notes ?? []).toEqual([]);
    const [first] = await act(ctx, { snapshot: before, actions: [comment], log: quiet });
    expect(first?.result).toBe('done');
    // Another's comment carrying the marker, and Baton's quoting it further down, are no note.
    gh.addComment({ issue: pull.number, user: 'mallory', body: `${noteMarker('forged')}\nHi.` });
    gh.addComment({ issue, user: gh.botLogin, body: `Quoted: ${noteMarker('quoted')}` });
    const after = (await read()).snapshot;
    expect(after.notes).toEqual([{ number: pull.number, key: KEY }]);
    const listed = gh.log.length;
    const [again] = await act(ctx, { snapshot: after, actions: [comment], log: quiet });
    expect(again?.result).toBe('unchanged');
    expect(gh.log.slice(listed).map((entry) => entry.route)).toEqual([]);
    // A note the read did not see is looked for, and found: still posted once.
    const [stale] = await act(ctx, { snapshot: before, actions: [comment], log: quiet });
    expect(stale?.result).toBe('unchanged');
    expect(notes(pull.number)).toHaveLength(1);
  });
});
