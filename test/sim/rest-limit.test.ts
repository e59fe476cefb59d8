import { describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import { RestBudget } from '../../sim/github/rest-limit.js';
import { installationToken } from '../../sim/github/tokens.js';
import { manualClock } from '../support/builds.js';
import { rateLimitHeaders } from '../support/rate-limit-headers.js';

/**
 * The simulator's primary REST limit and conditional requests, held to what
 * GitHub documents ("Rate limits for the REST API"; "Best practices for using
 * the REST API", Use conditional requests if appropriate): each statement
 * quoted is one test.
 */

function request(
  gh: FakeGitHub,
  {
    method = 'GET',
    path,
    headers = {},
    body,
    token = installationToken(gh.installationId),
  }: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: unknown;
    token?: string | null;
  },
) {
  return gh.handle({
    method,
    path,
    query: new URLSearchParams(),
    body,
    headers: { ...(token ? { authorization: `token ${token}` } : {}), ...headers },
  });
}

function world(limit?: number) {
  const time = manualClock();
  const gh = new FakeGitHub({
    now: time.now,
    ...(limit ? { restBudget: new RestBudget({ installationId: 1, limit }) } : {}),
  });
  const issue = gh.openIssue({ title: 'Add login' });
  const comment = gh.addComment({ issue, body: 'first', user: 'octocat' });
  const path = `/repos/${gh.fullName}/issues/comments/${comment.id}`;
  return { gh, time, path };
}

describe('the simulated primary rate limit of the REST API', () => {
  it('answers each request of an installation token with the core resource’s x-ratelimit-* headers (“Checking the status of your rate limit”)', () => {
    const { gh, path } = world();
    const first = request(gh, { path });
    expect(first.status).toBe(200);
    expect(first.headers).toMatchObject(
      rateLimitHeaders(4999, {
        resource: 'core',
        reset: Date.parse('2026-01-01T01:00:00Z') / 1000,
      }),
    );
    expect(request(gh, { path }).headers).toMatchObject({ 'x-ratelimit-used': '2' });
  });

  it('refuses with 403 and x-ratelimit-remaining 0 past the hour’s requests, until the reset (“Exceeding the rate limit”)', () => {
    const { gh, time, path } = world(2);
    request(gh, { path });
    request(gh, { path });
    const refused = request(gh, { path });
    expect(refused.status).toBe(403);
    expect(refused.headers).toMatchObject({ 'x-ratelimit-remaining': '0' });
    expect(refused.body).toMatchObject({
      message: `API rate limit exceeded for installation ID ${gh.installationId}.`,
    });
    time.advance(3_600_000);
    expect(request(gh, { path }).status).toBe(200);
  });

  it('does not count requests without the installation’s token, nor GraphQL, which has its own budget', () => {
    const { gh, path } = world();
    request(gh, { path, token: null });
    request(gh, {
      method: 'POST',
      path: '/graphql',
      body: { query: `query { repository(owner: "octo-org", name: "widgets") { id } }` },
    });
    expect(gh.restBudget.charges).toHaveLength(0);
  });
});

describe('the simulated conditional requests', () => {
  it('gives a read an etag header (“Most endpoints return an etag header”)', () => {
    const { gh, path } = world();
    expect(request(gh, { path }).headers?.etag).toMatch(/^W\/"[0-9a-f]{40}"$/);
  });

  it('answers 304 with no body to if-none-match naming the tag, and does not count it (“does not count against your primary rate limit if a 304 response is returned”)', () => {
    const { gh, path } = world();
    const first = request(gh, { path });
    const etag = String(first.headers?.etag);
    const again = request(gh, { path, headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.body).toBeUndefined();
    expect(again.headers).toMatchObject({ etag, 'x-ratelimit-used': '1' });
    expect(gh.restBudget.charges).toHaveLength(1);
    expect(gh.restBudget.notModified).toHaveLength(1);
    expect(gh.log.at(-1)?.status).toBe(304);
  });

  it('compares tags weakly, in a list or as *', () => {
    const { gh, path } = world();
    const etag = String(request(gh, { path }).headers?.etag);
    for (const ifNoneMatch of [etag.replace(/^W\//, ''), `"other", ${etag}`, '*'])
      expect(request(gh, { path, headers: { 'if-none-match': ifNoneMatch } }).status).toBe(304);
  });

  it('answers 200 with a new tag, counted, once the resource changed (“If the response has not changed, you will receive a 304”)', () => {
    const { gh, path } = world();
    const etag = String(request(gh, { path }).headers?.etag);
    request(gh, { method: 'PATCH', path, body: { body: 'edited' } });
    const changed = request(gh, { path, headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers?.etag).not.toBe(etag);
    expect(changed.body).toMatchObject({ body: 'edited' });
    expect(gh.restBudget.charges).toHaveLength(3);
  });

  it('never answers a write 304, and counts it', () => {
    const { gh, path } = world();
    const etag = String(request(gh, { path }).headers?.etag);
    const write = request(gh, {
      method: 'PATCH',
      path,
      body: { body: 'first' },
      headers: { 'if-none-match': etag },
    });
    expect(write.status).toBe(200);
    expect(gh.restBudget.charges).toHaveLength(2);
  });

  it('tags an edit’s answer as a read of the resource would be, so the read that follows answers 304 (undocumented: what baton doctor asks)', () => {
    const { gh, path } = world();
    const edited = request(gh, { method: 'PATCH', path, body: { body: 'edited' } });
    const etag = String(edited.headers?.etag);
    expect(etag).toMatch(/^W\/"/);
    expect(request(gh, { path, headers: { 'if-none-match': etag } }).status).toBe(304);
    // Someone else's edit moves the tag on.
    request(gh, { method: 'PATCH', path, body: { body: 'edited again' } });
    expect(request(gh, { path, headers: { 'if-none-match': etag } }).status).toBe(200);
  });

  it('tags each page of a listing apart, so a page that did not change answers 304', () => {
    const { gh } = world();
    const issue = gh.openIssue({ title: 'A long thread' });
    for (let i = 0; i < 3; i++) gh.addComment({ issue, body: `comment ${i}`, user: 'octocat' });
    const page = (n: number, headers: Record<string, string> = {}) =>
      gh.handle({
        method: 'GET',
        path: `/repos/${gh.fullName}/issues/${issue}/comments`,
        query: new URLSearchParams({ per_page: '2', page: String(n) }),
        body: undefined,
        headers: { authorization: `token ${installationToken(1)}`, ...headers },
      });
    const one = String(page(1).headers?.etag);
    const two = String(page(2).headers?.etag);
    expect(one).not.toBe(two);
    expect(page(2, { 'if-none-match': two }).status).toBe(304);
    expect(page(1, { 'if-none-match': two }).status).toBe(200);
  });
});
