/**
 * Text for a person's terminal. Titles, notes and names the commands print come
 * from GitHub and from models; a terminal obeys what it is sent, so an
 * escape sequence in a plan's title could write the clipboard (OSC 52),
 * rewrite lines already printed (CSI) or reorder what is read (bidi
 * overrides). Every line the commands print passes here (`cliOutput`).
 */

/** ESC-initiated sequences: CSI, the string sequences (OSC, DCS, SOS, PM, APC) to their end, or ESC and one character. */
const ESCAPE_SEQUENCES =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it takes out
  /\x1b\[[0-?]*[ -/]*[@-~]?|\x1b[\]PX^_][\s\S]*?(?:\x07|\x1b\\|$)|\x1b[\s\S]?/g;
/** The same sequences in their 8-bit (C1) forms: CSI U+009B; OSC, DCS, SOS, PM, APC to ST (U+009C) or BEL. */
const C1_SEQUENCES =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it takes out
  /\u009b[0-?]*[ -/]*[@-~]?|[\u0090\u0098\u009d\u009e\u009f][\s\S]*?(?:\x07|\u009c|$)/g;
/** What is left: C0 controls but tab and newline, DEL, C1 controls, and the bidi embeddings, overrides and isolates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it takes out
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control sequence and control character taken out; tabs and newlines stay. */
export function terminalText(text: string): string {
  return text.replace(ESCAPE_SEQUENCES, '').replace(C1_SEQUENCES, '').replace(CONTROLS, '');
}

/**
 * `value` as JSON safe to print: JSON escapes C0 controls itself; DEL, C1
 * controls and bidi controls are escaped too (`\u009b`), so the data is whole
 * and `terminalText` finds nothing to take out.
 */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\x7f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
