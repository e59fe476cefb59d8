/**
 * The issues GitHub would close from a commit message, a title or a pull
 * request body, as its rule reads them: a closing keyword, an optional colon,
 * whitespace, then `#N`, `owner/repo#N` or an issue or pull request URL
 * (an autolink's `<` allowed). Character references are decoded first, as
 * GitHub reads the rendered text: `&#8203;` is a zero-width space, not a space.
 */
export function closedBy(text: string): string[] {
  const decoded = text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
  const rule =
    /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?):?[ \t\r\n]+<?((?:[\w.-]+\/[\w.-]+)?#\d+|https?:\/\/[^\s<>]+\/(?:issues|pull)\/\d+)/gi;
  return [...decoded.matchAll(rule)].map((match) => match[1] ?? '');
}
