import { createHash, randomBytes } from 'node:crypto';

/**
 * The simulated GitHub's user access tokens of one GitHub App, as GitHub
 * documents them (https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-user-access-token-for-a-github-app
 * and …/refreshing-user-access-tokens):
 *
 * - a code from the web flow's authorize step "expires after 10 minutes", is
 *   good for one exchange, only with the `redirect_uri` it was given for (when
 *   the exchange names one), and, where `code_challenge` was sent (PKCE, S256),
 *   only with the `code_verifier` whose SHA-256 it is;
 * - a user access token starts `ghu_` and, with expiring tokens on (GitHub's
 *   default), "expires after eight hours", beside a refresh token (`ghr_`) that
 *   "expires after six months"; "once you use a refresh token, that refresh
 *   token and the old user access token will no longer work";
 * - `DELETE /applications/{client_id}/token` revokes a token at once.
 */
export const CODE_TTL_MS = 10 * 60_000;
export const ACCESS_TTL_S = 8 * 60 * 60;
export const REFRESH_TTL_S = 15_897_600;

/** What a code was issued for. */
interface IssuedCode {
  login: string;
  redirectUri: string | null;
  challenge: string | null;
  expiresAt: number;
}

interface IssuedToken {
  login: string;
  expiresAt: number;
}

/** The tokens GitHub answers an exchange or a refresh with (`POST /login/oauth/access_token`). */
export interface TokenAnswer {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  refresh_token_expires_in: number;
  scope: '';
  token_type: 'bearer';
}

/** The error GitHub answers an exchange with (status 200, as GitHub does). */
export interface TokenRefusal {
  error: 'bad_verification_code' | 'bad_refresh_token' | 'redirect_uri_mismatch';
  error_description: string;
  error_uri: string;
}

export class UserTokens {
  readonly #codes = new Map<string, IssuedCode>();
  readonly #access = new Map<string, IssuedToken>();
  readonly #refresh = new Map<string, { login: string; expiresAt: number; access: string }>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** A code for `login`'s consent, for one exchange within ten minutes. */
  issueCode(code: Omit<IssuedCode, 'expiresAt'>): string {
    const value = randomBytes(10).toString('hex');
    this.#codes.set(value, { ...code, expiresAt: this.#now() + CODE_TTL_MS });
    return value;
  }

  exchange({
    code,
    redirectUri,
    verifier,
  }: {
    code: string;
    redirectUri: string | null;
    verifier: string | null;
  }): TokenAnswer | TokenRefusal {
    const issued = this.#codes.get(code);
    // One exchange per code, whatever it answers.
    this.#codes.delete(code);
    if (!issued || issued.expiresAt <= this.#now())
      return refusal('bad_verification_code', 'The code passed is incorrect or expired.');
    if (redirectUri !== null && issued.redirectUri !== null && redirectUri !== issued.redirectUri)
      return refusal(
        'redirect_uri_mismatch',
        'The redirect_uri MUST match the registered callback URL for this application.',
      );
    if (issued.challenge !== null && (verifier === null || s256(verifier) !== issued.challenge))
      return refusal(
        'bad_verification_code',
        'The code_verifier does not match the code_challenge.',
      );
    return this.#mint(issued.login);
  }

  refresh(token: string): TokenAnswer | TokenRefusal {
    const found = this.#refresh.get(token);
    this.#refresh.delete(token);
    if (!found || found.expiresAt <= this.#now())
      return refusal('bad_refresh_token', 'The refresh token passed is incorrect or expired.');
    this.#access.delete(found.access);
    return this.#mint(found.login);
  }

  /** The person a live access token is of; null for one expired, revoked or never issued. */
  loginOf(token: string | null): string | null {
    const found = token ? this.#access.get(token) : undefined;
    return found && found.expiresAt > this.#now() ? found.login : null;
  }

  /** Whether `token` was a live access token, now revoked. */
  revoke(token: string): boolean {
    const had = this.loginOf(token) !== null;
    this.#access.delete(token);
    for (const [refresh, found] of this.#refresh)
      if (found.access === token) this.#refresh.delete(refresh);
    return had;
  }

  #mint(login: string): TokenAnswer {
    const access = `ghu_${randomBytes(18).toString('base64url')}`;
    const refresh = `ghr_${randomBytes(36).toString('base64url')}`;
    this.#access.set(access, { login, expiresAt: this.#now() + ACCESS_TTL_S * 1000 });
    this.#refresh.set(refresh, { login, access, expiresAt: this.#now() + REFRESH_TTL_S * 1000 });
    return {
      access_token: access,
      expires_in: ACCESS_TTL_S,
      refresh_token: refresh,
      refresh_token_expires_in: REFRESH_TTL_S,
      scope: '',
      token_type: 'bearer',
    };
  }
}

/** `BASE64URL(SHA256(verifier))`, PKCE's S256 (RFC 7636 §4.2). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function refusal(error: TokenRefusal['error'], description: string): TokenRefusal {
  return {
    error,
    error_description: description,
    error_uri:
      'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors',
  };
}
