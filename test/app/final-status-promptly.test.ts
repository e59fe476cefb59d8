import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { createStatusPacer } from '../../src/github/act/status-pacer.js';
import { type AppHarness, startApp } from '../support/app-harness.js';
import { installedRepo, statusBody, tickingClock } from '../support/builds.js';
import { type ManualTimers, manualTimers } from '../support/manual-timers.js';
import { driveBuild, type SessionScript } from '../support/scripted-sessions.js';

const BUILD = '1-add-oauth-login';

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
  const script: SessionScript = { build: BUILD, issue: 1, workers: [{ id: 'W1.1' }] };

  beforeEach(async () => {
    time = manualTimers();
    const now = tickingClock();
    gh = installedRepo(now);
    gh.git.commitOn(gh.defaultBranch, { '.github/baton.yml': 'approval: none\n' }, 'No approval');
    const statusPacer = createStatusPacer({
      intervalMs: 60_000,
      clock: time.now,
      setTimer: time.setTimer,
    });
    app = await startApp({ gh, now, statusPacer });
  });
  afterEach(() => app.stop());

  it('shows the final pull request at once, with no paced edit left to make it', async () => {
    const issue = gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
    gh.events.labeled(issue, 'orchestrate', 'maintainer');
    await driveBuild({ gh, apps: [app], script });
    expect(app.errors).toEqual([]);
    const final = [...gh.pulls.values()].find((pull) => pull.base === gh.defaultBranch);
    expect(final).toBeDefined();
    expect(statusBody(gh, BUILD)).toContain(`**Final pull request:** [#${final?.number}]`);
  });
});
