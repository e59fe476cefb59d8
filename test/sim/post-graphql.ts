import type { FakeGitHub } from '../../sim/github/fake-github.js';

/**
 * A GraphQL call to the simulated GitHub, handled in this process: `query`
 * with its `variables`, and `headers` (none unless told).
 */
export function postGraphql(
  gh: FakeGitHub,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  return gh.handle({
    method: 'POST',
    path: '/graphql',
    query: new URLSearchParams(),
    body: { query, variables },
    headers,
  });
}
