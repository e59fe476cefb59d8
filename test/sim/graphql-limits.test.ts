import { describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import { GraphqlBudget } from '../../sim/github/graphql/graphql-budget.js';
import { manualClock } from '../support/builds.js';
import { rateLimitHeaders } from '../support/rate-limit-headers.js';
import { postGraphql } from './post-graphql.js';

/**
 * The simulator's GraphQL refuses what GitHub refuses ("Rate limits and query
 * limits for the GraphQL API"): a connection without `first`/`last` or over
 * 100, a call over 500,000 possible nodes, and calls past the installation's
 * hourly points; and it honours `first`/`last`/`after` on every connection.
 */
const OLD_BUILD_SHAPE = /* GraphQL */ `
  query BatonBuild($owner: String!, $repo: String!, $integration: String!) {
    repository(owner: $owner, name: $repo) {
      pullRequests(baseRefName: $integration, first: 100) {
        nodes {
          comments(last: 100) { nodes { body } }
          commits(last: 1) {
            nodes {
              commit {
                checkSuites(first: 50) {
                  nodes { checkRuns(first: 100) { nodes { name status conclusion detailsUrl } } }
                }
              }
            }
          }
        }
      }
    }
  }
`;

const COMMENTS = /* GraphQL */ `
  query BatonBuild($owner: String!, $repo: String!, $issue: Int!, $n: Int!) {
    repository(owner: $owner, name: $repo) {
      issue(number: $issue) { comments(last: $n) { totalCount nodes { databaseId body } } }
    }
  }
`;

const PULLS_PAGE = /* GraphQL */ `
  query BatonBuildPulls($owner: String!, $repo: String!, $integration: String!, $after: String!) {
    repository(owner: $owner, name: $repo) {
      pullRequests(baseRefName: $integration, first: 20, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { number }
      }
    }
  }
`;

describe('the simulated GraphQL endpoint', () => {
  it('refuses a call over 500,000 possible nodes with GitHub’s error, before running it', () => {
    const gh = new FakeGitHub();
    const response = postGraphql(gh, OLD_BUILD_SHAPE, {
      owner: gh.owner,
      repo: gh.repo,
      integration: 'baton/b1',
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      errors: [
        {
          type: 'MAX_NODE_LIMIT_EXCEEDED',
          message:
            'This query requests up to 515,200 possible nodes which exceeds the maximum limit of 500,000.',
        },
      ],
    });
    expect(gh.graphqlBudget.spent).toBe(0);
  });

  it('refuses `first` or `last` over 100, given literally or by a variable', () => {
    const gh = new FakeGitHub();
    const issue = gh.openIssue({ title: 'x' });
    const response = postGraphql(gh, COMMENTS, { owner: gh.owner, repo: gh.repo, issue, n: 101 });
    expect(response.body).toEqual({
      errors: [
        {
          type: 'EXCESSIVE_PAGINATION',
          message:
            'Requesting 101 records on the `comments` connection exceeds the `last` limit of 100 records.',
          path: ['repository', 'issue', 'comments'],
        },
      ],
    });
  });

  it('refuses a connection with neither `first` nor `last`', () => {
    const gh = new FakeGitHub();
    const response = postGraphql(
      gh,
      `query BatonBuildRefs { repository(owner: "octo-org", name: "widgets") { refs(refPrefix: "refs/heads/") { nodes { name } } } }`,
    );
    expect(response.body).toEqual({
      errors: [
        {
          type: 'MISSING_PAGINATION_BOUNDARIES',
          message:
            'You must provide a `first` or `last` value to properly paginate the `refs` connection.',
          path: ['repository', 'refs'],
        },
      ],
    });
  });

  it('answers a connection with at most `last` of its nodes, the newest, and their whole count', () => {
    const gh = new FakeGitHub();
    const issue = gh.openIssue({ title: 'x' });
    for (let i = 1; i <= 150; i++) gh.addComment({ issue, body: `c${i}`, user: 'octocat' });
    type Comments = {
      totalCount: number;
      pageInfo?: { hasNextPage: boolean };
      nodes: { body: string }[];
    };
    const commentsOf = (query: string) =>
      (
        postGraphql(gh, query, { owner: gh.owner, repo: gh.repo, issue, n: 100 }).body as {
          data: { repository: { issue: { comments: Comments } } };
        }
      ).data.repository.issue.comments;
    const newest = commentsOf(COMMENTS);
    expect(newest.totalCount).toBe(150);
    expect(newest.nodes).toHaveLength(100);
    expect(newest.nodes[0]?.body).toBe('c51');
    expect(newest.nodes.at(-1)?.body).toBe('c150');
    const oldest = commentsOf(
      COMMENTS.replace(
        'comments(last: $n) {',
        'comments(first: 2) { pageInfo { hasNextPage }',
      ).replace(', $n: Int!', ''),
    );
    expect(oldest.nodes.map((n) => n.body)).toEqual(['c1', 'c2']);
    expect(oldest.pageInfo?.hasNextPage).toBe(true);
  });

  it('pages a connection by `first` and `after` until `hasNextPage` is false', () => {
    const gh = new FakeGitHub();
    const integration = 'baton/b1';
    gh.git.commitOn(integration, { 'a.txt': 'a' }, 'build branch');
    for (let i = 1; i <= 45; i++) {
      gh.git.commitOn(`baton/b1/w${i}`, { [`w${i}.txt`]: 'x' }, `w${i}`);
      gh.openPull({
        title: `w${i}`,
        body: '',
        head: `baton/b1/w${i}`,
        base: integration,
        user: 'octocat',
      });
    }
    const seen: number[] = [];
    let after = '';
    let first = true;
    for (let guard = 0; guard < 10; guard++) {
      const query = first
        ? PULLS_PAGE.replace(', $after: String!', '').replace(', after: $after', '')
        : PULLS_PAGE;
      first = false;
      const response = postGraphql(gh, query, {
        owner: gh.owner,
        repo: gh.repo,
        integration,
        after,
      });
      const page = (
        response.body as {
          data: {
            repository: {
              pullRequests: {
                pageInfo: { hasNextPage: boolean; endCursor: string };
                nodes: { number: number }[];
              };
            };
          };
        }
      ).data.repository.pullRequests;
      expect(page.nodes.length).toBeLessThanOrEqual(20);
      seen.push(...page.nodes.map((n) => n.number));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(45);
    expect(new Set(seen).size).toBe(45);
  });

  it('charges each call its points with the graphql resource’s headers, and refuses calls past the hour’s budget', () => {
    const time = manualClock();
    const gh = new FakeGitHub({ now: time.now, graphqlBudget: new GraphqlBudget(3) });
    const issue = gh.openIssue({ title: 'x' });
    const variables = { owner: gh.owner, repo: gh.repo, issue, n: 10 };
    const first = postGraphql(gh, COMMENTS, variables);
    expect(first.headers).toMatchObject(
      rateLimitHeaders(2, { limit: 3, reset: Date.parse('2026-01-01T01:00:00Z') / 1000 }),
    );
    postGraphql(gh, COMMENTS, variables);
    postGraphql(gh, COMMENTS, variables);
    const refused = postGraphql(gh, COMMENTS, variables);
    expect(refused.status).toBe(200);
    expect(refused.body).toEqual({
      errors: [
        {
          type: 'RATE_LIMITED',
          message: `API rate limit exceeded for installation ID ${gh.installationId}.`,
        },
      ],
    });
    expect(refused.headers).toMatchObject({
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': '3',
    });
    time.advance(3_600_000);
    const next = postGraphql(gh, COMMENTS, variables);
    expect((next.body as { data?: unknown }).data).toBeDefined();
    expect(next.headers).toMatchObject({ 'x-ratelimit-remaining': '2' });
  });

  it('charges a call by GitHub’s formula: a page of 100 PRs with nested connections costs more than one point', () => {
    const gh = new FakeGitHub();
    postGraphql(
      gh,
      `query BatonBuild { repository(owner: "octo-org", name: "widgets") {
        pullRequests(first: 100) { nodes { comments(last: 100) { nodes { body } } reviews(last: 100) { nodes { body } } } }
      } }`,
    );
    // 1 + 100 + 100 requests to fill the connections, ÷ 100, rounded.
    expect(gh.graphqlBudget.spent).toBe(2);
  });
});
