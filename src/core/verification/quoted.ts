/**
 * A session's text (a title, a criterion, a check's name, a path) as the
 * review guide and the notice for waiting workers show it: in quotes, on one
 * line, inert. No HTML (so no `<!--` marker, which a code span would keep as
 * written), no mention, no image, no closing keyword, and no emphasis, code,
 * link or cell of its own, so it can pass for no row or label of the app's.
 * Its own curly quotes become straight ones, so it cannot seem to end early.
 * A long one is cut as every quote of Baton's is (`clip`), saying how long it was.
 */
import { neutralizeClosingKeywords } from '../vocabulary/closing-keywords.js';
import { escapeText } from '../vocabulary/markdown.js';
import { clip, cutNote } from '../vocabulary/quoted-value.js';

/** At most this many characters of one text are shown. */
export const QUOTED_MAX_CHARS = 200;

export function quoted(text: string, max = QUOTED_MAX_CHARS): string {
  const clipped = clip(text, max);
  const inert = escapeText(clipped.text.replace(/[“”]/g, '"'))
    .replace(/[`*_~|]/g, '\\$&')
    .replace(/(?<!\\)[[\]]/g, '\\$&');
  return `“${neutralizeClosingKeywords(inert, '&#8203;')}”${cutNote(clipped)}`;
}
