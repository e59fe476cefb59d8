import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { statusLockRef } from '../../src/github/act/status-comment.js';
import { type AppHarness, labeledPayload, startApp, startReplica } from '../support/app-harness.js';
import { BUILD, installedRepo, tickingClock } from '../support/builds.js';
import { holdFirstRequest } from '../support/held-request.js';

const STATUS_MARKER = '<!-- baton:status';

describe('two replicas of the app', () => {
  let gh: FakeGitHub;
  let now: () => string;
  let apps: AppHarness[];

  beforeEach(() => {
    now = tickingClock();
    gh = installedRepo(now);
    apps = [];
  });
  afterEach(() => {
    for (const app of apps) app.stop();
  });

  /**
   * Holds the first status comment's creation until `release()`: the winner
   * of the plan dispatch is slow to post, as it was 22 ms behind the loser.
   */
  const holdFirstStatusComment = () =>
    holdFirstRequest(gh, {
      method: 'POST',
      path: /\/issues\/\d+\/comments$/,
      body: (body) => ((body as { body?: string }).body ?? '').includes(STATUS_MARKER),
    });

  const statusComments = () => gh.comments.filter((c) => c.body.includes(STATUS_MARKER));

  it('creates one status comment when the loser of the plan race reconciles again before the winner posts', async () => {
    const hold = holdFirstStatusComment();
    const a = await startApp({ gh, now });
    const b = await startReplica({ now });
    apps.push(a, b);
    const issue = gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
    const labeled = labeledPayload(gh, { issue });

    // Both replicas get the label at once; one wins the build branch.
    const first = Promise.all([a.deliver('issues', labeled), b.deliver('issues', labeled)]);
    await hold.held;
    // The winner is about to post. The other replica hears of the build again
    // (a redelivery) and reconciles: its delivery is the one that finishes
    // while the winner's queue waits on the held comment.
    const again = [a.deliver('issues', labeled), b.deliver('issues', labeled)];
    await Promise.race(again);
    const before = statusComments().length;
    hold.release();
    await Promise.all([first, ...again]);

    expect([...a.errors, ...b.errors]).toEqual([]);
    expect(gh.runs.map((run) => run.inputs.role)).toEqual(['plan']);
    expect(before).toBe(0);
    expect(statusComments()).toHaveLength(1);
    expect(gh.git.refs.has(statusLockRef(BUILD))).toBe(true);
  });
});
