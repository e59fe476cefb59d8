import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { integrationBranch, workerBranch } from '../../src/core/vocabulary/ids.js';
import { findNotice } from '../../src/core/vocabulary/notice.js';
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

  /** Baton's notices on the issue that ask for the workers waiting by risk. */
  function waitNotices(issue: number) {
    return gh.comments.filter(
      (comment) =>
        comment.issue === issue && findNotice(comment.body)?.key.startsWith('waiting/') === true,
    );
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
    // Nothing else can go on: one notice on the issue asks for it, none on its pull request.
    expect(gh.comments.filter((comment) => comment.issue === w11?.number)).toEqual([]);
    const said = waitNotices(issue);
    expect(said).toHaveLength(1);
    expect(said[0]?.body).toContain('@maintainer ⏸️ **The build waits for a person:**');
    expect(said[0]?.body).toContain(`- **W1.1** ([#${w11?.number}](`);
    expect(said[0]?.body).toContain('“.github/workflows/x.yml” (2 lines): workflow');
    expect(said[0]?.body).toContain('/merge W1.1');

    gh.addComment({ issue, body: '/merge W1.1', user: 'maintainer' });
    await driveBuild({ gh, apps, script });

    for (const app of apps) expect(app.errors).toEqual([]);
    expect(pullOf('W1.1')?.mergedAt).not.toBeNull();
    expect(pullOf('W2.1')?.mergedAt).not.toBeNull();
    // Asked once: looking again posted no second notice, and none on the pull request.
    expect(waitNotices(issue)).toHaveLength(1);
    expect(gh.comments.filter((comment) => comment.issue === w11?.number)).toEqual([]);
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
