import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, statusBody } from '../support/builds.js';

/**
 * `/improve` on an issue with no build asks for one, through the seam every way
 * of asking goes through (`askForBuild`); the label's way is test/app/label.test.ts.
 */
describe('a /improve on an issue with no build', () => {
  let gh: FakeGitHub;
  let app: AppHarness;

  startAppEachTest((started) => ({ gh, app } = started));

  async function deliverAll(): Promise<void> {
    for (const event of gh.outbox.splice(0)) await app.deliver(event.name, event.payload);
  }

  it('from a writer starts improvement loops, with loop 1’s research, and takes the comment', async () => {
    const issue = gh.openIssue({ title: 'Add OAuth login' });
    const comment = gh.addComment({ issue, body: '/improve 2', user: 'maintainer' });
    await deliverAll();

    expect(app.errors).toEqual([]);
    expect(comment.reactions).toEqual([{ login: gh.botLogin, content: 'eyes' }]);
    expect(gh.git.refs.has(`refs/heads/baton/${BUILD}/integration`)).toBe(true);
    expect(gh.runs.map((run) => run.inputs)).toEqual([
      {
        role: 'research',
        build: BUILD,
        issue: '1',
        worker: 'L1',
        pr: '',
        trigger: `comment-${comment.id}`,
      },
    ]);
    expect(statusBody(gh, BUILD)).toContain('**Improvement loops** — 1 of 2');
  });

  it('from someone without write access starts nothing and is not answered', async () => {
    const issue = gh.openIssue({ title: 'Add OAuth login' });
    const comment = gh.addComment({ issue, body: '/improve 2', user: 'reader' });
    await deliverAll();

    expect(app.errors).toEqual([]);
    expect(comment.reactions).toEqual([]);
    expect(gh.git.refs.has(`refs/heads/baton/${BUILD}/integration`)).toBe(false);
    expect(gh.runs).toEqual([]);
    expect(gh.comments.filter((one) => one.user.login === gh.botLogin)).toEqual([]);
  });
});
