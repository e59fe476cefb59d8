import { createHash } from 'node:crypto';
import { Octokit } from '@octokit/core';
import type { PageSettings } from './page-settings.js';

/**
 * The app's user authorization with GitHub's web flow, as GitHub documents it
 * for GitHub Apps (https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-user-access-token-for-a-github-app#using-the-web-application-flow-to-generate-a-user-access-token):
 * the person is sent to `/login/oauth/authorize` with the app's client id,
 * the registered callback URL, a `state` that comes back unchanged (checked
 * against the one the browser's sign-in cookie holds, against forged
 * callbacks) and a PKCE challenge; the callback's `code` is exchanged once,
 * with the client secret and the verifier, at `POST /login/oauth/access_token`.
 * With expiring user tokens (GitHub's default for new apps) the answer holds
 * a refresh token: "the user access token expires after eight hours"
 * (…/refreshing-user-access-tokens). A GitHub App's user token has no scopes:
 * it reads what both the person and the app may read.
 */

/** A user access token, as an exchange or a refresh answers it. */
export interface UserToken {
  token: string;
  /** ms; null where GitHub gives tokens that do not expire (the app opted out). */
  expiresAt: number | null;
  refreshToken: string | null;
}

/** GitHub's refusal of an exchange or refresh (answered with status 200 and an `error`). */
export class SignInRefused extends Error {
  readonly code: string;

  constructor(code: string) {
    super(`GitHub refused the sign-in: ${code}`);
    this.name = 'SignInRefused';
    this.code = code;
  }
}

/** Where to send a person to sign in: GitHub's authorize page for this app. */
export function authorizeUrl(
  settings: PageSettings,
  { state, verifier }: { state: string; verifier: string },
): string {
  const url = new URL(`${settings.webUrl}/login/oauth/authorize`);
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('redirect_uri', settings.callbackUrl);
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', createHash('sha256').update(verifier).digest('base64url'));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('allow_signup', 'false');
  return url.toString();
}

export function exchangeCode(
  settings: PageSettings,
  { code, verifier, now }: { code: string; verifier: string; now: number },
): Promise<UserToken> {
  return tokenRequest(
    settings,
    { code, code_verifier: verifier, redirect_uri: settings.callbackUrl },
    now,
  );
}

export function refreshUserToken(
  settings: PageSettings,
  { refreshToken, now }: { refreshToken: string; now: number },
): Promise<UserToken> {
  return tokenRequest(settings, { grant_type: 'refresh_token', refresh_token: refreshToken }, now);
}

async function tokenRequest(
  settings: PageSettings,
  fields: Record<string, string>,
  now: number,
): Promise<UserToken> {
  const octokit = new Octokit({ baseUrl: settings.webUrl });
  const { data } = await octokit.request('POST /login/oauth/access_token', {
    headers: { accept: 'application/json' },
    client_id: settings.clientId,
    client_secret: settings.clientSecret,
    ...fields,
  });
  const answer = data as {
    access_token?: string;
    expires_in?: number;
    refresh_token?: string;
    error?: string;
  };
  if (!answer.access_token) throw new SignInRefused(answer.error ?? 'no access token');
  return {
    token: answer.access_token,
    expiresAt: typeof answer.expires_in === 'number' ? now + answer.expires_in * 1000 : null,
    refreshToken: answer.refresh_token ?? null,
  };
}

/** Who a user token is of (`GET /user`). */
export async function userOf(settings: PageSettings, token: string): Promise<{ login: string }> {
  const { data } = await userOctokit(settings, token).request('GET /user');
  return { login: data.login };
}

/**
 * Revokes a user token at GitHub (`DELETE /applications/{client_id}/token`,
 * the app's client id and secret as basic authentication): a copy of the
 * session's cookie then reads nothing, on any replica
 * (https://docs.github.com/en/rest/apps/oauth-applications#delete-an-app-token).
 */
export async function revokeUserToken(settings: PageSettings, token: string): Promise<void> {
  const basic = Buffer.from(`${settings.clientId}:${settings.clientSecret}`).toString('base64');
  await new Octokit({ baseUrl: settings.apiUrl }).request(
    'DELETE /applications/{client_id}/token',
    {
      client_id: settings.clientId,
      access_token: token,
      headers: { authorization: `basic ${basic}` },
    },
  );
}

/** A client that acts as the signed-in person: reads only, and only what they may read. */
export function userOctokit(settings: PageSettings, token: string): Octokit {
  return new Octokit({ baseUrl: settings.apiUrl, auth: token });
}
