import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { asApp } from '../support/as-app.js';

/**
 * A GraphQL call to the simulated GitHub, handled in this process: `query`
 * with its `variables`, and `headers` (the app's installation token unless told).
 */
export function postGraphql(
  gh: FakeGitHub,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = asApp(gh),
) {
  return gh.handle({
    method: 'POST',
    path: '/graphql',
    query: new URLSearchParams(),
    body: { query, variables },
    headers,
  });
}
