import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { BatonOctokit } from '../../src/github/client/octokit.js';
import type { Octokit } from '../../src/github/client/types.js';
import { mountEachTest } from '../support/app-tests.js';

describe('the simulator pages REST listings as GitHub does', () => {
  let gh: FakeGitHub;
  let issue: number;
  mountEachTest((repo) => {
    gh = repo;
    issue = gh.openIssue({ title: 'Add login' });
    for (let i = 0; i < 250; i++) gh.addComment({ issue, body: `comment ${i}`, user: 'octocat' });
  });

  const list = (query: Record<string, string>) =>
    gh.handle({
      method: 'GET',
      path: `/repos/${gh.fullName}/issues/${issue}/comments`,
      query: new URLSearchParams(query),
      body: undefined,
      headers: {},
    });

  it('gives 30 a page unless asked, at most 100, with GitHub’s Link header', () => {
    const first = list({});
    expect(first.body).toHaveLength(30);
    expect(first.headers?.link).toBe(
      `<https://api.github.com/repos/${gh.fullName}/issues/${issue}/comments?page=2>; rel="next", <https://api.github.com/repos/${gh.fullName}/issues/${issue}/comments?page=9>; rel="last"`,
    );
    expect(list({ per_page: '500' }).body).toHaveLength(100);
    const third = list({ per_page: '100', page: '3' });
    expect(third.body).toHaveLength(50);
    expect(third.headers?.link).toContain('rel="prev"');
    expect(third.headers?.link).not.toContain('rel="next"');
  });

  it('a caller that follows the Link header reads the whole list; one that does not, one page', async () => {
    const octokit = new BatonOctokit({
      auth: 'ghs_test',
      retry: { enabled: false },
      throttle: { enabled: false },
    } as never) as unknown as Octokit;
    const params = { owner: gh.owner, repo: gh.repo, issue_number: issue, per_page: 100 };
    const whole = await octokit.paginate(octokit.rest.issues.listComments, params);
    expect(whole).toHaveLength(250);
    const once = await octokit.rest.issues.listComments(params);
    expect(once.data).toHaveLength(100);
  });
});
