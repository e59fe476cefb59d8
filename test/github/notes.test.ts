import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { Action } from '../../src/core/context/action.js';
import { type ActLog, act } from '../../src/github/act/act.js';
import { ensureNote, noteLockRef, noteMarker } from '../../src/github/act/ensure-note.js';
import { BUILD, makeSnapshot } from '../core/factories.js';
import { mountEachTest } from '../support/app-tests.js';
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
    expect(posted).toBe(true);
    expect(notes(issue)).toHaveLength(1);
    // Its own note, on its first line, does.
    expect(await ensureNote(repoContextOn(gh), { number: issue, key: KEY, body: 'Hi.' })).toBe(
      false,
    );
    expect(notes(issue)).toHaveLength(1);
  });
});
