import type { ServerResponse } from 'node:http';
import type { ApplicationFunctionOptions } from 'probot';
import { createKeyResolver } from './oidc-keys.js';
import { type ActionsClaims, verifySessionRequest } from './verify-session-request.js';

/** The Probot side of the endpoint and its settings (see session-token-deps.ts). */
export {
  createSessionTokenDepsFromProbot,
  readTokenEndpointSettings,
  type TokenEndpointSettings,
} from './session-token-deps.js';

/**
 * Probot's server handler, `(req, res) => boolean | Promise<boolean>`: true when
 * it answered. Probot does not export the type by name, so it is taken from
 * `addHandler`.
 */
export type Handler = Parameters<ApplicationFunctionOptions['addHandler']>[0];

/** Where the endpoint listens (DESIGN §9). */
export const SESSION_TOKEN_ROUTE = '/api/baton/session-token';

/** All that `publish` needs: push branches, open and update PRs, post reviews. */
export const SESSION_TOKEN_PERMISSIONS = { contents: 'write', pull_requests: 'write' } as const;

/** Installation permissions by name, as `POST /app/installations/{id}/access_tokens` takes them. */
export type SessionTokenPermissions = Record<string, 'read' | 'write'>;

/** Where the endpoint reports; Probot's logger fits. */
export interface SessionTokenLog {
  info(message: string): void;
  warn(message: string): void;
}

/** What the endpoint needs from its surroundings; `createSessionTokenDepsFromProbot` gives the GitHub half. */
export interface SessionTokenDeps {
  /** The OIDC issuer Actions tokens must come from. */
  issuer: string;
  /** The audience publish requests its token with. */
  audience: string;
  /** The app's installation on the repository, or null when it is not installed there. */
  getRepositoryInstallation(owner: string, repo: string): Promise<number | null>;
  /** Mints an installation token limited to one repository and the given permissions. */
  createInstallationToken(request: {
    installationId: number;
    repositoryId: number;
    permissions: SessionTokenPermissions;
  }): Promise<{ token: string; expires_at: string }>;
  /** Whether the repository lets sessions change workflows; adds `workflows: write` when so. */
  allowsWorkflowChanges?(request: {
    owner: string;
    repo: string;
    installationId: number;
  }): Promise<boolean>;
  log?: SessionTokenLog;
}

/**
 * `POST /api/baton/session-token`: trades the OIDC token of a Baton workflow
 * run for a short-lived installation token for that run's repository. Any
 * other request is left to the next handler (returns false).
 */
export function createSessionTokenHandler(deps: SessionTokenDeps): Handler {
  const keys = createKeyResolver(deps.issuer);
  return async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'POST' || path !== SESSION_TOKEN_ROUTE) return false;
    const verdict = await verifySessionRequest({
      req,
      issuer: deps.issuer,
      audience: deps.audience,
      keys,
    });
    if (verdict.status !== 200) {
      deps.log?.warn(`session token refused (${verdict.status}): ${verdict.message}`);
      send(res, verdict.status, { message: verdict.message });
      return true;
    }
    const outcome = await issue(verdict.claims, deps);
    send(res, outcome.status, outcome.body);
    return true;
  };
}

async function issue(
  claims: ActionsClaims,
  deps: SessionTokenDeps,
): Promise<{ status: number; body: Record<string, string> }> {
  const [owner = '', repo = ''] = claims.repository.split('/');
  try {
    const installationId = await deps.getRepositoryInstallation(owner, repo);
    if (installationId === null) {
      const message = `The app is not installed on ${claims.repository}.`;
      deps.log?.warn(`session token refused (403): ${message}`);
      return { status: 403, body: { message } };
    }
    const workflows =
      (await deps.allowsWorkflowChanges?.({ owner, repo, installationId })) ?? false;
    const minted = await deps.createInstallationToken({
      installationId,
      repositoryId: Number(claims.repository_id),
      permissions: { ...SESSION_TOKEN_PERMISSIONS, ...(workflows ? { workflows: 'write' } : {}) },
    });
    deps.log?.info(
      `session token issued for ${claims.repository} (${claims.ref}, run ${claims.run_id ?? '?'}), expires ${minted.expires_at}`,
    );
    return { status: 200, body: { token: minted.token, expires_at: minted.expires_at } };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const message = `GitHub did not mint a token for ${claims.repository}: ${reason}`;
    deps.log?.warn(message);
    return { status: 502, body: { message } };
  }
}

function send(res: ServerResponse, status: number, body: Record<string, string>): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(JSON.stringify(body));
}
