import type { IncomingMessage } from 'node:http';

/** The page's cookies by name; over https with the `__Host-` prefix (Secure, Path=/, no Domain). */
export function cookieNames(secure: boolean): { session: string; signIn: string } {
  const prefix = secure ? '__Host-' : '';
  return { session: `${prefix}baton_session`, signIn: `${prefix}baton_sign_in` };
}

/** The value of cookie `name` in a request, if it has one. */
export function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * A `Set-Cookie` the browser keeps for `maxAgeSeconds` (0: forget it now):
 * `HttpOnly` (no script reads it), `SameSite=Lax` (sent on a top-level
 * navigation back from GitHub, never on another site's form post), `Path=/`,
 * and `Secure` over https.
 */
export function setCookie({
  name,
  value,
  maxAgeSeconds,
  secure,
}: {
  name: string;
  value: string;
  maxAgeSeconds: number;
  secure: boolean;
}): string {
  return [
    `${name}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}
