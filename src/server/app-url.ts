import { isIP } from 'node:net';

/**
 * Why `BATON_APP_URL` (this app's public URL, the value every repository sets
 * as its variable of that name) will not work for sessions, or null. GitHub's
 * runners trade their OIDC token for a write token there, so it must be a URL
 * they reach: not this machine, not a private network, and https, since the
 * token travels in the answer.
 */
export function findAppUrlProblem(value: string | undefined): string | null {
  if (!value?.trim()) return null;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return `BATON_APP_URL is not a URL ("${value}"): set it to the app's public https URL, without /api/github/webhooks`;
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isLocalHost(host) || isPrivateAddress(host)) {
    return `BATON_APP_URL is ${url.origin}, which GitHub's runners cannot reach: sessions fail at the token exchange. Serve the app at a public https URL (docs/deploy.md) and set BATON_APP_URL here and on each repository to it`;
  }
  if (url.protocol !== 'https:') {
    return `BATON_APP_URL is ${url.origin}: sessions receive their write token in the answer, so serve the app over https and set BATON_APP_URL to the https URL`;
  }
  return null;
}

function isLocalHost(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || host === '0.0.0.0';
}

/** Loopback, private (RFC 1918, RFC 4193), link-local and carrier-grade NAT addresses. */
function isPrivateAddress(host: string): boolean {
  const version = isIP(host);
  if (version === 4) {
    const [a = 0, b = 0] = host.split('.').map(Number);
    return (
      a === 10 ||
      a === 127 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (version === 6) {
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
    if (mapped) {
      const high = Number.parseInt(mapped[1] ?? '0', 16);
      const low = Number.parseInt(mapped[2] ?? '0', 16);
      return isPrivateAddress([high >> 8, high & 255, low >> 8, low & 255].join('.'));
    }
    return host === '::1' || host === '::' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host);
  }
  return false;
}
