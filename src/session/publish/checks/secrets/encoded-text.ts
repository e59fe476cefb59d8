import { gunzipSync } from 'node:zlib';

/**
 * Text that a file or a message holds in a form a pattern does not see, undone
 * as far as accidents go: a Kubernetes secret's base64, a key written as hex,
 * a file saved as UTF-16 (Windows' editors), a gzip'd dump. A model that hides
 * a secret on purpose (reversed, split over lines, encrypted, zipped) is not
 * what a scan can stop (docs/security.md, "Secrets in what publish pushes").
 */

/** What a text holds encoded: the decoded text, how, and where the encoded run starts. */
export interface DecodedRun {
  how: 'base64' | 'hex';
  /** The encoded run as it is in the text. */
  encoded: string;
  /** Its offset in the text. */
  index: number;
  text: string;
}

/** Shortest base64 run worth decoding: 18 bytes, shorter than any key the rules know. */
const BASE64 = /[A-Za-z0-9+/_-]{24,}={0,2}/g;
/** Shortest hex run worth decoding: 16 bytes. */
const HEX = /(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}){16,}(?![0-9A-Fa-f])/g;
/** Runs decoded per text, at most: a minified bundle has many, and most decode to noise. */
const RUNS_MAX = 2_000;
/** A run longer than this is left as it is (a data URI of an image, say). */
const RUN_MAX_CHARS = 64 * 1024;

/**
 * The base64 and hex runs of a text that decode to text (nine characters in ten
 * printable), and the runs inside those (base64 of hex, say), one level down.
 */
export function decodeRuns(text: string, depth = 2): DecodedRun[] {
  const found: DecodedRun[] = [];
  for (const [how, pattern] of [
    ['hex', HEX],
    ['base64', BASE64],
  ] as const) {
    for (const match of text.matchAll(pattern)) {
      if (found.length >= RUNS_MAX) return found;
      const encoded = match[0];
      if (encoded.length > RUN_MAX_CHARS) continue;
      // A hex run is base64's alphabet too: decoded as hex only.
      if (how === 'base64' && /^[0-9A-Fa-f]+$/.test(encoded)) continue;
      const decoded = printable(how === 'hex' ? Buffer.from(encoded, 'hex') : fromBase64(encoded));
      if (decoded === null) continue;
      const index = match.index ?? 0;
      found.push({ how, encoded, index, text: decoded });
      if (depth > 1) {
        for (const inner of decodeRuns(decoded, depth - 1))
          found.push({ ...inner, how, encoded, index });
      }
    }
  }
  return found;
}

function fromBase64(encoded: string): Buffer {
  return Buffer.from(encoded.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/** The bytes as UTF-8 text when nine in ten characters are printable, else null. */
function printable(bytes: Buffer): string | null {
  if (bytes.length < 12) return null;
  const text = bytes.toString('utf8');
  let good = 0;
  for (const char of text) {
    const point = char.codePointAt(0) ?? 0;
    if ((point >= 0x20 && point !== 0x7f && point !== 0xfffd) || char === '\n' || char === '\t')
      good += 1;
  }
  return good >= text.length * 0.9 ? text : null;
}

/** A file's content as the scan reads it. */
export interface FileText {
  /** The text to look through: the file's, or a binary's printable runs one a line. */
  text: string;
  /** Binary: found lines are not the file's. */
  binary: boolean;
  /** How the text was undone: `utf-16`, `gzip`, both, or nothing. */
  how: string[];
}

/** Bytes past this a gzip member inflates to are not looked through: the file is refused. */
export const GUNZIP_MAX_BYTES = 16 * 1024 * 1024;

/** Too large once inflated: the scan cannot look through it. */
export class InflatedTooLarge extends Error {}

/**
 * The text of a file's bytes: gzip inflated (its members, up to
 * `GUNZIP_MAX_BYTES`), UTF-16 decoded (a byte order mark, or one byte in two
 * zero), else UTF-8; a binary as its printable runs of eight characters or
 * more, in ASCII and in UTF-16LE, as `strings` and `strings -el` show them.
 */
export function fileText(bytes: Buffer): FileText {
  const how: string[] = [];
  let content = bytes;
  if (content[0] === 0x1f && content[1] === 0x8b) {
    try {
      content = gunzipSync(content, { maxOutputLength: GUNZIP_MAX_BYTES });
      how.push('gzip');
    } catch (error) {
      if (error instanceof RangeError) throw new InflatedTooLarge('inflates past the limit');
      // Not a whole gzip member: read the bytes as they are.
    }
  }
  const wide = utf16Of(content);
  if (wide) return { text: wide, binary: false, how: [...how, 'utf-16'] };
  const head = content.subarray(0, 8000);
  if (!head.includes(0)) return { text: content.toString('utf8'), binary: false, how };
  const latin = content.toString('latin1');
  const runs = [
    ...(latin.match(/[\x20-\x7e]{8,}/g) ?? []),
    ...(latin.match(/(?:[\x20-\x7e]\0){8,}/g) ?? []).map((run) => run.replace(/\0/g, '')),
  ];
  return { text: runs.join('\n'), binary: true, how };
}

/** UTF-16 text: a byte order mark, or zero bytes in one position of two and not the other. */
function utf16Of(bytes: Buffer): string | null {
  if (bytes.length < 2) return null;
  const bom = bytes.readUInt16BE(0);
  if (bom === 0xfffe) return bytes.subarray(2).toString('utf16le');
  if (bom === 0xfeff) return swapped(bytes.subarray(2)).toString('utf16le');
  const head = bytes.subarray(0, 8000);
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i + 1 < head.length; i += 2) {
    if (head[i] === 0) evenZero += 1;
    if (head[i + 1] === 0) oddZero += 1;
  }
  const pairs = Math.floor(head.length / 2);
  if (pairs < 4) return null;
  if (oddZero >= pairs * 0.6 && evenZero <= pairs * 0.05) return bytes.toString('utf16le');
  if (evenZero >= pairs * 0.6 && oddZero <= pairs * 0.05) return swapped(bytes).toString('utf16le');
  return null;
}

function swapped(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
  return copy.swap16();
}
