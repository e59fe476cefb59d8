import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import {
  createSessionOctokit,
  type SessionClientOptions,
  type SessionLog,
} from './session-octokit.js';

/**
 * The GitHub App itself, in a job that holds its key (server-less mode,
 * docs/serverless.md): the conductor and a session's publish job mint their
 * own installation tokens from `BATON_APP_ID` and `BATON_APP_PRIVATE_KEY`, as
 * `actions/create-github-app-token` does, but scoped as the token endpoint
 * scopes them: one repository, and the permissions asked. The app's JWT lives
 * ten minutes and is masked in the run's log the moment it is made.
 */
export interface AppClient {
  /** `<slug>[bot]`: the login the app writes as, and dispatches runs as. */
  botLogin(): Promise<string>;
  /** The app's installation on `owner/name`; null when it is not installed there. */
  installationOf(repository: string): Promise<number | null>;
  /**
   * An installation token for one repository with `permissions` (none: the
   * installation's own); with `repositories`, for those repositories of the
   * installation's account by name instead (a change set's views; none named:
   * every repository of the installation).
   */
  mintToken(request: {
    installationId: number;
    repositoryId: number | null;
    repository: string;
    permissions?: Record<string, 'read' | 'write'>;
    repositories?: string[];
  }): Promise<{ token: string; expiresAt: string; permissions: Record<string, string> }>;
}

/** Seconds the JWT is valid for; GitHub refuses more than ten minutes. */
const JWT_SECONDS = 9 * 60;

/** Reads the key GitHub gave the app (PKCS#1 or PKCS#8 PEM, its `\n`s escaped or not). */
export function readAppKey(pem: string): KeyObject {
  const text = pem.trim().replace(/^"|"$/g, '').replace(/\\n/g, '\n');
  try {
    return createPrivateKey(text);
  } catch (error) {
    throw new Error(
      `BATON_APP_PRIVATE_KEY is not a private key in PEM (-----BEGIN RSA PRIVATE KEY----- … from the app's settings): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Signs the app's JWT: issued a minute back (clock skew), for nine minutes, by the app's id. */
export async function signAppJwt(
  { appId, key }: { appId: string; key: KeyObject },
  now = Date.now(),
): Promise<string> {
  const issuedAt = Math.floor(now / 1000) - 60;
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuer(appId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + JWT_SECONDS)
    .sign(key);
}

/** The app's client: requests made with its JWT, through the session's Octokit (retries, throttling, logs). */
export async function createAppClient({
  apiUrl,
  appId,
  privateKey,
  fetch,
  mask,
  log,
  options,
  userAgent,
}: {
  apiUrl: string;
  appId: string;
  privateKey: string;
  fetch: typeof globalThis.fetch;
  mask: (secret: string) => void;
  log?: SessionLog;
  options?: SessionClientOptions;
  /** Who asks: `baton-session` (publish) or `baton-conductor`. */
  userAgent: string;
}): Promise<AppClient> {
  if (!/^\d+$/.test(appId)) {
    throw new Error(
      `BATON_APP_ID must be the app's numeric id (the app's settings, "App ID"), not "${appId}": set the repository variable BATON_APP_ID`,
    );
  }
  const jwt = await signAppJwt({ appId, key: readAppKey(privateKey) });
  mask(jwt);
  const octokit = createSessionOctokit({
    apiUrl,
    token: jwt,
    userAgent,
    fetch,
    log,
    options,
  });
  let login: Promise<string> | null = null;
  return {
    botLogin() {
      login ??= octokit.request('GET /app').then(({ data }) => `${data?.slug ?? ''}[bot]`);
      return login;
    },
    async installationOf(repository) {
      const [owner, repo] = repository.split('/');
      try {
        const { data } = await octokit.request('GET /repos/{owner}/{repo}/installation', {
          owner: owner ?? '',
          repo: repo ?? '',
        });
        // An installation names its app (`app_slug`, required in GitHub's description): the
        // bot's login costs no `GET /app` of its own.
        if (data.app_slug) login ??= Promise.resolve(`${data.app_slug}[bot]`);
        return data.id;
      } catch (error) {
        if ((error as { status?: unknown }).status === 404) return null;
        throw error;
      }
    },
    async mintToken({ installationId, repositoryId, repository, permissions, repositories }) {
      // No repository named: the installation's every repository (a views job's first look).
      const scope = repositories
        ? repositories.length > 0
          ? { repositories }
          : {}
        : repositoryId === null
          ? { repositories: [repository.split('/')[1] ?? repository] }
          : { repository_ids: [repositoryId] };
      const { data } = await octokit.request(
        'POST /app/installations/{installation_id}/access_tokens',
        { installation_id: installationId, ...scope, ...(permissions ? { permissions } : {}) },
      );
      mask(data.token);
      return {
        token: data.token,
        expiresAt: data.expires_at,
        permissions: (data.permissions ?? {}) as Record<string, string>,
      };
    },
  };
}
