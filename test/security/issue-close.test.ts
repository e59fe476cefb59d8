import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { closeLinkedIssues } from '../../sim/github/routes/routes-pulls.js';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, labelledIssue, mergeByHand, statusBody } from '../support/builds.js';
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
    mergeByHand(gh, final, () => gh.now());
    closeLinkedIssues(gh, final, 'maintainer');
    expect(gh.issues.get(1)?.closedEvents?.at(-1)).toMatchObject({ pull: final.number });
    await drive();
    const status = statusBody(gh, BUILD) ?? '';
    expect(status).toContain('Delivered');
    expect(status).not.toContain('The issue was closed');
  });
});

/**
 * A writer's close is undone only by a writer's reopen. Someone with triage
 * permission (or an app's or a workflow's token with `issues: write`) may
 * reopen the issue, or reopen and close it again, as often as they like: the
 * build stays cancelled, and nothing is dispatched (docs/security.md, "Who
 * steers a build").
 */
describe('who may undo a cancel by reopening the issue', () => {
  let gh: FakeGitHub;
  let app: AppHarness;
  // One worker at a time: W1.2 waits for W1.1's slot, and goes once W1.1's run is cancelled.
  startAppEachTest((started) => ({ gh, app } = started), { config: 'maxParallel: 1\n' });

  const script = makeScript();
  const deliver = () => app.deliverAll(gh.outbox.splice(0));
  const workRuns = () => gh.runs.filter((run) => run.inputs.role === 'work');
  const status = () => statusBody(gh, BUILD) ?? '';

  /** Approved, W1.1's work dispatched (not run), W1.2 waiting; then the maintainer closes the issue. */
  async function cancelledByWriter(): Promise<void> {
    labelledIssue(gh);
    await driveBuild({ gh, apps: [app], script });
    gh.addComment({ issue: 1, body: '/approve', user: 'maintainer' });
    await deliver();
    expect(workRuns().map((run) => run.inputs.worker)).toEqual(['W1.1']);
    gh.setIssueState(1, 'closed', { by: 'maintainer' });
    await deliver();
    expect(status()).toMatch(/Cancelled\*\* by maintainer, who closed the issue/);
    expect(workRuns().map((run) => run.conclusion)).toEqual(['cancelled']);
  }

  it('stays cancelled when a triager reopens it, or reopens and closes it again; a writer’s reopen lifts it', async () => {
    await cancelledByWriter();

    gh.setIssueState(1, 'open', { by: 'triager' });
    await deliver();
    expect(workRuns()).toHaveLength(1);
    expect(status()).toMatch(/Cancelled\*\* by maintainer, who closed the issue/);

    // Closed again by them: the close that counts is still the writer's, not "closed by someone who cannot steer".
    gh.setIssueState(1, 'closed', { by: 'triager' });
    await deliver();
    expect(workRuns()).toHaveLength(1);
    expect(status()).toMatch(/Cancelled\*\* by maintainer, who closed the issue/);
    expect(status()).not.toContain('so the build goes on');

    gh.setIssueState(1, 'open', { by: 'maintainer' });
    await deliver();
    expect(workRuns().map((run) => run.inputs.worker)).toEqual(['W1.1', 'W1.2']);
    expect(status()).not.toMatch(/Cancelled/);
    expect(app.errors).toEqual([]);
  });

  it('stays cancelled when a triager buries the writer’s close under more reopens and closes than one page', async () => {
    await cancelledByWriter();
    for (let round = 0; round < 15; round++) {
      gh.setIssueState(1, 'open', { by: 'triager' });
      gh.setIssueState(1, 'closed', { by: 'triager' });
    }
    gh.setIssueState(1, 'open', { by: 'triager' });
    await deliver();

    expect(gh.issues.get(1)?.reopenedEvents).toHaveLength(16);
    expect(workRuns()).toHaveLength(1);
    expect(status()).toMatch(/Cancelled\*\* by maintainer, who closed the issue/);
    // The build query's window (twenty) shows only theirs: Baton read the page before it.
    const pages = gh.log.filter((entry) =>
      String((entry.body as { query?: string } | undefined)?.query ?? '').includes(
        'query BatonIssueStates',
      ),
    );
    expect(pages.length).toBeGreaterThan(0);
    expect(app.errors).toEqual([]);
  });

  it('starts a build on an issue a writer closed and a triager reopened before it was labelled', async () => {
    const issue = gh.openIssue({ title: 'Add OAuth login' });
    gh.setIssueState(issue, 'closed', { by: 'maintainer', reason: 'not_planned' });
    gh.setIssueState(issue, 'open', { by: 'triager' });
    await deliver();
    gh.issues.get(issue)?.labels.push('orchestrate');
    gh.events.labeled(issue, 'orchestrate', 'maintainer');
    await driveBuild({ gh, apps: [app], script });
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
    await driveBuild({ gh, apps: [app], script });

    expect(status()).not.toMatch(/Cancelled/);
    expect(
      workRuns()
        .map((run) => run.inputs.worker)
        .sort(),
    ).toEqual(['W1.1', 'W1.2', 'W2.1']);
    expect(app.errors).toEqual([]);
  });
});
