import { describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import { GraphqlBudget } from '../../sim/github/graphql/graphql-budget.js';
import { installationToken } from '../../sim/github/tokens.js';
import { conditionalReads } from '../../src/github/client/conditional-reads.js';
import { BatonOctokit } from '../../src/github/client/octokit.js';
import { createGraphqlAllowance } from '../../src/github/client/pacing/graphql-allowance.js';
import { graphqlAllowanceOf } from '../../src/github/client/pacing/pace-requests.js';
import type { RepoContext } from '../../src/github/client/types.js';
import { type ResyncApp, resyncAll } from '../../src/github/reconcile/doors/resync.js';
import { mountEachTest } from '../support/app-tests.js';
import { rateLimitHeaders } from '../support/rate-limit-headers.js';

const HOUR_S = 3600;

describe('the GraphQL allowance GitHub’s answers state', () => {
  it.each([
    { name: 'nothing read yet', notes: [], now: 0, low: false },
    { name: 'plenty left', notes: [rateLimitHeaders(4000)], now: 0, low: false },
    { name: 'a fifth left: the reserve', notes: [rateLimitHeaders(1000)], now: 0, low: true },
    { name: 'spent', notes: [rateLimitHeaders(0)], now: 0, low: true },
    {
      name: 'spent, but the hour reset',
      notes: [rateLimitHeaders(0)],
      now: HOUR_S * 1000,
      low: false,
    },
    {
      name: 'the core resource is not GraphQL',
      notes: [rateLimitHeaders(0, { resource: 'core' })],
      now: 0,
      low: false,
    },
    {
      name: 'an older answer arriving late',
      notes: [rateLimitHeaders(900), rateLimitHeaders(3000)],
      now: 0,
      low: true,
    },
    {
      name: 'a new hour',
      notes: [rateLimitHeaders(900), rateLimitHeaders(4900, { reset: 2 * HOUR_S })],
      now: HOUR_S * 1000,
      low: false,
    },
  ])('$name: low is $low', ({ notes, now, low }) => {
    const allowance = createGraphqlAllowance();
    for (const note of notes) allowance.note(note, 0);
    expect(allowance.low(now)).toBe(low);
  });
});

describe('the app reads the points left from GitHub’s answers', () => {
  let gh: FakeGitHub;
  mountEachTest(
    (repo) => {
      gh = repo;
    },
    () => new FakeGitHub({ graphqlBudget: new GraphqlBudget(5) }),
  );

  it('notes the x-ratelimit headers of each GraphQL answer for the installation', async () => {
    const octokit = new BatonOctokit({
      auth: { token: installationToken(gh.installationId) },
      throttle: { enabled: true, id: 'installation-4242' },
    } as never);
    const query = `query BatonIssueHistory($owner: String!, $repo: String!, $issue: Int!) {
      repository(owner: $owner, name: $repo) { issue(number: $issue) { lastEditedAt } }
    }`;
    const issue = gh.openIssue({ title: 'x' });
    for (let i = 0; i < 4; i++)
      await octokit.graphql(query, { owner: gh.owner, repo: gh.repo, issue });
    const allowance = graphqlAllowanceOf(octokit);
    expect(allowance?.reading()).toMatchObject({ remaining: 1, limit: 5 });
    expect(allowance?.low(Date.now())).toBe(true);
  });
});

describe('the resync when an installation is low on GraphQL points', () => {
  function fakeApp(lowInstallations: number[]) {
    const logs: string[] = [];
    const octokitFor = (id: number) => {
      const allowance = createGraphqlAllowance();
      allowance.note(
        rateLimitHeaders(lowInstallations.includes(id) ? 200 : 4000, { reset: 2e9 }),
        0,
      );
      // The installation's repositories and its open builds are read conditionally (`conditionalReads`).
      const answers: Record<string, unknown> = {
        '/installation/repositories': {
          repositories: [
            { owner: { login: `org-${id}` }, name: 'widgets', default_branch: 'main' },
          ],
        },
        '/repos/{owner}/{repo}/git/matching-refs/{ref}': [
          { ref: 'refs/heads/baton/7-thing/integration', object: { sha: 'a'.repeat(40) } },
        ],
      };
      const request = Object.assign(
        async ({ url }: { url: string }) => ({ data: answers[url], headers: {} }),
        { endpoint: (route: string) => ({ url: route.replace(/^GET /, '') }) },
      );
      return {
        graphqlAllowance: allowance,
        request,
        paginate: async () => [{ id: 1 }, { id: 2 }],
        rest: { apps: { listInstallations: 'installations' } },
      };
    };
    const app = {
      auth: async (id?: number) => octokitFor(id ?? 0),
      log: { info: (_: object, message: string) => logs.push(message), warn: () => {} },
    } as unknown as ResyncApp;
    return { app, logs };
  }

  /** One resync pass at the clock's 1000: the builds it read, as `owner:build`, and how many. */
  async function resyncOf(app: ResyncApp) {
    conditionalReads.clear();
    const seen: string[] = [];
    const scheduled = await resyncAll(
      app,
      (ctx: RepoContext, ref) => {
        seen.push(`${ctx.owner}:${ref.build}`);
        return true;
      },
      async () => 'baton[bot]',
      { now: () => 1000 },
    );
    return { seen, scheduled };
  }

  it('passes over the low installation and reads the others’ builds', async () => {
    const { app, logs } = fakeApp([1]);
    const { seen, scheduled } = await resyncOf(app);
    expect(seen).toEqual(['org-2:7-thing']);
    expect(scheduled).toBe(1);
    expect(logs).toContain(
      'baton: resync passes over an installation low on GraphQL points until they come back',
    );
  });

  it('reads every installation when none is low', async () => {
    const { seen } = await resyncOf(fakeApp([]).app);
    expect(seen).toEqual(['org-1:7-thing', 'org-2:7-thing']);
  });
});
