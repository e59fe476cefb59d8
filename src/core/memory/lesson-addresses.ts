/**
 * The addresses a lesson's text names, each read as a browser or a model
 * would follow it, and judged by what it reaches: a lesson may link only its
 * own repository's pages on github.com. Addresses are found with a scheme
 * (`https://`, `git://`, `ssh://`…), without one (`github.com/owner/name`,
 * `www.host`, `//host/path`), inside `<…>` or followed by punctuation, then parsed
 * with `URL` (a scheme added where missing), whose path is normalised
 * (`owner/repo/../../other/repo`, `%2e%2e`), and compared by host, owner and
 * name. What does not parse is no address of the repository's either.
 */

/**
 * Where an address starts: a scheme and `//`, `www.`, or a host name (labels
 * and dots) followed by a path, standing alone or after `//` (never inside a
 * path, as `src/log.ts` is); what it runs on to: anything but white space,
 * angle brackets, quotes and backticks.
 */
const ADDRESS =
  /(?:\b[a-z][a-z0-9+.-]*:\/\/|\bwww\.|(?:(?<=\/\/)|(?<![\w@./:\\-]))(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*(?=[/\\]))[^\s<>"'`]*/gi;

/** Characters that end a sentence around an address, not the address (GitHub's autolinks trim them too). */
const TRAILING = /[?!.,:;*_~'"\]]+$/;

const GITHUB_HOSTS = new Set(['github.com', 'www.github.com']);

/** The addresses in `text`, as written (trailing punctuation and an unbalanced `)` left off). */
export function addressesIn(text: string): string[] {
  return [...text.matchAll(ADDRESS)].map((match) => trimAddress(match[0])).filter(Boolean);
}

function trimAddress(address: string): string {
  let trimmed = address;
  for (;;) {
    const before = trimmed;
    trimmed = trimmed.replace(TRAILING, '');
    const open = trimmed.split('(').length;
    const close = trimmed.split(')').length;
    if (trimmed.endsWith(')') && close > open) trimmed = trimmed.slice(0, -1);
    if (trimmed === before) return trimmed;
  }
}

/**
 * The `owner/name` a github.com address leads to, lower case, once its path is
 * normalised; null for any other host, for an address that does not parse, and
 * for a page of github.com that is no repository's.
 */
export function repositoryOfAddress(address: string): string | null {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(address)
    ? address
    : `https://${address.replace(/^\/\//, '')}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if (!GITHUB_HOSTS.has(url.hostname) || url.username || url.password) return null;
  const [owner, name] = url.pathname
    .split('/')
    .filter(Boolean)
    .map((segment) => decodeSegment(segment));
  if (!owner || !name) return null;
  return `${owner}/${name.replace(/\.git$/i, '')}`.toLowerCase();
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Whether `text` names an address other than a page of `repository` (`owner/name`) on github.com. */
export function namesOtherAddress(text: string, repository: string | undefined): boolean {
  const own = repository?.toLowerCase();
  return addressesIn(text).some((address) => repositoryOfAddress(address) !== own || !own);
}
