import { describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import { mountEachTest } from '../support/app-tests.js';
import { tickingClock } from '../support/builds.js';

describe('the simulator lists issues and their timelines as GitHub does', () => {
  let gh: FakeGitHub;
  // Each event a second after the last, as GitHub's times of events one after another.
  mountEachTest(
    (repo) => {
      gh = repo;
    },
    () => new FakeGitHub({ now: tickingClock() }),
  );

  const get = (path: string, query: Record<string, string> = {}, headers = {}) =>
    gh.handle({
      method: 'GET',
      path: `/repos/${gh.fullName}${path}`,
      query: new URLSearchParams(query),
      body: undefined,
      headers,
    });
  const numbers = (answer: { body?: unknown }) =>
    (answer.body as { number: number }[]).map((issue) => issue.number);

  it('lists open issues unless asked, pull requests among them, newest first; labels must all match', () => {
    const old = gh.openIssue({ title: 'Old', labels: ['orchestrate'] });
    const both = gh.openIssue({ title: 'Both', labels: ['orchestrate', 'research'] });
    const closed = gh.openIssue({ title: 'Closed', labels: ['orchestrate'] });
    gh.setIssueState(closed, 'closed', { by: 'maintainer' });
    const pull = gh.openPull({
      title: 'A change',
      body: '',
      head: 'feature',
      base: gh.defaultBranch,
      user: 'octocat',
    });
    expect(numbers(get('/issues'))).toEqual([pull.number, both, old]);
    const [listedPull] = get('/issues').body as { pull_request?: unknown }[];
    expect(listedPull?.pull_request).toBeDefined();
    expect(numbers(get('/issues', { state: 'all', direction: 'asc' }))).toEqual([
      old,
      both,
      closed,
      pull.number,
    ]);
    expect(numbers(get('/issues', { labels: 'orchestrate,research' }))).toEqual([both]);
    expect(numbers(get('/issues', { labels: 'orchestrate' }))).toEqual([both, old]);
  });

  it('sorts by updated_at, which a label or a comment moves, and answers an unchanged listing 304', () => {
    const first = gh.openIssue({ title: 'First' });
    const second = gh.openIssue({ title: 'Second' });
    const query = { sort: 'updated', direction: 'desc' };
    const answer = get('/issues', query);
    expect(numbers(answer)).toEqual([second, first]);
    const etag = String(answer.headers?.etag);
    expect(get('/issues', query, { 'if-none-match': etag }).status).toBe(304);
    gh.issues.get(first)?.labels.push('orchestrate');
    gh.events.labeled(first, 'orchestrate', 'maintainer');
    const after = get('/issues', query, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(numbers(after)).toEqual([first, second]);
    gh.addComment({ issue: second, body: 'a note', user: 'octocat' });
    expect(numbers(get('/issues', query))).toEqual([second, first]);
  });

  it('gives an issue’s timeline oldest first: labels added and removed with who did it, comments with their body', () => {
    const issue = gh.openIssue({ title: 'Add login', labels: ['orchestrate'] });
    gh.events.labeled(issue, 'orchestrate', 'maintainer');
    gh.addComment({ issue, body: 'hello', user: 'octocat' });
    gh.events.unlabeled(issue, 'orchestrate', 'maintainer');
    gh.issues.get(issue)?.labels.push('orchestrate');
    gh.events.labeled(issue, 'orchestrate', 'reader');
    const events = get(`/issues/${issue}/timeline`).body as {
      event: string;
      actor: { login: string };
      label?: { name: string };
      body?: string;
    }[];
    expect(events.map((e) => [e.event, e.actor.login, e.label?.name ?? e.body])).toEqual([
      ['labeled', 'maintainer', 'orchestrate'],
      ['commented', 'octocat', 'hello'],
      ['unlabeled', 'maintainer', 'orchestrate'],
      ['labeled', 'reader', 'orchestrate'],
    ]);
    expect(get('/issues/999/timeline').status).toBe(404);
  });
});
