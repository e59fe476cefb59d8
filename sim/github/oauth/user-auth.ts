/**
 * The simulated GitHub's user authorization of one GitHub App: the web flow a
 * person signs in through, the token exchange, and what a user access token
 * reads. Modelled on GitHub's documentation, with its refusals:
 *
 * - `GET /login/oauth/authorize` needs the app's `client_id`; a `redirect_uri`
 *   "must be an exact match to one of the URLs you provided as a Callback URL
 *   in your app's settings" (else GitHub shows an error page and redirects
 *   nowhere); `state` comes back unchanged; `code_challenge` with
 *   `code_challenge_method=S256` asks for PKCE
 *   (https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-user-access-token-for-a-github-app#using-the-web-application-flow-to-generate-a-user-access-token).
 *   Here the signed-in person is whoever the consent form names: the page
 *   lists the simulation's people, and consenting redirects with `code` and `state`.
 * - `POST /login/oauth/access_token` takes `client_id`, `client_secret`,
 *   `code`, `redirect_uri`, `code_verifier`, or `grant_type=refresh_token`
 *   with `refresh_token`; a wrong code answers 200 with an `error` field, wrong
 *   client credentials `incorrect_client_credentials` (user-tokens.ts).
 * - A user access token "can only access resources that both the user and the
 *   app can access" (…/authenticating-with-a-github-app/authenticating-with-a-github-app-on-behalf-of-a-user):
 *   `GET /user/installations` lists the app's installations "that the
 *   authenticated user has explicit permission (:read, :write, or :admin) to
 *   access", and `GET /user/installations/{installation_id}/repositories` the
 *   repositories of one they have explicit permission to access, each with a
 *   `permissions` hash; 404 for an installation they cannot see
 *   (https://docs.github.com/en/rest/apps/installations#list-repositories-accessible-to-the-user-access-token).
 *   A public repository they have no explicit permission on is not listed.
 * - `GET /user/memberships/orgs/{org}`: the person's membership of an
 *   organisation, 404 where they have none, 403 where the app lacks "Members"
 *   (org-memberships.ts).
 * - `DELETE /applications/{client_id}/token`, with the app's client id and
 *   secret as basic authentication, revokes a token (204)
 *   (https://docs.github.com/en/rest/apps/oauth-applications#delete-an-app-token).
 */
import type { FakeGitHub } from '../fake-github.js';
import { etagOf, matchesEtag } from '../rest-limit.js';
import { type ApiRequest, type ApiResponse, json } from '../router.js';
import { repositoryBody } from '../routes/routes-git.js';
import { escapeHtml, renderConsentPage, type SimPerson } from './consent-page.js';
import {
  MEMBERSHIP_PATH,
  membershipAnswer,
  type SimMembership,
  type SimMemberships,
} from './org-memberships.js';
import { type TokenAnswer, type TokenRefusal, UserTokens } from './user-tokens.js';

export type { SimMembership, SimPerson };

export interface UserAuthOptions {
  clientId: string;
  clientSecret: string;
  /** The app's registered callback URLs (more may be added to `callbackUrls` later). */
  callbackUrls?: string[];
  /** Every repository served: a person's access is read off each one's `permissions`. */
  repositories: () => readonly FakeGitHub[];
  people: SimPerson[];
  now: () => number;
}

export class SimUserAuth {
  readonly clientId: string;
  /** The app's registered callback URLs: a test adds its app's once it listens. */
  readonly callbackUrls: string[];
  readonly tokens: UserTokens;
  readonly people: SimPerson[];
  /** Who belongs to which organisation, and as what (`admin`: an owner): organisation → login → membership. */
  readonly memberships: SimMemberships = new Map();
  /** Every request the API routes answered, by route, with the status sent (304 where unchanged) and the person it was for. */
  readonly log: { route: string; status: number; login: string | null }[] = [];
  readonly #options: UserAuthOptions;

  constructor(options: UserAuthOptions) {
    this.#options = options;
    this.clientId = options.clientId;
    this.callbackUrls = [...(options.callbackUrls ?? [])];
    this.people = options.people;
    this.tokens = new UserTokens(options.now);
  }

  /** The web host's routes (`/login/oauth/…`); null for any other path. */
  web(request: ApiRequest): ApiResponse | null {
    if (request.path !== '/login/oauth/authorize' && request.path !== '/login/oauth/access_token')
      return null;
    if (request.path === '/login/oauth/access_token' && request.method === 'POST')
      return this.#exchange(fieldsOf(request));
    if (request.method === 'GET') return this.#authorizePage(request.query);
    if (request.method === 'POST') return this.#consent(fieldsOf(request));
    return json(405, { message: 'Method Not Allowed' });
  }

  #checkAuthorize(fields: URLSearchParams): string | null {
    if (fields.get('client_id') !== this.clientId)
      return 'The client_id is not that of a GitHub App.';
    const redirect = fields.get('redirect_uri');
    if (redirect !== null && !this.callbackUrls.includes(redirect))
      return 'The redirect_uri is not associated with this application.';
    const method = fields.get('code_challenge_method');
    if (fields.get('code_challenge') !== null && method !== 'S256')
      return 'code_challenge_method must be S256.';
    return null;
  }

  #authorizePage(query: URLSearchParams): ApiResponse {
    const problem = this.#checkAuthorize(query);
    if (problem)
      return html(400, `<!doctype html><title>Error</title><p>${escapeHtml(problem)}</p>`);
    return html(200, renderConsentPage({ query, people: this.people }));
  }

  #consent(fields: URLSearchParams): ApiResponse {
    const problem = this.#checkAuthorize(fields);
    const person = this.people.find((one) => one.login === fields.get('login'));
    if (problem || !person)
      return html(400, `<!doctype html><p>${escapeHtml(problem ?? 'No such person.')}</p>`);
    const redirect = fields.get('redirect_uri') ?? this.callbackUrls[0] ?? '';
    const code = this.tokens.issueCode({
      login: person.login,
      redirectUri: fields.get('redirect_uri'),
      challenge: fields.get('code_challenge'),
    });
    const target = new URL(redirect);
    target.searchParams.set('code', code);
    const state = fields.get('state');
    if (state !== null) target.searchParams.set('state', state);
    return { status: 302, headers: { location: target.toString() }, body: '' };
  }

  #exchange(fields: URLSearchParams): ApiResponse {
    if (
      fields.get('client_id') !== this.clientId ||
      fields.get('client_secret') !== this.#options.clientSecret
    ) {
      return json(200, {
        error: 'incorrect_client_credentials',
        error_description: 'The client_id and/or client_secret passed are incorrect.',
      });
    }
    const answer: TokenAnswer | TokenRefusal =
      fields.get('grant_type') === 'refresh_token'
        ? this.tokens.refresh(fields.get('refresh_token') ?? '')
        : this.tokens.exchange({
            code: fields.get('code') ?? '',
            redirectUri: fields.get('redirect_uri'),
            verifier: fields.get('code_verifier'),
          });
    return json(200, answer);
  }

  /** The API routes a user access token (or the app's client credentials) calls; null for any other. */
  api(request: ApiRequest): ApiResponse | null {
    const route = routeOf(request);
    if (!route) return null;
    const bearer =
      /^(?:bearer|token)\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? null;
    const login =
      route === 'DELETE /applications/{client_id}/token' ? null : this.tokens.loginOf(bearer);
    const answer =
      route === 'DELETE /applications/{client_id}/token'
        ? this.#revoke(request)
        : login === null
          ? json(401, {
              message: 'Bad credentials',
              documentation_url: 'https://docs.github.com/rest',
            })
          : this.#read(route, request, login);
    const sent = conditional(request, answer);
    this.log.push({ route, status: sent.status, login });
    return sent;
  }

  #read(route: string, request: ApiRequest, login: string): ApiResponse {
    const person = this.people.find((one) => one.login === login);
    if (route === 'GET /user') return json(200, { login, id: person?.id ?? 0, type: 'User' });
    if (route === 'GET /user/memberships/orgs/{org}') {
      const org = decodeURIComponent(MEMBERSHIP_PATH.exec(request.path)?.[1] ?? '');
      const repositories = this.#options.repositories();
      return membershipAnswer({ org, login, repositories, memberships: this.memberships });
    }
    const visible = this.#visibleTo(login);
    if (route === 'GET /user/installations') {
      const installations = [...new Map(visible.map((gh) => [gh.installationId, gh])).values()];
      return json(200, {
        total_count: installations.length,
        installations: installations.map((gh) => ({
          id: gh.installationId,
          app_id: 1,
          account: { login: gh.owner, type: 'Organization' },
          target_type: 'Organization',
          repository_selection: 'selected',
          permissions: { ...gh.installationGrants.permissions },
        })),
      });
    }
    const id = Number(/^\/user\/installations\/(\d+)\/repositories$/.exec(request.path)?.[1]);
    const mine = visible.filter((gh) => gh.installationId === id);
    if (mine.length === 0)
      return json(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    return json(200, {
      total_count: mine.length,
      repository_selection: 'selected',
      repositories: mine.map((gh) => repositoryOf(gh, login)),
    });
  }

  #revoke(request: ApiRequest): ApiResponse {
    const [, basic = ''] = /^basic\s+(\S+)$/i.exec(request.headers.authorization ?? '') ?? [];
    const [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':');
    if (id !== this.clientId || secret !== this.#options.clientSecret)
      return json(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    const token = (request.body as { access_token?: unknown } | undefined)?.access_token;
    if (typeof token !== 'string') return json(422, { message: 'Validation Failed' });
    this.tokens.revoke(token);
    return { status: 204 };
  }

  /** The repositories the app is installed on that `login` has explicit permission on. */
  #visibleTo(login: string): FakeGitHub[] {
    return this.#options
      .repositories()
      .filter(
        (gh) =>
          gh.installed && ['read', 'write', 'admin'].includes(gh.permissions.get(login) ?? 'none'),
      );
  }
}

function routeOf(request: ApiRequest): string | null {
  if (request.method === 'GET' && request.path === '/user') return 'GET /user';
  if (request.method === 'GET' && request.path === '/user/installations')
    return 'GET /user/installations';
  if (request.method === 'GET' && /^\/user\/installations\/\d+\/repositories$/.test(request.path))
    return 'GET /user/installations/{installation_id}/repositories';
  if (request.method === 'GET' && MEMBERSHIP_PATH.test(request.path))
    return 'GET /user/memberships/orgs/{org}';
  if (request.method === 'DELETE' && /^\/applications\/[^/]+\/token$/.test(request.path))
    return 'DELETE /applications/{client_id}/token';
  return null;
}

function repositoryOf(gh: FakeGitHub, login: string) {
  const permission = gh.permissions.get(login) ?? 'none';
  const write = permission === 'write' || permission === 'admin';
  return {
    ...repositoryBody(gh),
    permissions: {
      admin: permission === 'admin',
      maintain: permission === 'admin',
      push: write,
      triage: write,
      pull: true,
    },
  };
}

/** A read's `etag`, and 304 with no body where `If-None-Match` names it. */
function conditional(request: ApiRequest, answer: ApiResponse): ApiResponse {
  if (request.method !== 'GET' || answer.status !== 200 || answer.body === undefined) return answer;
  const etag = etagOf(answer.body, undefined);
  if (matchesEtag(request.headers['if-none-match'], etag))
    return { status: 304, headers: { etag } };
  return { ...answer, headers: { ...answer.headers, etag } };
}

/** The fields of a form post, a JSON body, or the query string (GitHub takes the token exchange's as any). */
function fieldsOf(request: ApiRequest): URLSearchParams {
  const fields = new URLSearchParams(request.query);
  const { body } = request;
  if (typeof body === 'string')
    for (const [key, value] of new URLSearchParams(body)) fields.set(key, value);
  else if (body && typeof body === 'object')
    for (const [key, value] of Object.entries(body))
      if (typeof value === 'string') fields.set(key, value);
  return fields;
}

function html(status: number, body: string): ApiResponse {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body };
}
