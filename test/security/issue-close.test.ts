import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { closeLinkedIssues } from '../../sim/github/routes/routes-pulls.js';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, statusBody } from '../support/builds.js';
import { driveBuild, makeScript, runApprovedBuild } from '../support/scripted-sessions.js';

/**
 * Closing a build's issue cancels the build only when whoever closed it steers
 * builds (write, maintain or admin), or when GitHub closed it through the
 * build's merged final pull request. On a public repository the issue's author
 * (an outsider) may close it, and so may any app or workflow token with
 * `issues: write`: the build goes on, and the status says why. Who closed it is
 * read from the issue's timeline on every reconcile, never from the webhook,
 * so a lost event or a second replica reads the same (docs/security.md, "Who
 * steers a build").
 */
describe('who may stop a build by closing its issue', () => {
  let gh: FakeGitHub;
  let app: AppHarness;
  startAppEachTest((started) => ({ gh, app } = started));

  // Baton's reviews of W1.1 ask for changes every round: the build waits for a writer, W1.1's PR open.
  const script = makeScript({
    review: (w) => (w === 'W1.1' ? 'changes-requested' : 'approve'),
  });
  const drive = () => driveBuild({ gh, apps: [app], script });
  const openPulls = () => [...gh.pulls.values()].filter((pull) => pull.state === 'open');
  const workerBranches = () =>
    [...gh.git.refs.keys()].filter((ref) => ref.startsWith(`refs/heads/baton/${BUILD}/W`));
  const finalPull = () =>
    [...gh.pulls.values()].find((pull) => pull.head === integrationBranch(BUILD));

  async function startWaiting(): Promise<void> {
    await runApprovedBuild({ gh, apps: [app], script });
    expect(statusBody(gh, BUILD)).toContain('/merge W1.1');
    expect(openPulls()).toHaveLength(1);
  }

  it.each([
    ['the issue’s author, an outsider', 'octocat'],
    ['a reader', 'reader'],
    ['a workflow’s token (github-actions[bot])', 'github-actions[bot]'],
  ])('goes on when %s closes the issue, and says why', async (_who, by) => {
    await startWaiting();
    const pulls = openPulls().map((pull) => pull.number);
    const branches = workerBranches();
    expect(branches.length).toBeGreaterThan(0);

    gh.setIssueState(1, 'closed', { by });
    await drive();

    expect(openPulls().map((pull) => pull.number)).toEqual(pulls);
    expect(workerBranches()).toEqual(branches);
    const status = statusBody(gh, BUILD) ?? '';
    expect(status).not.toMatch(/Cancelled/);
    expect(status).toContain(`The issue was closed by ${by} (`);
    expect(status).toContain('who cannot steer this build');
    expect(status).toContain('so the build goes on');

    // A writer still steers it to the end, the issue closed all along.
    gh.addComment({ issue: 1, body: '/merge W1.1', user: 'maintainer' });
    await drive();
    expect(finalPull()?.state).toBe('open');
    expect(app.errors).toEqual([]);
  });

  it('cancels when a writer closes the issue', async () => {
    await startWaiting();
    gh.setIssueState(1, 'closed', { by: 'maintainer' });
    await drive();

    expect(openPulls()).toEqual([]);
    expect(workerBranches()).toEqual([]);
    expect(statusBody(gh, BUILD)).toMatch(/Cancelled\*\* by maintainer, who closed the issue/);
  });

  it('reads who closed it from the timeline when the event was lost, on a later look', async () => {
    await startWaiting();
    const issue = gh.issues.get(1);
    if (!issue) throw new Error('no issue');
    // Closed by the outsider; GitHub's webhook never arrived.
    Object.assign(issue, {
      state: 'closed',
      closedEvents: [{ actor: 'octocat', at: gh.now() }],
    });
    gh.addComment({ issue: 1, body: '/status', user: 'maintainer' });
    await drive();
    expect(openPulls().length).toBeGreaterThan(0);
    expect(statusBody(gh, BUILD)).toContain('The issue was closed by octocat');

    // Then a writer closes it again, the event lost as well.
    issue.closedEvents = [...(issue.closedEvents ?? []), { actor: 'maintainer', at: gh.now() }];
    gh.addComment({ issue: 1, body: '/status', user: 'maintainer' });
    await drive();
    expect(openPulls()).toEqual([]);
  });

  it('is delivered, not cancelled, when GitHub closes the issue through the merged final PR', async () => {
    await startWaiting();
    gh.addComment({ issue: 1, body: '/merge W1.1', user: 'maintainer' });
    await drive();
    const final = finalPull();
    if (!final) throw new Error('no final pull request');
    expect(final.body).toMatch(/Closes #1\b/);
    // A maintainer merges it: GitHub closes the issue in their name, the PR as the closer.
    const main = gh.git.resolve(gh.defaultBranch) ?? '';
    const head = gh.git.resolve(final.head) ?? '';
    const merged = gh.git.merge({ ours: main, theirs: head, message: `${final.title} (#1)` });
    Object.assign(final, { state: 'closed', mergedAt: gh.now(), closedAt: gh.now() });
    gh.events.pull('closed', final, 'maintainer');
    gh.setBranch(gh.defaultBranch, merged, 'maintainer');
    closeLinkedIssues(gh, final, 'maintainer');
    expect(gh.issues.get(1)?.closedEvents?.at(-1)).toMatchObject({ pull: final.number });
    await drive();
    const status = statusBody(gh, BUILD) ?? '';
    expect(status).toContain('Delivered');
    expect(status).not.toContain('The issue was closed');
  });
});
