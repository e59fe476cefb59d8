/**
 * Notices: new comments on the issue, posted when (and only when) a person is
 * needed, each once per need. A notice's key names the need, and its hidden
 * first line carries the key, so `decide` sees which were posted already.
 */

const NOTICE_MARKER = /^\s*<!-- baton:notice ([\w.-]+) ([\w./-]+) -->/;

/** The hidden first line of a notice. */
export function noticeMarker(build: string, key: string): string {
  return `<!-- baton:notice ${build} ${key} -->`;
}

/** The build and key of a notice's body, or null if it is not one. */
export function findNotice(body: string): { build: string; key: string } | null {
  const match = NOTICE_MARKER.exec(body);
  return match?.[1] && match[2] ? { build: match[1], key: match[2] } : null;
}

/**
 * A key safe in a ref name (`refs/baton/<build>/notice/<key>` guards the post):
 * letters, digits, `.`, `-` and `/` between parts, no `..`.
 */
export function noticeKey(...parts: (string | number)[]): string {
  return parts
    .map((part) =>
      String(part)
        .replace(/[^\w.-]+/g, '-')
        .replace(/\.{2,}/g, '.'),
    )
    .join('/');
}

/** The hidden first line of a note: a comment Baton posts once by its key (`ensureNote`). */
export function noteMarker(key: string): string {
  return `<!-- baton:note key=${key} -->`;
}

/**
 * The key of a note's body, read from its first line only: a Baton comment
 * that quotes outside text (a session's failure reason in the status) may hold
 * another note's marker further on. Null if it is not one.
 */
export function findNote(body: string): string | null {
  const first = (body.split('\n', 1)[0] ?? '').replace(/\r$/, '');
  const match = /^<!-- baton:note key=(.+) -->$/.exec(first);
  return match?.[1] ?? null;
}

/**
 * The people a comment @-mentions, each once, as GitHub reads mentions: not in
 * code (a fenced block or a code span), not in an HTML comment, and not in the
 * middle of a word (an e-mail address).
 */
export function mentionedIn(body: string): string[] {
  const prose = body
    .replace(/```[\s\S]*?(```|$)/g, ' ')
    .replace(/`[^`\n]*`/g, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ');
  const found = prose.matchAll(/(?<![\w@`\\/])@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))(?![\w-])/g);
  return [...new Set([...found].map((match) => match[1] ?? ''))].filter((login) => login !== '');
}

/** `@alice @bob ` before a notice's text, or nothing when nobody is known. */
export function mentions(logins: string[]): string {
  return logins.map((login) => `@${login} `).join('');
}
