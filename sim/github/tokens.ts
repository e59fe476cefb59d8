/**
 * The simulated GitHub's tokens: the installation tokens it mints (whose
 * installation a token names), the agent job's read-only `GITHUB_TOKEN`, and
 * the credential a request carries.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** The simulated Actions `GITHUB_TOKEN` of the agent job: it reads, it never writes. */
const READ_ONLY_PREFIX = 'ghs_simreadonly_';

/** The read-only token the simulator gives a run's agent job. */
export function readOnlyToken(runId: number): string {
  return `${READ_ONLY_PREFIX}${runId}`;
}

/** Whether a credential is an agent job's read-only token. */
export function isReadOnlyToken(token: string | null): boolean {
  return token?.startsWith(READ_ONLY_PREFIX) ?? false;
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
