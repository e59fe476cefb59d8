import { describe, expect, it } from 'vitest';
import { createGitHubReads, graphqlUrlOf } from '../../src/session/reads/github-reads.js';
import { NEVER_EDITED, startFakeGitHub } from './agent-fixtures.js';

describe('where a session sends GraphQL', () => {
  it.each([
    ['https://api.github.com', 'https://api.github.com/graphql'],
    ['https://api.octo.ghe.com', 'https://api.octo.ghe.com/graphql'],
    ['https://ghes.example.com/api/v3', 'https://ghes.example.com/api/graphql'],
    ['https://ghes.example.com/api/v3/', 'https://ghes.example.com/api/graphql'],
  ])('derives it from GITHUB_API_URL %s when Actions does not say: %s', (api, graphql) => {
    expect(graphqlUrlOf(api)).toBe(graphql);
  });

  it("asks the issue's history at /api/graphql on Enterprise Server, not under /api/v3", async () => {
    const github = await startFakeGitHub({ 'POST /api/graphql': NEVER_EDITED });
    try {
      for (const graphqlUrl of [`${github.url}/api/graphql`, undefined]) {
        const reads = createGitHubReads({
          apiUrl: `${github.url}/api/v3`,
          ...(graphqlUrl ? { graphqlUrl } : {}),
          repository: 'octo/demo',
          token: 'ghs_read',
          log: () => {},
        });
        expect(await reads.getIssueHistory(12)).toMatchObject({ lastEdit: null });
      }
      expect(github.requests).toEqual(['POST /api/graphql', 'POST /api/graphql']);
    } finally {
      await github.close();
    }
  });
});
