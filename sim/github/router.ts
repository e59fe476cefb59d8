/**
 * REST routing by GitHub's own route templates, and the request and answer
 * shapes every route of the simulated GitHub speaks.
 */

/** One REST request as the simulated GitHub sees it. */
export interface ApiRequest {
  method: string;
  /** Path without the API prefix, percent-decoded per segment: `/repos/o/r/git/refs/heads/main`. */
  path: string;
  query: URLSearchParams;
  body: unknown;
  headers: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (params: Record<string, string>, request: ApiRequest) => ApiResponse;

interface Route {
  method: string;
  /** GitHub's own route template, as in its REST description: `/repos/{owner}/{repo}/issues/{issue_number}`. */
  template: string;
  pattern: RegExp;
  names: string[];
  handler: RouteHandler;
}

/** Routes REST requests by GitHub's route templates, and logs which template each hit. */
export class Router {
  readonly #routes: Route[] = [];

  on(method: string, template: string, handler: RouteHandler): this {
    const names: string[] = [];
    // `{ref}` in git ref routes may hold slashes (GitHub takes them encoded or not).
    const source = template.replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return name === 'ref' || name === 'path' || name === 'basehead' ? '(.+)' : '([^/]+)';
    });
    this.#routes.push({ method, template, pattern: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  match(request: ApiRequest): { template: string; response: ApiResponse } | null {
    const found = this.resolve(request);
    return found ? { template: found.template, response: found.run() } : null;
  }

  /** The route a request takes and its parameters, without running it yet (a check may refuse first). */
  resolve(
    request: ApiRequest,
  ): { template: string; params: Record<string, string>; run: () => ApiResponse } | null {
    for (const route of this.#routes) {
      if (route.method !== request.method) continue;
      const found = route.pattern.exec(request.path);
      if (!found) continue;
      const params = Object.fromEntries(
        route.names.map((name, i) => [name, decodeURIComponent(found[i + 1] ?? '')]),
      );
      const template = `${route.method} ${route.template}`;
      return {
        template,
        params,
        run: () => route.handler(params, request),
      };
    }
    return null;
  }
}

export function json(status: number, body?: unknown): ApiResponse {
  return body === undefined ? { status } : { status, body };
}

export function notFound(): ApiResponse {
  return json(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
}

/** GitHub's answer to a token it does not take (revoked, expired, never minted). */
export function badCredentials(): ApiResponse {
  return json(401, {
    message: 'Bad credentials',
    documentation_url: 'https://docs.github.com/rest',
  });
}

export function unprocessable(message: string): ApiResponse {
  return json(422, { message, documentation_url: 'https://docs.github.com/rest' });
}
