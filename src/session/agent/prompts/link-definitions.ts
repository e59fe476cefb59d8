/**
 * Link reference definitions (CommonMark 0.31, §4.7): `[label]: destination
 * "title"` at the start of a block, inside a block quote or a list item too.
 * GitHub renders none of it: `[//]: # (…)` is the usual way to hide a line in
 * Markdown. A definition some link in the text names (`[docs][1]`, `[1][]`,
 * `[1]`) is a link's address a reader reaches by hovering or clicking, so it
 * stays, without its title (a tooltip); a destination with a space in it (`<…>`)
 * goes with the rest. The label and the title may run over several lines,
 * never over a blank one.
 *
 * Read as a person reads the rendered page, leaning to remove: a line that
 * looks like a definition after a paragraph line (CommonMark reads it as the
 * paragraph's text) is removed too. Footnotes (`[^1]: …`) render, and stay;
 * fenced code shows everything, and is left as it is.
 */
const CONTINUED = String.raw`\n(?![ \t]*(?:\n|$))`;
const LABEL = String.raw`\[((?!\^)(?:[^\[\]\\\n]|\\[\s\S]|${CONTINUED}){1,999})\]`;
const DESTINATION = String.raw`(<[^<>\n]*>|[^\s<][^\s]*)`;
const TITLE = String.raw`(?:"(?:[^"\\\n]|\\[\s\S]|${CONTINUED})*"|'(?:[^'\\\n]|\\[\s\S]|${CONTINUED})*'|\((?:[^()\\\n]|\\[\s\S]|${CONTINUED})*\))`;
/** Up to three spaces, block quote markers, a list item's marker: what may come before a definition. */
const CONTAINER = String.raw`[ \t]{0,3}(?:>[ \t]?[ \t]{0,3})*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?`;
const DEFINITION = new RegExp(
  String.raw`^(${CONTAINER})${LABEL}:[ \t]*\n?[ \t]*${DESTINATION}((?:[ \t]+|[ \t]*\n[ \t]*)${TITLE})?[ \t]*$`,
  'gm',
);
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** What went: definitions removed whole, and titles removed from definitions kept. */
export interface DefinitionsRemoved {
  definitions: number;
  titles: number;
}

/** The text without its hidden link reference definitions (fenced code left whole), and what went. */
export function removeLinkDefinitions(text: string): { text: string; removed: DefinitionsRemoved } {
  const blocks = splitFences(text);
  const prose = blocks.filter((block) => !block.code).map((block) => block.text);
  const named = namedLabels(prose.map((block) => block.replace(DEFINITION, '')).join('\n'));
  const removed = { definitions: 0, titles: 0 };
  const strip = (block: string) =>
    block.replace(
      DEFINITION,
      (_all, container: string, label: string, destination: string, title?: string) => {
        if (named.has(normalLabel(label)) && !destination.startsWith('<')) {
          if (title) removed.titles += 1;
          return `${container}[${label}]: ${destination}`;
        }
        removed.definitions += 1;
        return container.trimEnd();
      },
    );
  const out = blocks.map((block) => (block.code ? block.text : strip(block.text)));
  return { text: out.join('\n'), removed };
}

/** Labels the text names in a link: `[text][label]`, `[label][]` or `[label]`, normalised. */
function namedLabels(text: string): Set<string> {
  const named = new Set<string>();
  for (const match of text.matchAll(/\[((?:[^[\]\\]|\\[\s\S])+)\]/g)) {
    named.add(normalLabel(match[1] ?? ''));
  }
  return named;
}

/** CommonMark matches labels case-folded, with runs of white space as one space. */
function normalLabel(label: string): string {
  return label.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The text in runs of prose and fenced code, in order; joined with `\n` they are the text again. */
function splitFences(text: string): { code: boolean; text: string }[] {
  const blocks: { code: boolean; lines: string[] }[] = [];
  const push = (code: boolean, line: string) => {
    const last = blocks.at(-1);
    if (last?.code === code) last.lines.push(line);
    else blocks.push({ code, lines: [line] });
  };
  let fence: string | null = null;
  for (const line of text.split('\n')) {
    const opener = FENCE.exec(line)?.[1] ?? null;
    if (fence !== null) {
      push(true, line);
      // A fence closes with its own character, at least as many, and nothing after.
      const closes = opener !== null && opener[0] === fence[0] && opener.length >= fence.length;
      if (closes && !line.trim().slice(opener.length).trim()) fence = null;
    } else if (opener !== null) {
      push(true, line);
      fence = opener;
    } else {
      push(false, line);
    }
  }
  return blocks.map((block) => ({ code: block.code, text: block.lines.join('\n') }));
}
