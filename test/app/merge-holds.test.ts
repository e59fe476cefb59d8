import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { integrationBranch, workerBranch } from '../../src/core/vocabulary/ids.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, statusBody } from '../support/builds.js';
import { type ManualLooks, manualLooksEachTest } from '../support/manual-looks.js';
import { driveBuild, makeScript, runApprovedBuild } from '../support/scripted-sessions.js';

/**
 * An approved worker pull request GitHub will not merge: Baton merges where
 * GitHub takes it (a red job of its own on the head is no rule), and where
 * only a person can move it, the status and the pull request say what GitHub
 * asks (docs/usage.md, "When a pull request does not merge").
 */
describe('a worker pull request GitHub will not merge', () => {
  let gh: FakeGitHub;
  let apps: AppHarness[];
  let looks: ManualLooks;

  startAppEachTest(
    (started) => ({ gh, apps } = started),
    manualLooksEachTest((made) => {
      looks = made;
    }),
  );

  const one = [{ id: 'W1.1' }];
  const pull = () => [...gh.pulls.values()].find((p) => p.head === workerBranch(BUILD, 'W1.1'));
  const final = () => [...gh.pulls.values()].find((p) => p.head === integrationBranch(BUILD));
  const refusedMerges = () =>
    gh.log.filter((entry) => entry.route.endsWith('/merge') && entry.status === 405);

  it('merges on a writer’s /merge after its review failed, the review’s red jobs left on the head', async () => {
    const script = makeScript({ workers: one, review: () => 'fail' });
    const issue = await runApprovedBuild({ gh, apps, script, looks });
    // The failed review's jobs are red checks on the head: GitHub calls it unstable.
    const head = gh.git.resolve(pull()?.head ?? '') ?? '';
    expect(gh.checksPassOn(head)).toBe(false);
    expect(pull()?.mergedAt).toBeNull();
    expect(statusBody(gh, BUILD)).toContain('the review session ended without a review');

    gh.addComment({ issue, body: '/merge W1.1', user: 'maintainer' });
    await driveBuild({ gh, apps, script, looks });
    expect(pull()?.mergedAt).not.toBeNull();
    expect(final()?.body).toContain('Closes #1');
    expect(refusedMerges()).toEqual([]);
    expect(apps[0]?.errors).toEqual([]);
  });

  it('says that GitHub requires a person’s approving review, and merges once one approves', async () => {
    gh.requiredApprovals = 1;
    gh.permissions.set('maintainer', 'write');
    const script = makeScript({ workers: one });
    await runApprovedBuild({ gh, apps, script, looks });
    const held = pull();
    expect(held?.mergedAt).toBeNull();
    // Baton did not try a merge GitHub refuses: it said what GitHub asks, on the status and the pull request.
    expect(refusedMerges()).toEqual([]);
    expect(statusBody(gh, BUILD)).toContain(
      'GitHub requires an approving review by a person with write access before it merges',
    );
    const said = gh.comments.filter((c) => c.issue === held?.number && c.user.type === 'Bot');
    expect(said.map((c) => c.body).join('\n')).toContain(
      'do what GitHub asks on this pull request',
    );
    expect(gh.issues.get(held?.number ?? 0)?.labels).toContain('baton:needs-human');

    gh.addReview({
      pull: held?.number ?? 0,
      user: 'maintainer',
      body: 'Looks right.',
      state: 'APPROVED',
      commitId: gh.git.resolve(held?.head ?? '') ?? '',
      comments: [],
    });
    await driveBuild({ gh, apps, script, looks });
    expect(pull()?.mergedAt).not.toBeNull();
    expect(gh.issues.get(held?.number ?? 0)?.labels).not.toContain('baton:needs-human');
    expect(apps[0]?.errors).toEqual([]);
  });

  it('says that a rule of the build branch holds the merge once its one try with the approving check was refused', async () => {
    // A required check no workflow of the repository runs: GitHub holds every merge.
    gh.requiredChecks.add('deploy/preview');
    gh.requireUpToDate = false;
    const script = makeScript({ workers: one });
    await runApprovedBuild({ gh, apps, script, looks });
    expect(pull()?.mergedAt).toBeNull();
    expect(refusedMerges()).toHaveLength(1);
    expect(statusBody(gh, BUILD)).toContain(
      "GitHub holds its merge by a rule of the build branch that Baton's approval does not meet",
    );
    expect(looks.schedule.pending()).toEqual([]);
  });
});
