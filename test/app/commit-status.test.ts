import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { workerBranch } from '../../src/core/vocabulary/ids.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD } from '../support/builds.js';
import { knownRestRoutes } from '../support/rest-routes.js';
import {
  driveBuild,
  makeScript,
  runApprovedBuild,
  type SessionScript,
} from '../support/scripted-sessions.js';

describe('commit statuses count as CI', () => {
  let gh: FakeGitHub;
  let app: AppHarness;

  startAppEachTest((started) => ({ gh, app } = started));

  function script(status: NonNullable<SessionScript['status']>): SessionScript {
    return makeScript({ workers: [{ id: 'W1.1', title: 'OAuth provider' }], status });
  }

  async function start(played: SessionScript): Promise<void> {
    await runApprovedBuild({ gh, apps: [app], script: played });
  }

  const workerPull = () =>
    [...gh.pulls.values()].find((pull) => pull.head === workerBranch(BUILD, 'W1.1'));
  const fixes = () => gh.runs.filter((run) => run.inputs.role === 'fix');

  it('does not merge over a red commit status: a fix session answers it, and green merges', async () => {
    const played = script((_, pushes) => (pushes === 1 ? 'failure' : 'success'));
    await start(played);

    expect(app.errors).toEqual([]);
    const red = gh.statuses.find((status) => status.state === 'failure');
    expect(fixes().map((run) => run.inputs.trigger)).toEqual([`checks-${red?.sha}`]);
    expect(workerPull()?.mergedAt).not.toBeNull();
    // The merged head is the fixed one, whose status is green.
    expect(gh.git.resolve(workerBranch(BUILD, 'W1.1'))).not.toBe(red?.sha);
  });

  it('keeps a red commit status from merging when the check runs are green', async () => {
    const played = script(() => 'failure');
    await start(played);

    expect(app.errors).toEqual([]);
    expect(gh.checkRuns.every((check) => check.conclusion === 'success')).toBe(true);
    expect(workerPull()?.mergedAt).toBeNull();
  });

  it('waits on a pending commit status, and merges when the status event says green', async () => {
    const played = script(() => 'pending');
    await start(played);
    expect(workerPull()?.mergedAt).toBeNull();
    expect(fixes()).toEqual([]);

    const head = gh.git.resolve(workerBranch(BUILD, 'W1.1')) ?? '';
    gh.addStatus({ sha: head, state: 'success' });
    expect(gh.outbox.map((event) => event.name)).toEqual(['status']);
    await driveBuild({ gh, apps: [app], script: played });

    expect(app.errors).toEqual([]);
    expect(workerPull()?.mergedAt).not.toBeNull();
  });

  it('merges over a red commit status when merge.requireChecks is off', async () => {
    gh.git.commitOn(gh.defaultBranch, {
      '.github/baton.yml': 'merge:\n  requireChecks: false\n',
    });
    await start(script(() => 'failure'));

    expect(workerPull()?.mergedAt).not.toBeNull();
    expect(fixes()).toEqual([]);
  });

  it('calls only REST routes that GitHub publishes', async () => {
    await start(script(() => 'success'));
    expect(gh.callsOutside(await knownRestRoutes())).toEqual([]);
  });
});
