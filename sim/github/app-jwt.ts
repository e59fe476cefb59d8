/**
 * The app's JWT as GitHub checks it on the routes only an app may call
 * ("Generating a JSON Web Token (JWT) for a GitHub App": RS256, `iss` the
 * app's id, `iat` in the past, `exp` at most ten minutes on), so a job
 * holding the wrong key in its secret is refused as on GitHub, with 401.
 */
import { type KeyObject, verify } from 'node:crypto';

/** Routes GitHub answers only to the app's JWT. */
export const APP_JWT_ROUTES = new Set([
  'GET /app',
  'GET /app/installations',
  'GET /app/installations/{installation_id}',
  'POST /app/installations/{installation_id}/access_tokens',
  'GET /repos/{owner}/{repo}/installation',
]);

/** Seconds GitHub allows between `iat` and `exp` (ten minutes), and of clock drift. */
const MAX_LIFETIME_SECONDS = 600;
const DRIFT_SECONDS = 60;

/** Why GitHub refuses `jwt` as the app's; null when it is the app's. */
export function refuseAppJwt({
  jwt,
  publicKey,
  appId,
  nowMs = Date.now(),
}: {
  jwt: string | null;
  publicKey: KeyObject;
  appId: number;
  nowMs?: number;
}): string | null {
  const undecodable = 'A JSON web token could not be decoded';
  const [header, payload, signature] = (jwt ?? '').split('.');
  if (!header || !payload || !signature) return undecodable;
  const signed = verify(
    'RSA-SHA256',
    Buffer.from(`${header}.${payload}`),
    publicKey,
    Buffer.from(signature, 'base64url'),
  );
  if (!signed) return undecodable;
  let claims: { iss?: unknown; iat?: unknown; exp?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undecodable;
  }
  const now = Math.floor(nowMs / 1000);
  if (String(claims.iss) !== String(appId)) return "'Issuer' claim ('iss') must be an Integer";
  if (typeof claims.iat !== 'number' || claims.iat > now + DRIFT_SECONDS)
    return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
  if (
    typeof claims.exp !== 'number' ||
    claims.exp <= now ||
    claims.exp - claims.iat > MAX_LIFETIME_SECONDS + DRIFT_SECONDS
  )
    return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
  return null;
}
