import { graphqlUrlOf } from '../../reads/github-reads.js';
import {
  createSessionOctokit,
  DEFAULT_RETRIES,
  type SessionClientInput,
  statusOfError,
  triesOf,
  unreachableMessage,
} from '../../session-octokit.js';

/**
 * A REST call GitHub answered with an error status, or that never reached
 * GitHub (`unreachable`: the sentence that says why; its status is Octokit's 500).
 */
export class GitHubApiError extends Error {
  readonly status: number;
  constructor({
    method,
    path,
    status,
    message,
    unreachable,
  }: { method: string; path: string; status: number; message: string; unreachable?: string }) {
    super(unreachable ?? `GitHub answered ${status} to ${method} ${path}: ${message}`);
    this.name = 'GitHubApiError';
    this.status = status;
  }
}

/** The few REST calls `publish` makes, as the app's installation. */
export interface GitHubApi {
  request<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T>;
  /** A GraphQL mutation (a pull request made a draft, or ready for review): its `data`. */
  graphql<T>(query: string, variables: Record<string, unknown>): Promise<T>;
  /**
   * A POST that must not land twice and that GitHub has no guard for: it is
   * tried without the client's retries, and before each further try `find`
   * looks for what an earlier try whose answer was lost may have written.
   */
  postOnce<T>(request: {
    path: string;
    body: unknown;
    find: () => Promise<T | null>;
  }): Promise<{ value: T; found: boolean }>;
}

/**
 * The session's Octokit (`src/session/session-octokit.ts`) against `GITHUB_API_URL`
 * (which already carries `/api/v3` on GitHub Enterprise Server): 5xx,
 * connection errors and rate limits are retried, bounded and logged, so one
 * transient error does not cost a session. Refusals and lost guards are not.
 */
export function createGitHubApi(
  client: SessionClientInput & {
    /** Actions' `GITHUB_GRAPHQL_URL`; derived from `apiUrl` when absent. */
    graphqlUrl?: string;
    token: string;
    fetch: typeof globalThis.fetch;
  },
): GitHubApi {
  const { apiUrl, graphqlUrl = graphqlUrlOf(apiUrl), options } = client;
  const octokit = createSessionOctokit({ ...client, userAgent: 'baton-session-publish' });
  const retries = options?.retries ?? DEFAULT_RETRIES;
  const baseMs = options?.retryBaseMs ?? 1000;
  const send = async <T>(
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    body: unknown,
    once: boolean,
  ): Promise<T> => {
    try {
      const response = await octokit.request(`${method} ${path}`, {
        ...(body === undefined ? {} : { data: body }),
        // A request's own `retries: 0` turns the retry plugin off for it.
        ...(once ? { request: { retries: 0 } } : {}),
      });
      return (response.data ?? null) as T;
    } catch (error) {
      const status = statusOfError(error);
      if (status === null) throw error;
      const tries = triesOf(error);
      const message = `${messageOf(error)}${tries > 1 ? ` (after ${tries} tries)` : ''}`;
      const unreachable = unreachableMessage(error, `${method} ${path}`);
      throw new GitHubApiError({
        method,
        path,
        status,
        message,
        ...(unreachable ? { unreachable } : {}),
      });
    }
  };
  return {
    request: (method, path, body) => send(method, path, body, false),
    async graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
      const { data } = await octokit.request({ method: 'POST', url: graphqlUrl, query, variables });
      const answer = data as { data?: T; errors?: { message?: string }[] };
      if (answer.errors?.length || !answer.data) {
        const message = answer.errors?.map((error) => error.message).join('; ') || 'no data';
        throw new GitHubApiError({ method: 'POST', path: '/graphql', status: 200, message });
      }
      return answer.data;
    },
    async postOnce<T>({
      path,
      body,
      find,
    }: {
      path: string;
      body: unknown;
      find: () => Promise<T | null>;
    }): Promise<{ value: T; found: boolean }> {
      for (let attempt = 0; ; attempt++) {
        if (attempt > 0) {
          await new Promise((resolve) => setTimeout(resolve, attempt * attempt * baseMs));
          const found = await find();
          if (found !== null) return { value: found, found: true };
        }
        try {
          return { value: await send<T>('POST', path, body, true), found: false };
        } catch (error) {
          const transient = error instanceof GitHubApiError && error.status >= 500;
          if (!transient || attempt >= retries) throw error;
        }
      }
    },
  };
}

function messageOf(error: unknown): string {
  const data = (error as { response?: { data?: unknown } }).response?.data;
  if (typeof data === 'object' && data !== null && 'message' in data) {
    const { message } = data as { message: unknown };
    if (typeof message === 'string') return message;
  }
  return error instanceof Error ? error.message.slice(0, 200) : String(error);
}

/** `owner/name` as the two path segments, escaped. */
export function repoPath(repository: string): string {
  const [owner = '', name = ''] = repository.split('/');
  return `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
}
