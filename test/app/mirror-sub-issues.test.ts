import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { AppHarness } from '../support/app-harness.js';
import { type AppOnRepo, startAppEachTest } from '../support/app-tests.js';
import { BUILD, labelledIssue, MIRROR_SUB_ISSUES } from '../support/builds.js';
import { CREATE_ISSUE, knownRestRoutes } from '../support/rest-routes.js';
import {
  doubledAndShuffled,
  driveBuild,
  inOrder,
  makeScript,
  runApprovedBuild,
} from '../support/scripted-sessions.js';

describe('a build mirrored as sub-issues (plan.mirrorSubIssues)', () => {
  let gh: FakeGitHub;
  let apps: AppHarness[];
  let addReplica: AppOnRepo['addReplica'];

  startAppEachTest((started) => ({ gh, apps, addReplica } = started), {
    config: MIRROR_SUB_ISSUES,
  });

  async function runBuild(delivery = inOrder): Promise<number> {
    return runApprovedBuild({ gh, apps, script: makeScript(), delivery });
  }

  const mirrors = (parent: number) =>
    (gh.issues.get(parent)?.subIssues ?? []).map((n) => gh.issues.get(n));

  it('creates one sub-issue per worker, once, with blocked-by links, and closes each on merge', async () => {
    const parent = await runBuild();
    for (const app of apps) expect(app.errors).toEqual([]);
    const subs = mirrors(parent);
    expect(subs.map((sub) => sub?.title)).toEqual([
      'W1.1: OAuth provider',
      'W1.2: Login routes',
      'W2.1: Sessions',
    ]);
    expect(subs.every((sub) => sub?.user.login === gh.botLogin)).toBe(true);
    expect(subs.map((sub) => [sub?.state, sub?.stateReason])).toEqual([
      ['closed', 'completed'],
      ['closed', 'completed'],
      ['closed', 'completed'],
    ]);
    const [w11, w12, w21] = subs;
    expect(w21?.blockedBy).toEqual([w11?.number, w12?.number]);
    expect(w11?.body).toContain(`<!-- baton:mirror build=${BUILD} worker=W1.1 -->`);
    expect(gh.log.filter((entry) => entry.route === CREATE_ISSUE)).toHaveLength(3);
    expect(gh.callsOutside(await knownRestRoutes())).toEqual([]);
    // The writes a mirror costs, each once: the sub-issue link, the two links of W2.1, the closes.
    const calls = (route: string) => gh.log.filter((entry) => entry.route === route).length;
    expect(calls('POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues')).toBe(3);
    expect(calls('POST /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by')).toBe(
      2,
    );
    expect(calls('PATCH /repos/{owner}/{repo}/issues/{issue_number}')).toBe(3);
  });

  it('creates each mirror once with two replicas and every event doubled and shuffled', async () => {
    await addReplica();
    const parent = await runBuild(doubledAndShuffled(7));
    for (const app of apps) expect(app.errors).toEqual([]);
    expect(gh.log.filter((entry) => entry.route === CREATE_ISSUE)).toHaveLength(3);
    expect(mirrors(parent).map((sub) => [sub?.title, sub?.state])).toEqual([
      ['W1.1: OAuth provider', 'closed'],
      ['W1.2: Login routes', 'closed'],
      ['W2.1: Sessions', 'closed'],
    ]);
  });

  it('follows /replan: a dropped worker’s mirror closes as not planned and reopens when it comes back', async () => {
    // Two replicas, every event doubled and shuffled: each step is still done once.
    await addReplica();
    const delivery = doubledAndShuffled(11);
    const issue = labelledIssue(gh);
    const diamond = makeScript();
    // W1.2 dropped, W1.1 renamed, W2.1 needing only W1.1.
    const replanned = makeScript({
      workers: [
        { id: 'W1.1', title: 'GitHub provider' },
        { id: 'W2.1', title: 'Sessions', depends_on: ['W1.1'] },
      ],
    });
    const say = async (body: string, script: typeof diamond) => {
      gh.addComment({ issue, body, user: 'maintainer' });
      await driveBuild({ gh, apps, script, delivery });
    };
    await driveBuild({ gh, apps, script: diamond, delivery });
    // Paused, an approved plan is mirrored but starts no worker, so it may still be replanned.
    await say('/pause', diamond);
    await say('/approve', diamond);
    const state = () =>
      mirrors(issue).map((sub) => [sub?.title, sub?.state, sub?.stateReason ?? null]);
    expect(state()).toEqual([
      ['W1.1: OAuth provider', 'open', null],
      ['W1.2: Login routes', 'open', null],
      ['W2.1: Sessions', 'open', null],
    ]);

    await say('/replan one provider, no login routes', replanned);
    // The first write of the change fails; a later look makes it good.
    gh.faults.push({
      route: 'PATCH /repos/{owner}/{repo}/issues/{issue_number}',
      response: { status: 502, body: { message: 'Bad Gateway' } },
    });
    await say('/approve', replanned);
    expect(gh.faults).toEqual([]);
    // The link stays: the parent keeps the dropped worker, closed as not planned.
    expect(state()).toEqual([
      ['W1.1: GitHub provider', 'open', null],
      ['W1.2: Login routes', 'closed', 'not_planned'],
      ['W2.1: Sessions', 'open', null],
    ]);

    await say('/replan the login routes after all', diamond);
    await say('/approve', diamond);
    expect(state()).toEqual([
      ['W1.1: OAuth provider', 'open', null],
      ['W1.2: Login routes', 'open', 'reopened'],
      ['W2.1: Sessions', 'open', null],
    ]);

    await say('/resume', diamond);
    for (const app of apps) expect(app.errors).toEqual([]);
    expect(state().map(([, s, reason]) => [s, reason])).toEqual([
      ['closed', 'completed'],
      ['closed', 'completed'],
      ['closed', 'completed'],
    ]);
    // Reused, never opened again: still one issue per worker.
    expect(gh.log.filter((entry) => entry.route === CREATE_ISSUE)).toHaveLength(3);
    expect(gh.callsOutside(await knownRestRoutes())).toEqual([]);
  });

  it('mirrors nothing with the setting off (the default)', async () => {
    gh.git.commitOn(gh.defaultBranch, { '.github/baton.yml': 'label: orchestrate\n' }, 'Off');
    const parent = await runBuild();
    expect(mirrors(parent)).toEqual([]);
    expect(gh.log.some((entry) => entry.route.includes('sub_issues'))).toBe(false);
  });
});
