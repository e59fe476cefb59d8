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
