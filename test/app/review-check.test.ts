import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { integrationBranch, REVIEW_CHECK_NAME } from '../../src/core/vocabulary/ids.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD } from '../support/builds.js';
import { makeScript, runApprovedBuild } from '../support/scripted-sessions.js';

/**
 * `baton/review` is written where a merge may wait for it: GitHub holds the
 * pull request (a rule of the build branch asks for the check). Elsewhere
 * Baton merges on the verdict it reads, a write saved per worker.
 */
describe('the baton/review check', () => {
  let gh: FakeGitHub;
  let apps: AppHarness[];

  startAppEachTest((started) => ({ gh, apps } = started));

  const merged = () =>
    [...gh.pulls.values()].filter(
      (pull) => pull.mergedAt && pull.base === integrationBranch(BUILD),
    );
  const checkWrites = () =>
    gh.log.filter((entry) => entry.route === 'POST /repos/{owner}/{repo}/check-runs');

  it('is not written where no rule of the build branch asks for it', async () => {
    await runApprovedBuild({ gh, apps, script: makeScript() });
    expect(apps[0]?.errors).toEqual([]);
    expect(merged()).toHaveLength(3);
    expect(checkWrites()).toEqual([]);
  });

  it('is written on each merged head where the build branch requires it, and the merge goes in the same reconcile', async () => {
    gh.requiredChecks.add(REVIEW_CHECK_NAME);
    // Without "up to date before merging": under it a PR brought up to date has a new head to check.
    gh.requireUpToDate = false;
    await runApprovedBuild({ gh, apps, script: makeScript() });
    expect(apps[0]?.errors).toEqual([]);
    const pulls = merged();
    expect(pulls).toHaveLength(3);
    for (const pull of pulls) {
      const head = gh.git.resolve(pull.head);
      expect(gh.checkRuns).toContainEqual(
        expect.objectContaining({ name: REVIEW_CHECK_NAME, headSha: head, conclusion: 'success' }),
      );
    }
    expect(checkWrites()).toHaveLength(3);
    // No merge was refused: each went once its check was on the head.
    const refused = gh.log.filter(
      (entry) => entry.route.endsWith('/merge') && entry.status !== 200,
    );
    expect(refused).toEqual([]);
  });
});
