import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { createStatusPacer } from '../../src/github/act/status-pacer.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, labelledIssue, statusBody } from '../support/builds.js';
import { type ManualTimers, manualTimers } from '../support/manual-timers.js';
import { driveBuild, makeScript } from '../support/scripted-sessions.js';

/**
 * Status edits are paced (one per interval per build, a held edit made by a
 * timer), but the edit that first shows the final pull request is not: its
 * notice sends people to the status comment, and nothing later carries it.
 * Here the pacer's clock never moves, so any paced edit would stay held.
 */
describe('the final status edit', () => {
  let gh: FakeGitHub;
  let app: AppHarness;
  let time: ManualTimers;
  const script = makeScript({ workers: [{ id: 'W1.1' }] });

  startAppEachTest(
    (started) => ({ gh, app } = started),
    () => {
      time = manualTimers();
      return {
        config: 'approval: none\n',
        statusPacer: createStatusPacer({
          intervalMs: 60_000,
          clock: time.now,
          setTimer: time.setTimer,
        }),
      };
    },
  );

  it('shows the final pull request at once, with no paced edit left to make it', async () => {
    labelledIssue(gh);
    await driveBuild({ gh, apps: [app], script });
    expect(app.errors).toEqual([]);
    const final = [...gh.pulls.values()].find((pull) => pull.base === gh.defaultBranch);
    expect(final).toBeDefined();
    expect(statusBody(gh, BUILD)).toContain(`**Final pull request:** [#${final?.number}]`);
  });
});
