/**
 * GitHub closes an issue named after a closing keyword ("fixes #3") when a
 * pull request body that says so merges into the default branch, and when a
 * commit message that says so reaches it: a squash commit takes the pull
 * request's title, and the final pull request brings every commit of the
 * build. Closing a build's issue cancels its build, so text a model or an
 * issue author wrote must name no issue that way. GitHub documents the
 * keywords and `#N` and `owner/repo#N`; a full issue or pull request URL
 * after a keyword closes as well.
 */

const REFERENCE = String.raw`(?:[\w.-]+\/[\w.-]+)?#\d|https?:\/\/[^\s<>()[\]]+\/(?:issues|pull)\/\d`;

/** A keyword, then an optional colon and space, and the reference (perhaps opening a link or autolink). */
const CLOSING_KEYWORD = new RegExp(
  String.raw`\b(close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b(?=:?\s*(?:[[(<]|&lt;)?(?:${REFERENCE}))`,
  'gi',
);

/**
 * The text with a zero-width space after every closing keyword that names an
 * issue: it reads the same and closes nothing. `joiner` is `&#8203;` in text
 * that is rendered as HTML-escaped Markdown.
 */
export function neutralizeClosingKeywords(text: string, joiner = '\u200B'): string {
  return text.replace(CLOSING_KEYWORD, `$1${joiner}`);
}
