import { Octokit } from '@octokit/core';
import { describe, expect, it } from 'vitest';
import type { ActOutcome } from '../../src/github/act/act.js';
import {
  createMetrics,
  recordReconcile,
  requestMetrics,
  routeOf,
} from '../../src/server/metrics.js';

const BUILD = '1-add-login';
const dispatch = (role: 'plan' | 'work', result: ActOutcome['result']): ActOutcome => ({
  action: { kind: 'dispatch', request: { role, build: BUILD, issue: 1 } },
  result,
});
const status = (phase: 'planning' | 'plan-failed'): ActOutcome => ({
  action: {
    kind: 'render-status',
    view:
      phase === 'planning'
        ? { phase, build: BUILD, run: null, replan: false }
        : { phase, build: BUILD, run: { label: 'run', url: 'https://example.test/run' } },
  },
  result: 'done',
});

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
    { status: 200, remaining: '4999', counted: 'status="200",reason="none"' },
    { status: 404, remaining: '4998', counted: 'status="404",reason="none"' },
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

describe('recordReconcile', () => {
  it('counts actions by kind and result, and sessions dispatched by role', async () => {
    const metrics = createMetrics();
    recordReconcile(metrics, 'o/r#1-add-login', [
      dispatch('plan', 'done'),
      dispatch('work', 'stood-down'),
      dispatch('work', 'failed'),
      status('planning'),
    ]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('baton_actions_total{kind="dispatch",result="done"} 1');
    expect(text).toContain('baton_actions_total{kind="dispatch",result="stood-down"} 1');
    expect(text).toContain('baton_actions_total{kind="dispatch",result="failed"} 1');
    expect(text).toContain('baton_actions_total{kind="render-status",result="done"} 1');
    expect(text).toContain('baton_sessions_dispatched_total{role="plan"} 1');
    expect(text).not.toContain('baton_sessions_dispatched_total{role="work"}');
  });

  it('counts each build once, in the phase it was last reconciled in', async () => {
    const metrics = createMetrics();
    recordReconcile(metrics, 'o/r#1-add-login', [status('planning')]);
    recordReconcile(metrics, 'o/r#2-other', [status('planning')]);
    recordReconcile(metrics, 'o/r#1-add-login', [status('planning')]);
    expect(await metrics.registry.metrics()).toContain('baton_builds{phase="planning"} 2');
    recordReconcile(metrics, 'o/r#1-add-login', [status('plan-failed')]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('baton_builds{phase="planning"} 1');
    expect(text).toContain('baton_builds{phase="plan-failed"} 1');
  });
});
