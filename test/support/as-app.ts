import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { installationToken } from '../../sim/github/tokens.js';

/**
 * The headers of a request the app makes with its installation token: what a test of the
 * simulator sends to a route that needs a credential, as GitHub's do (a write, or any
 * request to a private repository).
 */
export function asApp(gh: FakeGitHub): { authorization: string } {
  return { authorization: `token ${installationToken(gh.installationId)}` };
}
