/** The rows of a Markdown text's tables, as lines: their heads and rules included. */
export function tableRows(markdown: string): string[] {
  return markdown.split('\n').filter((line) => line.startsWith('|'));
}
