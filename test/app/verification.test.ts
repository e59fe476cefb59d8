import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { integrationBranch, workerBranch } from '../../src/core/vocabulary/ids.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, statusBody } from '../support/builds.js';
import { driveBuild, makeScript, runApprovedBuild } from '../support/scripted-sessions.js';

/**
 * Evidence before a person reads (docs/verification.md), through the app: the
 * evidence publish leaves on a worker's pull request holds a risky change for a
 * person, and the final pull request opens with the review guide.
 */
describe('merge autonomy by risk and the review guide', () => {
  let gh: FakeGitHub;
  let apps: AppHarness[];

  startAppEachTest((started) => ({ gh, apps } = started));

  /** The diamond, W1.1 also writing a workflow, every worker's pull request carrying its evidence. */
  const script = makeScript({
    evidence: true,
    files: (worker) => ({
      [`src/${worker}.ts`]: `export const done = '${worker}';\n`,
      ...(worker === 'W1.1' ? { '.github/workflows/x.yml': 'on: push\njobs: {}\n' } : {}),
    }),
  });

  function pullOf(worker: string) {
    return [...gh.pulls.values()].find((pull) => pull.head === workerBranch(BUILD, worker));
  }

  /** `user` approves the head of `worker`'s pull request. */
  function approveHead(worker: string, user: string, body: string): void {
    const pull = pullOf(worker);
    gh.addReview({
      pull: pull?.number ?? 0,
      user,
      body,
      state: 'APPROVED',
      commitId: gh.git.resolve(pull?.head ?? '') ?? '',
      comments: [],
    });
  }

  function finalPull() {
    return [...gh.pulls.values()].find((pull) => pull.head === integrationBranch(BUILD));
  }

  it('holds a worker whose evidence changes a workflow for a person while an ordinary one merges, then merges it on /merge', async () => {
    const issue = await runApprovedBuild({ gh, apps, script });

    for (const app of apps) expect(app.errors).toEqual([]);
    const w11 = pullOf('W1.1');
    expect(pullOf('W1.2')?.mergedAt).not.toBeNull();
    expect(w11?.state).toBe('open');
    expect(w11?.mergedAt).toBeNull();
    // W2.1 depends on W1.1: it waits too, and there is no final pull request.
    expect(pullOf('W2.1')).toBeUndefined();
    expect(finalPull()).toBeUndefined();
    expect(statusBody(gh, BUILD)).toContain('waits for a person: changes a workflow');
    const said = gh.comments.filter((comment) => comment.issue === w11?.number);
    expect(said).toHaveLength(1);
    expect(said[0]?.body).toContain('**W1.1 waits for a person:** it changes a workflow');
    expect(said[0]?.body).toContain('“.github/workflows/x.yml” (2 lines): workflow');

    gh.addComment({ issue, body: '/merge W1.1', user: 'maintainer' });
    await driveBuild({ gh, apps, script });

    for (const app of apps) expect(app.errors).toEqual([]);
    expect(pullOf('W1.1')?.mergedAt).not.toBeNull();
    expect(pullOf('W2.1')?.mergedAt).not.toBeNull();
    // One comment per head: looking again posted no second one.
    expect(gh.comments.filter((comment) => comment.issue === w11?.number)).toHaveLength(1);
    const body = finalPull()?.body ?? '';
    expect(body).toMatch(/^Closes #1\n\n## Review guide\n/);
    expect(body).toContain('### Read these first: 2 of 5 changed lines');
    expect(body).toMatch(
      /^1\. \*\*W1\.1\*\* “OAuth provider” \(\[#\d+\]\([^)]+\)\): \*\*risk: workflow\*\*\. It changes a workflow\.$/m,
    );
    expect(body).toContain('   - “.github/workflows/x.yml”: 2 lines, workflow');
    expect(body).toContain('The plan names no acceptance criteria.');
  });

  it("merges the same worker once a person with write access approves its head, not on a reader's approval", async () => {
    await runApprovedBuild({ gh, apps, script });
    const w11 = pullOf('W1.1');
    expect(w11?.mergedAt).toBeNull();

    // Anyone may review a public repository's pull request: a reader's approval releases nothing.
    approveHead('W1.1', 'reader', 'LGTM');
    await driveBuild({ gh, apps, script });
    expect(pullOf('W1.1')?.mergedAt).toBeNull();
    expect(statusBody(gh, BUILD)).toContain('waits for a person: changes a workflow');

    approveHead('W1.1', 'maintainer', 'Read it: fine.');
    await driveBuild({ gh, apps, script });

    expect(pullOf('W1.1')?.mergedAt).not.toBeNull();
    expect(finalPull()).toBeDefined();
  });
});
