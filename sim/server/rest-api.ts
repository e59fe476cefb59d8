import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeGitHub } from '../github/fake-github.js';
import { notAccessible } from '../github/permissions.js';
import { type ApiRequest, type ApiResponse, notFound, type Router } from '../github/router.js';
import { isReadOnlyToken } from '../github/tokens.js';
import type { Faults, RestFault } from './faults.js';

/** One REST request as the server saw it, with what it answered. */
export interface ServedRequest {
  method: string;
  path: string;
  status: number;
  /** Set when a fault knob answered instead of the simulated GitHub. */
  fault?: RestFault['kind'];
  /** The request's user agent, which tells the app from a session. */
  userAgent: string;
  /** When it was served (`Date.now()`). */
  at: number;
}

/**
 * Answers one REST request: a fault if a knob says so, a refusal for a write
 * with the agent job's read-only token, else the simulated GitHub (or, where
 * it has no route, one of the server's extra routes). Requests for another repository answer 404, as
 * they would for a repository the app is not installed on.
 */
export function answerRest({
  gh,
  extra,
  faults,
  request,
  credential,
}: {
  gh: FakeGitHub;
  extra: Router;
  faults: Faults;
  request: ApiRequest;
  credential: string | null;
}): { response: ApiResponse; fault?: RestFault['kind'] } {
  const fromApp = !(request.headers['user-agent'] ?? '').startsWith('baton-session');
  const fault = faults.restFault({ method: request.method, path: request.path, fromApp });
  if (fault) return { response: fault.response, fault: fault.kind };
  if (isForeignRepository(gh, request.path)) return { response: notFound() };
  // REST requests are checked against the token's permissions by `gh.handle`; GraphQL is not
  // in GitHub's endpoint data, so only its one rule for a read-only token is kept here.
  if (isReadOnlyToken(credential) && isGraphqlMutation(request)) {
    return { response: notAccessible('none: a read-only token sends no GraphQL mutation') };
  }
  const answered = gh.handle(request);
  if (answered.status !== 501) return { response: answered };
  const found = extra.resolve(request);
  if (!found) return { response: answered };
  const matched = {
    template: found.template,
    response: gh.authorize(request, found) ?? found.run(),
  };
  // The simulated GitHub logged its "no route" answer; the server's own route answered instead.
  gh.log.pop();
  gh.log.push({
    route: matched.template,
    status: matched.response.status,
    method: request.method,
    path: request.path,
    body: request.body,
  });
  return { response: matched.response };
}

/** A read token may query GraphQL, as on GitHub; a mutation is a write. */
function isGraphqlMutation(request: ApiRequest): boolean {
  if (request.method !== 'POST' || request.path !== '/graphql') return false;
  const query = (request.body as { query?: unknown } | undefined)?.query;
  return typeof query !== 'string' || /^\s*mutation\b/.test(query);
}

function isForeignRepository(gh: FakeGitHub, path: string): boolean {
  const found = /^\/repos\/([^/]+)\/([^/]+)/.exec(path);
  if (!found) return false;
  const [, owner = '', repo = ''] = found;
  return (
    owner.toLowerCase() !== gh.owner.toLowerCase() || repo.toLowerCase() !== gh.repo.toLowerCase()
  );
}

/**
 * The simulated GitHub's `link` headers name api.github.com (app tests mount it
 * there); served over HTTP they must point back at this server, at the same
 * route, or Octokit's pagination would leave the machine.
 */
function rewriteLinks(link: string, { apiUrl, path }: { apiUrl: string; path: string }): string {
  return link.replace(/<https:\/\/api\.github\.com\/[^?>]*\?/g, `<${apiUrl}${path}?`);
}

/** A request body: JSON when it parses, else the text. */
export async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Headers by lower-case name, as the router wants them. */
export function lowerHeaders(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(req.headers).map(([key, value]) => [key.toLowerCase(), String(value)]),
  );
}

/** Writes an answer of the simulated GitHub, its page links pointing back at this server. */
export function writeResponse(
  res: ServerResponse,
  response: ApiResponse,
  links: { apiUrl: string; path: string },
): void {
  const isText = typeof response.body === 'string';
  const headers: Record<string, string> = {
    'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    ...response.headers,
  };
  if (headers.link) headers.link = rewriteLinks(headers.link, links);
  if (response.status === 204 || response.body === undefined) {
    res.writeHead(response.status, headers).end();
    return;
  }
  res
    .writeHead(response.status, headers)
    .end(isText ? response.body : JSON.stringify(response.body));
}
