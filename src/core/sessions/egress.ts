/**
 * The network the model's commands may reach (docs/security.md, "Egress"):
 * host names on an allowlist, through the session's proxy. Pure: which hosts
 * a repository's ecosystems need, whether a host matches, how refusals read.
 */

/** One ecosystem: the files that show a repository uses it, and the hosts its package manager fetches from. */
interface Ecosystem {
  name: string;
  /** File names (anywhere in the tree) that show the ecosystem is used. */
  markers: readonly string[];
  hosts: readonly string[];
}

export const ECOSYSTEMS: readonly Ecosystem[] = [
  {
    name: 'npm',
    markers: ['package.json', 'package-lock.json', 'yarn.lock', 'pnpm-lock.yaml'],
    hosts: ['registry.npmjs.org'],
  },
  {
    name: 'PyPI',
    markers: [
      'requirements.txt',
      'pyproject.toml',
      'setup.py',
      'setup.cfg',
      'Pipfile',
      'uv.lock',
      'poetry.lock',
    ],
    hosts: ['pypi.org', 'files.pythonhosted.org'],
  },
  {
    name: 'crates.io',
    markers: ['Cargo.toml', 'Cargo.lock'],
    hosts: ['crates.io', 'static.crates.io', 'index.crates.io'],
  },
  {
    name: 'Go',
    markers: ['go.mod', 'go.sum'],
    hosts: ['proxy.golang.org', 'sum.golang.org'],
  },
  {
    name: 'Maven Central',
    markers: [
      'pom.xml',
      'build.gradle',
      'build.gradle.kts',
      'settings.gradle',
      'settings.gradle.kts',
    ],
    hosts: ['repo.maven.apache.org', 'repo1.maven.org'],
  },
  {
    name: 'RubyGems',
    markers: ['Gemfile', 'Gemfile.lock', '*.gemspec'],
    hosts: ['rubygems.org', 'index.rubygems.org'],
  },
];

/** The distribution's package archives (Ubuntu on GitHub's runners, Debian elsewhere): always allowed. */
export const DISTRIBUTION_HOSTS: readonly string[] = [
  'archive.ubuntu.com',
  'security.ubuntu.com',
  '*.archive.ubuntu.com',
  'deb.debian.org',
  'security.debian.org',
];

/** The ecosystems whose marker files are among `paths` (repository-relative). */
export function ecosystemsOf(paths: readonly string[]): Ecosystem[] {
  const names = new Set(paths.map((file) => file.slice(file.lastIndexOf('/') + 1)));
  return ECOSYSTEMS.filter((ecosystem) =>
    ecosystem.markers.some((marker) =>
      marker.startsWith('*.')
        ? [...names].some((name) => name.endsWith(marker.slice(1)))
        : names.has(marker),
    ),
  );
}

/** The allowlist of a session: its ecosystems' registries, the distribution's archive, and what the config adds. */
export function egressAllowlist(paths: readonly string[], extra: readonly string[]): string[] {
  const hosts = [
    ...ecosystemsOf(paths).flatMap((ecosystem) => ecosystem.hosts),
    ...DISTRIBUTION_HOSTS,
    ...extra.map(normalizeHost),
  ];
  return [...new Set(hosts)];
}

/** A host as compared: lower case, no trailing dot, no IPv6 brackets. */
export function normalizeHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^\[(.*)\]$/, '$1');
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Whether `host` is an IP address (v4 or v6) rather than a name, counting the
 * forms a resolver also takes for one (`2130706433`, `0x7f.1`, `127.1`).
 */
export function isIpLiteral(host: string): boolean {
  const h = normalizeHost(host);
  if (h.includes(':')) return /^[0-9a-f:.]+(%[a-z0-9]+)?$/.test(h);
  return IPV4.test(h) || /^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+))*$/.test(h);
}

/**
 * Whether `host` is on `allow`. An entry is a host name (that name only), a
 * wildcard `*.example.com` (every subdomain of example.com, not example.com
 * itself) or an IP address (that address, written the same way). An IP
 * literal never matches a name, nor a name an IP entry.
 */
export function hostAllowed(host: string, allow: readonly string[]): boolean {
  const h = normalizeHost(host);
  if (!h) return false;
  const literal = isIpLiteral(h);
  return allow.some((entry) => {
    const e = normalizeHost(entry);
    if (literal) return e === h;
    if (e.startsWith('*.')) return h.endsWith(e.slice(1)) && h.length > e.length - 1;
    return e === h;
  });
}

/** Where the model's commands find the egress proxy: `127.0.0.1:3128` in the sandbox's own network. */
export const SANDBOX_PROXY_PORT = 3128;

/** Where an engine in the sandbox reaches the session's model proxy: `127.0.0.1:3129` (docs/security.md, "Engines"). */
export const SANDBOX_MODEL_PORT = 3129;

/** The port of TLS tunnels (HTTP CONNECT): the only one the egress proxy opens to a host by tunnel. */
export const TUNNEL_PORT = 443;
/** The port of plain HTTP requests, taken only for the distribution's archives. */
export const PLAIN_HTTP_PORT = 80;

/**
 * Whether the egress proxy takes a connection to `host` (already on the
 * allowlist) on `port`: a TLS tunnel to 443, or plain HTTP to 80 for the
 * distribution's archives only (apt fetches them over http and checks their
 * signatures; every registry of `ECOSYSTEMS` serves https). Any other port of
 * an allowed name is refused: a CDN in front of a registry may answer on
 * others too.
 */
export function portAllowed({
  host,
  port,
  tunnel,
}: {
  host: string;
  port: number;
  tunnel: boolean;
}): boolean {
  if (tunnel) return port === TUNNEL_PORT;
  return port === PLAIN_HTTP_PORT && hostAllowed(host, DISTRIBUTION_HOSTS);
}

/** A host name or wildcard the config may add: `example.com`, `*.example.com`, or an IP address. */
export const HOST_PATTERN =
  /^(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** Refused connections to one host and port, as the proxy counted them. */
export interface BlockedConnections {
  host: string;
  port: number;
  count: number;
}

/** "blocked: 3 connections to example.com:443, 1 connection to 10.0.0.1:80", or null when none. */
export function describeBlocked(blocked: readonly BlockedConnections[]): string | null {
  if (blocked.length === 0) return null;
  const sorted = [...blocked].sort((a, b) => b.count - a.count || a.host.localeCompare(b.host));
  const parts = sorted.map(({ host, port, count }) => {
    const where =
      host === '(other hosts)'
        ? 'other hosts'
        : `${host.includes(':') ? `[${host}]` : host}:${port}`;
    return `${count} connection${count === 1 ? '' : 's'} to ${where}`;
  });
  return `blocked: ${parts.join(', ')}`;
}
