import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { act } from '../../src/github/act/act.js';
import { withReason } from '../../src/github/client/request-reason.js';
import { makeSnapshot } from '../core/factories.js';
import { mountEachTest } from '../support/app-tests.js';
import { repoContextOn } from '../support/mount-nock.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

describe('why each request is made (x-baton-reason)', () => {
  let gh: FakeGitHub;
  mountEachTest((repo) => {
    gh = repo;
  });

  it('carries the reason in force, past awaits, the innermost winning; none outside', async () => {
    const ctx = repoContextOn(gh);
    const issue = gh.openIssue({ title: 'Add login' });
    const read = () =>
      ctx.octokit.rest.issues.get({ owner: gh.owner, repo: gh.repo, issue_number: issue });
    await withReason('reconcile-read', async () => {
      await read();
      await new Promise((resolve) => setTimeout(resolve, 1));
      await read();
      await withReason('merge', read);
    });
    await read();
    expect(gh.log.map((entry) => entry.reason)).toEqual([
      'reconcile-read',
      'reconcile-read',
      'merge',
      undefined,
    ]);
  });

  it('tags every page of a listing', async () => {
    const ctx = repoContextOn(gh);
    const issue = gh.openIssue({ title: 'A long thread' });
    for (let i = 0; i < 3; i++) gh.addComment({ issue, body: `c${i}`, user: 'octocat' });
    await withReason('event-read', () =>
      ctx.octokit.paginate(ctx.octokit.rest.issues.listComments, {
        owner: gh.owner,
        repo: gh.repo,
        issue_number: issue,
        per_page: 1,
      }),
    );
    expect(gh.log.map((entry) => entry.reason)).toEqual(['event-read', 'event-read', 'event-read']);
  });

  it('tags what act writes by its action', async () => {
    const ctx = repoContextOn(gh);
    const issue = gh.openIssue({ title: 'Add login' });
    const base = makeSnapshot();
    const snapshot = { ...base, issue: { ...base.issue, number: issue } };
    await act(ctx, {
      snapshot,
      actions: [
        { kind: 'add-label', number: issue, label: 'baton:needs-human' },
        { kind: 'comment', number: issue, key: 'hello', body: 'Hello' },
      ],
      log: quiet,
    });
    const reasons = new Set(gh.log.map((entry) => `${entry.route} ${entry.reason}`));
    expect(reasons).toContain(
      'POST /repos/{owner}/{repo}/issues/{issue_number}/labels housekeeping',
    );
    expect(reasons).toContain('POST /repos/{owner}/{repo}/issues/{issue_number}/comments notice');
  });
});
