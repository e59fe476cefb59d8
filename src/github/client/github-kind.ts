/**
 * Which GitHub the app talks to. GitHub Enterprise Server says its version
 * (`GET /meta` answers `installed_version`, every answer carries
 * `x-github-enterprise-version`); github.com and GHE.com say none.
 */
export type GitHubKind = { kind: 'cloud' } | { kind: 'enterprise-server'; version: string };

/** Reads the kind from an answer of `GET /meta`. */
export function kindOfGitHub({
  headers,
  data,
}: {
  headers: Record<string, string | number | undefined>;
  data: unknown;
}): GitHubKind {
  const header = headers['x-github-enterprise-version'];
  const installed = (data as { installed_version?: unknown } | null)?.installed_version;
  const version =
    typeof installed === 'string' ? installed : header === undefined ? null : String(header);
  return version === null ? { kind: 'cloud' } : { kind: 'enterprise-server', version };
}

/**
 * Why Baton cannot run against this GitHub, or null. Only github.com is
 * supported (docs/github-versions.md): on Enterprise Server the
 * session workflow's `actions/upload-artifact` v7 and `download-artifact` v8
 * are not supported (their READMEs: v4 and later are not on GHES), so no
 * session could hand its work from the agent job to publish.
 */
export function unsupportedGitHub(kind: GitHubKind): string | null {
  if (kind.kind === 'cloud') return null;
  return `GitHub Enterprise Server ${kind.version} is not supported: Baton runs on github.com. Its sessions hand their work from the agent job to the publish job with actions/upload-artifact v7 and download-artifact v8, which Enterprise Server does not support. See docs/github-versions.md.`;
}

/**
 * Asks GitHub which kind it is: `GET <apiUrl>/meta`, unauthenticated (the
 * app's JWT serves `/app` routes only). An Enterprise Server's answer carries
 * its version in a header even when it refuses the request. Null when GitHub
 * could not be reached or answered neither way; the caller reports it and runs on.
 */
export async function readGitHubKind(
  apiUrl: string,
  fetchImpl: typeof fetch = fetch,
): Promise<GitHubKind | null> {
  try {
    const response = await fetchImpl(`${apiUrl.replace(/\/+$/, '')}/meta`, {
      headers: { accept: 'application/vnd.github+json' },
      signal: AbortSignal.timeout(10_000),
    });
    const headers = Object.fromEntries(response.headers);
    if (headers['x-github-enterprise-version'] !== undefined) {
      return kindOfGitHub({ headers, data: null });
    }
    if (!response.ok) return null;
    return kindOfGitHub({ headers, data: await response.json() });
  } catch {
    return null;
  }
}
