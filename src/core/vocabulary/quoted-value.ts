/**
 * A value someone wrote (a workflow's line, a script, a command, a link's
 * target) as Baton's words quote it: whole when it fits, else its first
 * characters and "…" with how long it was, so no cut ever passes for the
 * value itself. `quotedValue` is for plain text (a refusal, the reason a
 * worker's row shows in a code span); Markdown quotes session text with
 * `quoted` (src/core/verification/quoted.ts), which cuts the same way.
 */

/** At most this many characters of one value a refusal quotes. */
export const VALUE_MAX_CHARS = 120;

/** A text as shown: whole (`cutFrom` null), or cut to `max` characters with "…", `cutFrom` its length. */
export interface Clipped {
  text: string;
  cutFrom: number | null;
}

/** Cut by characters, never inside one: a long text keeps `max - 1` of them and "…". */
export function clip(text: string, max: number): Clipped {
  const chars = [...text];
  if (chars.length <= max) return { text, cutFrom: null };
  return { text: `${chars.slice(0, Math.max(0, max - 1)).join('')}…`, cutFrom: chars.length };
}

/** What follows a cut value's closing quote: how long the whole was; nothing for a whole one. */
export function cutNote({ cutFrom }: Clipped): string {
  return cutFrom === null ? '' : ` (cut from ${cutFrom} characters)`;
}

/** A value in plain text: in double quotes, escaped as JSON (so on one line, its own quotes escaped). */
export function quotedValue(text: string, max = VALUE_MAX_CHARS): string {
  const clipped = clip(text, max);
  return `${JSON.stringify(clipped.text)}${cutNote(clipped)}`;
}
