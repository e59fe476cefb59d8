import { Octokit } from '@octokit/core';
import { describe, expect, it } from 'vitest';
import { createMetrics, requestMetrics, routeOf } from '../../src/server/metrics.js';

describe('routeOf', () => {
  it.each([
    ['/repos/{owner}/{repo}/issues', '/repos/{owner}/{repo}/issues'],
    ['/repos/{owner}/{repo}/pulls?per_page=100', '/repos/{owner}/{repo}/pulls'],
    ['https://api.github.com/graphql', '/graphql'],
    ['http://127.0.0.1:1/api/graphql', '/graphql'],
    [
      'http://127.0.0.1:1/api/v3/repos/octo-org/widgets/actions/workflows/baton.yml/runs?page=2',
      '/repos/{owner}/{repo}/actions/workflows/baton.yml/runs',
    ],
    [
      'https://api.github.com/repositories/42/issues/7/comments?page=3',
      '/repositories/{id}/issues/{id}/comments',
    ],
  ])('%s → %s', (url, route) => {
    expect(routeOf(url)).toBe(route);
  });
});

describe('requestMetrics', () => {
  it.each([
    { status: 200, remaining: '4999', counted: 'status="200"' },
    { status: 404, remaining: '4998', counted: 'status="404"' },
  ])('counts a $status by route template and keeps the rate limit', async (row) => {
    const metrics = createMetrics();
    const Counted = Octokit.plugin(requestMetrics(metrics));
    const octokit = new Counted({
      auth: 'token',
      request: {
        fetch: async () =>
          new Response(JSON.stringify({}), {
            status: row.status,
            headers: { 'content-type': 'application/json', 'x-ratelimit-remaining': row.remaining },
          }),
      },
    });
    await octokit
      .request('GET /repos/{owner}/{repo}', { owner: 'octo-org', repo: 'widgets' })
      .catch(() => undefined);
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      `baton_github_requests_total{route="GET /repos/{owner}/{repo}",${row.counted}} 1`,
    );
    expect(text).toContain(
      `baton_github_rate_limit_remaining{installation="app"} ${row.remaining}`,
    );
    expect(text).not.toContain('octo-org');
  });
});
