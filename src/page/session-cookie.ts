import { randomBytes } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';

/**
 * The page's cookies, sealed with `jose` (a JWE, `dir` + A256GCM: encrypted
 * and authenticated with the key of `PageSettings.cookieKey`): the browser
 * holds them, cannot read them (`HttpOnly`, and the user's GitHub token inside
 * is encrypted), and cannot change a byte without the seal failing. Each has
 * its own purpose (`typ`) and expiry (`exp`), checked when it is opened.
 */

/** A signed-in person's session. */
export interface PageSession {
  /** The session's own id: signing out revokes it. */
  sid: string;
  login: string;
  /** The user access token, and when it expires (ms; null: it does not). */
  token: string;
  tokenExpiresAt: number | null;
  refreshToken: string | null;
  /** When the session itself ends (ms). */
  expiresAt: number;
}

/** What a sign-in keeps between the redirect to GitHub and the callback. */
export interface SignInState {
  state: string;
  /** PKCE's verifier (RFC 7636): the challenge sent is its SHA-256. */
  verifier: string;
  /** Where to go once signed in: a path of this app. */
  returnTo: string;
  expiresAt: number;
}

type Purpose = 'session' | 'sign-in';

export async function sealCookie(
  key: Uint8Array,
  purpose: 'session',
  value: PageSession,
): Promise<string>;
export async function sealCookie(
  key: Uint8Array,
  purpose: 'sign-in',
  value: SignInState,
): Promise<string>;
export async function sealCookie(
  key: Uint8Array,
  purpose: Purpose,
  value: PageSession | SignInState,
): Promise<string> {
  return new EncryptJWT({ typ: purpose, value })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(value.expiresAt / 1000))
    .encrypt(key);
}

/**
 * The value sealed in `cookie` for `purpose`; null for anything else: a
 * cookie sealed with another key, changed, of another purpose, or expired on
 * the clock `now` (ms).
 */
export async function openCookie(
  key: Uint8Array,
  purpose: 'session',
  cookie: string | undefined,
  now: number,
): Promise<PageSession | null>;
export async function openCookie(
  key: Uint8Array,
  purpose: 'sign-in',
  cookie: string | undefined,
  now: number,
): Promise<SignInState | null>;
export async function openCookie(
  key: Uint8Array,
  purpose: Purpose,
  cookie: string | undefined,
  now: number,
): Promise<PageSession | SignInState | null> {
  if (!cookie || cookie.length > 8_000) return null;
  try {
    const { payload } = await jwtDecrypt(cookie, key, {
      currentDate: new Date(now),
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
    });
    if (payload.typ !== purpose || typeof payload.value !== 'object' || payload.value === null)
      return null;
    const value = payload.value as PageSession | SignInState;
    return value.expiresAt > now ? value : null;
  } catch {
    return null;
  }
}

/** A random id or secret, URL-safe. */
export function randomId(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
