// A forged receipt (docs/security.md, "Messages to sessions"): a usage record is tied to its run
// by its ref's name alone, and CI code with `contents: write` can push over any run's record.
// One that says a writer's /queue was taken, over the plan run's record and over the record of the
// session that ran when the /queue came (which leaves a /queue for the next session), marks
// nothing taken and deletes no message ref.
import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { usageRef } from '../../src/core/records/usage.js';
import { messageRef, messageRefPrefix } from '../../src/core/sessions/messages.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, pushUsageRecord, statusBody } from '../support/builds.js';
import { chainScript, driveBuild, runApprovedBuild } from '../support/scripted-sessions.js';

/** W1.1's first session stays in progress; the others deliver. */
const script = chainScript('hold');

describe('a forged message receipt', () => {
  let gh: FakeGitHub;
  let app: AppHarness;
  startAppEachTest((started) => ({ gh, app } = started));

  it('takes no /queue from a record pushed over another run’s, nor over the session that ran when it came', async () => {
    await runApprovedBuild({ gh, apps: [app], script });
    const held = gh.runs.find((run) => run.inputs.worker === 'W1.1' && run.status !== 'completed');
    const plan = gh.runs.find((run) => run.inputs.role === 'plan');
    if (!held || !plan) throw new Error('no held session or plan run');
    const queue = gh.addComment({
      issue: 1,
      body: '/queue W1.1 add a changelog line',
      user: 'maintainer',
    });
    await driveBuild({ gh, apps: [app], script });
    const recorded = messageRef(BUILD, { worker: 'W1.1', comment: queue.id });
    expect(gh.git.refs.has(recorded)).toBe(true);

    for (const run of [plan, held])
      pushUsageRecord(gh, {
        ref: usageRef({ build: BUILD, runId: run.id, attempt: 1 }),
        usd: 0.1,
        run_id: run.id,
        messages: [{ comment: queue.id, turn: 1 }],
      });
    gh.addComment({ issue: 1, body: '/status', user: 'maintainer' });
    await driveBuild({ gh, apps: [app], script });

    expect(
      [...gh.git.refs.keys()].filter((ref) => ref.startsWith(messageRefPrefix(BUILD))),
    ).toEqual([recorded]);
    const status = statusBody(gh, BUILD) ?? '';
    expect(status).toContain("queued for W1.1's next session");
    expect(status).not.toContain('taken in at turn');
    expect(app.errors).toEqual([]);
  });
});
