import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { usageRef } from '../../src/core/records/usage.js';
import { messageRef, messageRefPrefix } from '../../src/core/sessions/messages.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, pushUsageRecord, statusBody } from '../support/builds.js';
import { chainScript, driveBuild } from '../support/scripted-sessions.js';

/** W1.1's first session stays in progress until the test ends it; the others deliver. */
const script = chainScript('hold');

describe('messages to a worker’s sessions', () => {
  let gh: FakeGitHub;
  let app: AppHarness;
  startAppEachTest((started) => ({ gh, app } = started), { approved: script });

  async function say(body: string, { user = 'maintainer', on = 1 } = {}) {
    const comment = gh.addComment({ issue: on, body, user });
    await driveBuild({ gh, apps: [app], script });
    const replies = gh.comments
      .filter((c) => c.user.login === gh.botLogin && c.id > comment.id)
      .map((c) => c.body)
      .filter((b) => !b.includes('baton:status'));
    return { comment, replies };
  }

  const messageRefs = () =>
    [...gh.git.refs.keys()].filter((ref) => ref.startsWith(messageRefPrefix(BUILD)));
  const held = () =>
    gh.runs.find((run) => run.inputs.worker === 'W1.1' && run.status !== 'completed');

  it('records a writer’s /steer where the running session reads it, and shows its receipt once taken', async () => {
    const run = held();
    expect(run?.status).toBe('in_progress');
    const { comment, replies } = await say('/steer W1.1 use fetch, not axios');
    expect(comment.reactions).toEqual([{ login: gh.botLogin, content: 'eyes' }]);
    expect(replies).toEqual([]);
    expect(messageRefs()).toEqual([messageRef(BUILD, { worker: 'W1.1', comment: comment.id })]);
    expect(statusBody(gh, BUILD)).toContain("sent to W1.1's running session");

    // The session took it in at its third turn, and its publish job says so in the usage record.
    pushUsageRecord(gh, {
      ref: usageRef({ build: BUILD, runId: run?.id ?? 0, attempt: 1 }),
      usd: 0.5,
      run_id: run?.id ?? 0,
      messages: [{ comment: comment.id, turn: 3 }],
    });
    gh.finishRun(run?.id ?? 0, 'failure');
    await driveBuild({ gh, apps: [app], script });
    expect(messageRefs()).toEqual([]);
    expect(statusBody(gh, BUILD)).toMatch(/✅ taken in at turn 3 of \[run \d+\]/);
  });

  it('queues a /steer for a worker with no session running, says so, and keeps a /queue for the next session', async () => {
    const { comment, replies } = await say('/steer W2.1 keep the old names');
    expect(replies).toEqual([
      expect.stringContaining('No session of W2.1 is running now, so your message is queued'),
    ]);
    const queue = await say('/queue W1.1 add a changelog line');
    expect(queue.replies).toEqual([]);
    expect(messageRefs().sort()).toEqual(
      [
        messageRef(BUILD, { worker: 'W2.1', comment: comment.id }),
        messageRef(BUILD, { worker: 'W1.1', comment: queue.comment.id }),
      ].sort(),
    );
    const status = statusBody(gh, BUILD) ?? '';
    expect(status).toContain('queued: no session of W2.1 was running');
    expect(status).toContain("queued for W1.1's next session");
  });
});
