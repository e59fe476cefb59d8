/**
 * The simulated GitHub as a client reaches it: the state of one repository
 * (github-state.ts) behind GitHub's route templates (routes/), with GitHub's
 * checks before a route runs (the token's permissions, the body cap), faults
 * injected in its answers, and the log of every request.
 */
import { APP_JWT_ROUTES, refuseAppJwt } from './app-jwt.js';
import { refuseLongBody } from './body-limit.js';
import { credentialIn, type FakeGitHubOptions, GitHubState } from './github-state.js';
import { missingPermission, notAccessible, workflowRefusal } from './permissions.js';
import { etagOf, matchesEtag, rateLimited } from './rest-limit.js';
import {
  type ApiRequest,
  type ApiResponse,
  badCredentials,
  json,
  notFound,
  Router,
} from './router.js';
import { registerArchiveRoutes } from './routes/routes-archive.js';
import { registerContentRoutes } from './routes/routes-contents.js';
import { registerGitRoutes } from './routes/routes-git.js';
import { registerGraphqlRoutes } from './routes/routes-graphql.js';
import { registerInstallationRoutes } from './routes/routes-installation.js';
import { registerIssueRoutes } from './routes/routes-issues.js';
import { registerProbeRoutes } from './routes/routes-probes.js';
import { registerPullRoutes } from './routes/routes-pulls.js';
import { registerReleaseRoutes } from './routes/routes-releases.js';
import { registerRunRoutes } from './routes/routes-runs.js';
import { registerSubIssueRoutes } from './routes/routes-sub-issues.js';
import { installationOfToken, personOfToken, readOnlyTokenOf } from './tokens.js';

/** Something the app did, as a test wants to assert it. */
export interface SimRequestLog {
  /** `GET /repos/{owner}/{repo}/issues/{issue_number}`, GitHub's route template. */
  route: string;
  status: number;
  method: string;
  path: string;
  body: unknown;
  /** The run whose agent job's read-only `GITHUB_TOKEN` made it, if one did. */
  agentRun?: number;
  /** When GitHub answered it (the simulated clock). */
  at?: string;
}

/**
 * A GitHub good enough to run Baton against: one repository, its git data,
 * issues, comments, pull requests, reviews, checks and Actions runs, served
 * through GitHub's own route templates. Tests mount it on nock; the end-to-end
 * simulator serves it over HTTP.
 */
export class FakeGitHub extends GitHubState {
  readonly log: SimRequestLog[] = [];
  /**
   * Answers to give once in place of GitHub's (fault injection): the route runs first (an answer
   * lost on the way), unless `unrouted` (the request never reached GitHub).
   */
  readonly faults: { route: string; response: ApiResponse; unrouted?: boolean }[] = [];
  /**
   * The other repositories of this repository's installation (same `installationId`),
   * which `GET /installation/repositories` lists after this one; `joinInstallation` sets
   * them for every repository of the installation. Tests that serve several
   * repositories on nock pick each request's repository by its path (`mountOnNock`).
   */
  readonly installationPeers: FakeGitHub[] = [];
  readonly #router = new Router();

  constructor(options: FakeGitHubOptions = {}) {
    super(options);
    registerGitRoutes(this.#router, this);
    registerIssueRoutes(this.#router, this);
    registerSubIssueRoutes(this.#router, this);
    registerPullRoutes(this.#router, this);
    registerReleaseRoutes(this.#router, this);
    registerRunRoutes(this.#router, this);
    registerContentRoutes(this.#router, this);
    registerGraphqlRoutes(this.#router, this);
    registerInstallationRoutes(this.#router, this);
    registerProbeRoutes(this.#router, this);
    registerArchiveRoutes(this.#router, this);
  }

  /** Handles one REST request; unknown routes answer 501 so a test sees them. */
  handle(request: ApiRequest): ApiResponse {
    const matched = this.#router.resolve(request);
    const route = matched?.template ?? `${request.method} ${request.path}`;
    // GitHub's checks come first: the token's permissions, then a body over GitHub's cap, then
    // the installation's hourly requests. The route runs before a fault answers in its place: a
    // fault is an answer lost on the way (or, `unrouted`, a request that never reached GitHub).
    const faultIndex = this.faults.findIndex((fault) => fault.route === route);
    const fault = faultIndex >= 0 ? this.faults.splice(faultIndex, 1)[0] : undefined;
    const limited = matched && !fault?.unrouted && this.#countsAgainstLimit(request, route);
    const admitted = limited ? this.restBudget.admits(Date.parse(this.now())) : null;
    const answered =
      matched && !fault?.unrouted
        ? (this.authorize(request, matched) ??
          refuseLongBody(matched.template, request.body) ??
          (admitted && !admitted.allowed
            ? { ...rateLimited(this.installationId), headers: admitted.headers }
            : null) ??
          this.#secondaryLimit(request, route) ??
          matched.run())
        : null;
    const response = fault
      ? fault.response
      : (answered ?? {
          status: 501,
          body: { message: `the simulator has no route for ${route}` },
        });
    // Listings build their `link` without knowing their path: point it back at this route.
    const link = response.headers?.link;
    if (link?.includes('https://api.github.com/next?')) {
      response.headers = {
        ...response.headers,
        link: link.replaceAll(
          'https://api.github.com/next?',
          `https://api.github.com${request.path}?`,
        ),
      };
    }
    if (this.enterpriseVersion !== null) {
      response.headers = {
        ...response.headers,
        'x-github-enterprise-version': `${this.enterpriseVersion}.0`,
      };
    }
    // Every token's reads are tagged and answered 304 when unchanged; only the installation's count.
    const answer = limited
      ? admitted?.allowed
        ? this.#conditional(request, response, { counted: true })
        : response
      : matched && !fault
        ? this.#conditional(request, response, { counted: false })
        : response;
    const credential = credentialIn(request.headers);
    const agentRun = readOnlyTokenOf(credential)?.runId;
    this.log.push({
      route,
      status: answer.status,
      method: request.method,
      path: request.path,
      body: request.body,
      ...(agentRun ? { agentRun } : {}),
      at: this.now(),
    });
    return answer;
  }

  /**
   * Whether a request counts against the installation's primary limit: a REST
   * request made with one of its installation tokens (GraphQL has a budget of
   * its own, the app's JWT and the agent's `GITHUB_TOKEN` limits of theirs).
   */
  #countsAgainstLimit(request: ApiRequest, route: string): boolean {
    if (route === 'POST /graphql') return false;
    return installationOfToken(credentialIn(request.headers)) === this.installationId;
  }

  /**
   * GitHub's refusal of a content-creating request of the installation past its
   * secondary limits, where a test asks for it (`secondaryLimit.enforce`); the
   * write is counted otherwise.
   */
  #secondaryLimit(request: ApiRequest, route: string): ApiResponse | null {
    const write =
      route === 'POST /graphql'
        ? /^\s*mutation\b/.test(String((request.body as { query?: unknown } | null)?.query ?? ''))
        : request.method !== 'GET' && request.method !== 'HEAD';
    if (!write) return null;
    if (installationOfToken(credentialIn(request.headers)) !== this.installationId) return null;
    return this.secondaryLimit.admit(Date.parse(this.now()), route);
  }

  /**
   * An answer with its entity tag, or, for a read whose `If-None-Match` names
   * it, 304 Not Modified with no body; every answer but a 304 is counted. A
   * write's answer (200 or 201 with a body) is tagged as a read of the same
   * representation would be (`editTagAnswersRead`): what `baton doctor` asks
   * of GitHub (`edit-tag-answers-read`), which no documentation settles.
   */
  #conditional(
    request: ApiRequest,
    response: ApiResponse,
    { counted }: { counted: boolean },
  ): ApiResponse {
    const now = Date.parse(this.now());
    const charge = (notModified = false) =>
      counted ? this.restBudget.charge(now, { notModified }) : {};
    const read = request.method === 'GET' || request.method === 'HEAD';
    const tagged = read
      ? response.status === 200
      : this.editTagAnswersRead && (response.status === 200 || response.status === 201);
    if (!tagged || response.body === undefined)
      return { ...response, headers: { ...response.headers, ...charge() } };
    const etag = etagOf(response.body, response.headers?.link);
    if (read && matchesEtag(request.headers['if-none-match'], etag)) {
      return { status: 304, headers: { ...charge(true), etag } };
    }
    return { ...response, headers: { ...response.headers, ...charge(), etag } };
  }

  /**
   * GitHub's 403 for a request its token's permissions do not cover (GitHub's
   * endpoint data, issue endpoints by the target's type), or for a move of a
   * ref that creates or updates a workflow file without `workflows`; null when allowed.
   */
  authorize(
    request: ApiRequest,
    matched: { template: string; params: Record<string, string> },
  ): ApiResponse | null {
    if (this.appPublicKey && APP_JWT_ROUTES.has(matched.template)) {
      const refused = refuseAppJwt({
        jwt: bearerOf(request.headers.authorization),
        publicKey: this.appPublicKey,
        appId: this.appId,
      });
      if (refused)
        return json(401, { message: refused, documentation_url: 'https://docs.github.com/rest' });
    }
    // A route of the app's JWT judges its credential above; any other takes only a token GitHub issued.
    const credential = credentialIn(request.headers);
    const jwtRoute = APP_JWT_ROUTES.has(matched.template);
    if (jwtRoute ? this.isRevoked(credential) : this.refusesCredential(credential))
      return badCredentials();
    const stranger = this.#strangerRefused(request);
    if (stranger) return stranger;
    // GitHub shows a private repository a token was not minted for as it shows one that does not
    // exist; a public one it shows any token, to read as anyone reads it. An installation's token
    // sees no private repository the app is not installed on.
    if (!this.personSees(credential) && request.path.startsWith('/repos/')) return notFound();
    if (this.outOfScope(request) || (!this.installed && request.path.startsWith('/repos/'))) {
      if (this.visibility !== 'public')
        return json(404, {
          message: 'Not Found',
          documentation_url: 'https://docs.github.com/rest',
        });
      if (request.method === 'GET' || request.method === 'HEAD') return null;
      return json(403, {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest',
      });
    }
    // A person who may read opens issues and comments, as far as the app may write them.
    const grants =
      READER_WRITES.has(matched.template) && personOfToken(credential)
        ? this.appPermissions
        : this.grantsOfRequest(request);
    if (!grants) return null;
    const missing = missingPermission({
      route: matched.template,
      grants,
      pull: this.#targetIsPull(matched.params),
    });
    if (missing) return notAccessible(missing);
    if (grants.workflows === 'write') return null;
    const changed = this.#workflowFilesWritten(request, matched);
    return changed
      ? json(403, {
          message: workflowRefusal(changed),
          documentation_url: 'https://docs.github.com/rest',
        })
      : null;
  }

  /**
   * GitHub's answer to a request with no credential: a stranger reads a public repository, is
   * shown no private one (404), and writes nothing ("Requires authentication", 401). Null
   * when the request carries a credential, or reads a public repository.
   */
  #strangerRefused(request: ApiRequest): ApiResponse | null {
    if (!this.checkPermissions || !request.path.startsWith('/repos/')) return null;
    if (credentialIn(request.headers) !== null) return null;
    if (this.visibility !== 'public') return notFound();
    if (request.method === 'GET' || request.method === 'HEAD') return null;
    return json(401, {
      message: 'Requires authentication',
      documentation_url: 'https://docs.github.com/rest',
    });
  }

  /** Whether an issue endpoint's target is a pull request; undefined when it names none known. */
  #targetIsPull(params: Record<string, string>): boolean | undefined {
    if (params.issue_number !== undefined)
      return this.issues.get(Number(params.issue_number))?.pull;
    if (params.comment_id !== undefined) {
      const comment = this.comments.find((one) => one.id === Number(params.comment_id));
      return comment ? this.issues.get(comment.issue)?.pull : undefined;
    }
    return undefined;
  }

  /** The first workflow file a REST write creates or updates relative to the ref's old state, if any. */
  #workflowFilesWritten(
    request: ApiRequest,
    { template, params }: { template: string; params: Record<string, string> },
  ): string | null {
    // The simulator has no contents-API write; git refs are how REST moves a branch here.
    const body = (request.body ?? {}) as { sha?: unknown; ref?: unknown };
    let ref: string;
    if (template === 'POST /repos/{owner}/{repo}/git/refs') ref = String(body.ref ?? '');
    else if (template === 'PATCH /repos/{owner}/{repo}/git/refs/{ref}')
      ref = `refs/${params.ref ?? ''}`;
    else return null;
    const after = typeof body.sha === 'string' ? body.sha : '';
    if (this.git.objects.get(after)?.type !== 'commit') return null;
    return this.workflowChangeOf(ref, after);
  }

  /** Routes the app called that are not in `allowed` (a list of GitHub route templates). */
  callsOutside(allowed: Set<string>): string[] {
    return [...new Set(this.log.map((entry) => entry.route))].filter(
      (route) => !allowed.has(route),
    );
  }
}

/**
 * Makes repositories one installation's: each lists the others among its `installationPeers`,
 * so a token minted through any of them is known to all, as GitHub's installation is one.
 */
export function joinInstallation(...repositories: FakeGitHub[]): void {
  for (const one of repositories) {
    for (const other of repositories) {
      if (other !== one && !one.installationPeers.includes(other))
        one.installationPeers.push(other);
    }
  }
}

/**
 * What anyone who can read a repository may write there: issues and comments on issues and
 * pull requests (https://docs.github.com/organizations/managing-user-access-to-your-organizations-repositories/managing-repository-roles/repository-roles-for-an-organization).
 */
const READER_WRITES = new Set([
  'POST /repos/{owner}/{repo}/issues',
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
]);

/** The token of an `authorization: Bearer X` (or `token X`) header; null for anything else. */
function bearerOf(header: string | undefined): string | null {
  const [scheme = '', value = ''] = (header ?? '').trim().split(/\s+/, 2);
  return /^(bearer|token)$/i.test(scheme) && value ? value : null;
}
