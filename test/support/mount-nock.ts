import nock from 'nock';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { serveArchive } from '../../sim/github/routes/routes-archive.js';
import { installationToken } from '../../sim/github/tokens.js';
import { BatonOctokit } from '../../src/github/client/octokit.js';
import type { Octokit, RepoContext } from '../../src/github/client/types.js';

export const API = 'https://api.github.com';

/**
 * Serves the simulated GitHub through nock, so Octokit's native fetch reaches
 * it with no socket. Every request is routed by GitHub's route templates and
 * logged on `gh.log`; an unknown route answers 501 and shows in the log.
 * `served` may pick the simulated repository by the request's path (several repositories).
 */
export function mountOnNock(
  served: FakeGitHub | ((path: string, body: unknown) => FakeGitHub),
  base = API,
): nock.Scope {
  const scope = nock(base).persist();
  for (const method of ['GET', 'POST', 'PATCH', 'PUT', 'DELETE']) {
    scope.intercept(/.*/, method).reply(function reply(uri, requestBody) {
      const url = new URL(uri, base);
      const headers = Object.fromEntries(
        Object.entries(this.req.headers).map(([key, value]) => [key.toLowerCase(), String(value)]),
      );
      const body =
        typeof requestBody === 'string' && requestBody ? safeJson(requestBody) : requestBody;
      const gh = typeof served === 'function' ? served(url.pathname, body) : served;
      const response = gh.handle({
        method,
        path: url.pathname,
        query: url.searchParams,
        body,
        headers,
      });
      const isText = typeof response.body === 'string';
      // A 304 Not Modified has no body (fetch refuses one).
      const empty = response.status === 304;
      return [
        response.status,
        empty ? undefined : isText ? response.body : JSON.stringify(response.body ?? ''),
        {
          'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
          ...response.headers,
        },
      ];
    });
  }
  return scope;
}

/**
 * Serves the archive links of the simulated repositories (`GET …/tarball/{ref}`'s
 * redirect to GitHub's codeload host) through nock, as codeload answers them.
 */
export function mountCodeloadOnNock(served: FakeGitHub[]): nock.Scope {
  const base = 'https://codeload.github.com';
  return nock(base)
    .persist()
    .get(/.*/)
    .reply((uri) => {
      const url = new URL(uri, base);
      const gh = served.find((one) =>
        url.pathname.toLowerCase().startsWith(`/${one.fullName.toLowerCase()}/`),
      );
      if (!gh) return [404, 'Not Found'];
      const answer = serveArchive(gh, { path: url.pathname, token: url.searchParams.get('token') });
      return [answer.status, answer.body, answer.headers];
    });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The app's view of the simulated repository: an installation token's Octokit, throttling off,
 * retries off unless `retries` (then the app's own retry policy, as in production, its waits of a millisecond).
 */
export function repoContextOn(gh: FakeGitHub, { retries = false } = {}): RepoContext {
  const octokit = new BatonOctokit({
    auth: { token: installationToken(gh.installationId) },
    retry: retries ? { retryAfterBaseValue: 1 } : { enabled: false },
    throttle: { enabled: false },
  } as never) as unknown as Octokit;
  return { octokit, owner: gh.owner, repo: gh.repo, botLogin: gh.botLogin };
}
