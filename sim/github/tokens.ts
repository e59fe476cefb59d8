/**
 * The simulated GitHub's tokens: the installation tokens it mints (whose
 * installation a token names), the agent job's read-only `GITHUB_TOKEN`, and
 * the credential a request carries.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** The simulated Actions `GITHUB_TOKEN` of the agent job: it reads, it never writes. */
const READ_ONLY_PREFIX = 'ghs_simreadonly_';

/**
 * The read-only token the simulator gives a job of run `runId` in repository `repositoryId`.
 * Like GitHub's `GITHUB_TOKEN`, it sees that repository and public ones, no other private one
 * ("the permissions are limited to the repository that contains your workflow",
 * https://docs.github.com/actions/security-for-github-actions/security-guides/automatic-token-authentication).
 */
export function readOnlyToken(runId: number, repositoryId: number): string {
  return `${READ_ONLY_PREFIX}${repositoryId}_${runId}`;
}

const READ_ONLY_TOKEN = new RegExp(`^${READ_ONLY_PREFIX}(\\d+)_(\\d+)$`);

/** The repository and run a read-only token was given for; null for any other credential. */
export function readOnlyTokenOf(
  token: string | null,
): { repositoryId: number; runId: number } | null {
  const found = READ_ONLY_TOKEN.exec(token ?? '');
  return found ? { repositoryId: Number(found[1]), runId: Number(found[2]) } : null;
}

/** Whether a credential is an agent job's read-only token. */
export function isReadOnlyToken(token: string | null): boolean {
  return readOnlyTokenOf(token) !== null;
}

/**
 * The token the simulated GitHub mints for an installation: `ghs_simulated`
 * for installation 1, `ghs_simulated_<id>` for the others, so that a server
 * of several installations can tell whose `/installation/…` request it is.
 * A token asked with fewer permissions gets `_s<n>` after that.
 */
export function installationToken(installationId: number, narrowed?: number): string {
  const base = installationId === 1 ? 'ghs_simulated' : `ghs_simulated_${installationId}`;
  return narrowed === undefined ? base : `${base}_s${narrowed}`;
}

/** The installation a token of `installationToken` belongs to; null for any other credential. */
export function installationOfToken(token: string | null): number | null {
  const found = /^ghs_simulated(?:_(\d+))?(?:_s\d+)?$/.exec(token ?? '');
  if (!found) return null;
  return found[1] === undefined ? 1 : Number(found[1]);
}

/** A person's token, as GitHub's user access tokens start `ghu_`: the simulator's names its person. */
const PERSON_PREFIX = 'ghu_sim_';

/**
 * The token of a person (`login`), for a test acting as that person through the API: what a
 * person signed in to GitHub would carry. It does what both the app and the person's role on the
 * repository (`gh.permissions`) allow (docs/simulator.md).
 */
export function personToken(login: string): string {
  return `${PERSON_PREFIX}${login}`;
}

/** The person a token of `personToken` belongs to; null for any other credential. */
export function personOfToken(token: string | null): string | null {
  return token?.startsWith(PERSON_PREFIX) && token.length > PERSON_PREFIX.length
    ? token.slice(PERSON_PREFIX.length)
    : null;
}

/** Whether a credential has a JSON web token's shape (the app's JWT): three base64url parts. */
export function isJwtShaped(token: string | null): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token ?? '');
}

/**
 * The credential of a request, however it came: `token X`, `bearer X`, or
 * git's `basic base64(x-access-token:X)`. Null when there is none.
 */
export function credentialOf(headers: IncomingHttpHeaders): string | null {
  const header = headers.authorization ?? '';
  const [scheme = '', value = ''] = header.trim().split(/\s+/, 2);
  switch (scheme.toLowerCase()) {
    case 'token':
    case 'bearer':
      return value || null;
    case 'basic': {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      return decoded.slice(decoded.indexOf(':') + 1) || null;
    }
    default:
      return null;
  }
}
