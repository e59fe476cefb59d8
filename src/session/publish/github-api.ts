/** A REST call GitHub answered with an error status. */
export class GitHubApiError extends Error {
  readonly status: number;
  constructor({
    method,
    path,
    status,
    message,
  }: { method: string; path: string; status: number; message: string }) {
    super(`GitHub answered ${status} to ${method} ${path}: ${message}`);
    this.name = 'GitHubApiError';
    this.status = status;
  }
}

/** The few REST calls `publish` makes, as the app's installation. */
export interface GitHubApi {
  request<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T>;
}

/**
 * Plain fetch against `GITHUB_API_URL` (which already carries `/api/v3` on
 * GitHub Enterprise Server). Octokit would bring retries and pagination, but
 * publish makes a handful of calls and must stay small and auditable.
 */
export function createGitHubApi({
  apiUrl,
  token,
  fetch,
}: {
  apiUrl: string;
  token: string;
  fetch: typeof globalThis.fetch;
}): GitHubApi {
  const root = apiUrl.replace(/\/+$/, '');
  return {
    async request<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> {
      const init: RequestInit = {
        method,
        headers: {
          Accept: 'application/vnd.github+json',
          Authorization: `Bearer ${token}`,
          'X-GitHub-Api-Version': '2022-11-28',
          'User-Agent': 'baton-session-publish',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
      };
      if (body !== undefined) init.body = JSON.stringify(body);
      const response = await fetch(`${root}${path}`, init);
      const text = await response.text();
      if (!response.ok) {
        const message = messageOf(text) ?? response.statusText;
        throw new GitHubApiError({ method, path, status: response.status, message });
      }
      return (text ? JSON.parse(text) : null) as T;
    },
  };
}

function messageOf(text: string): string | null {
  try {
    const data: unknown = JSON.parse(text);
    if (typeof data === 'object' && data !== null && 'message' in data) {
      const { message } = data as { message: unknown };
      return typeof message === 'string' ? message : null;
    }
  } catch {
    return text.slice(0, 200) || null;
  }
  return null;
}

/** `owner/name` as the two path segments, escaped. */
export function repoPath(repository: string): string {
  const [owner = '', name = ''] = repository.split('/');
  return `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
}
