/**
 * Duplicate code in `src/` (docs/development.md, "The house's bars"): pairs of
 * places that share `MIN_LINES` or more consecutive lines of the same shape.
 * Each line is read as TypeScript's parser reads it and kept as its tokens,
 * with every identifier, string and number put as a placeholder: two lines of
 * the same shape differ at most in names and literals; two the same are the
 * same tokens (whitespace aside). Blank lines, comments, imports and lines of
 * literals alone (a list's `'a',`) are not lines here. `npm run duplicates` prints the pairs; test/house/duplicates.test.ts
 * holds their number under the ceiling committed beside it.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { type SourceFile, sourceFiles } from './source-files.js';

/** The fewest consecutive lines a pair shares. */
export const MIN_LINES = 6;

/**
 * The fewest tokens those lines hold, five a line: six short lines of an idiom
 * (a destructured parameter list, a switch's exhaustive default) are the same
 * shape as any other and say nothing.
 */
export const MIN_TOKENS = 30;

/**
 * The fewest different shapes among the first `MIN_LINES` lines of a pair: a
 * table's rows (`name: 42,`) repeat one shape and are data, not code.
 */
export const MIN_SHAPES = 3;

/** One line as the finder reads it. */
interface Line {
  /** 1-based, in its file. */
  line: number;
  /** Its tokens with identifiers, strings and numbers as placeholders. */
  shape: string;
  /** Its tokens as written, one space apart. */
  text: string;
  tokens: number;
}

/** One place of a pair: a file's lines `from` to `to`, 1-based, both included. */
export interface Place {
  path: string;
  from: number;
  to: number;
}

export interface DuplicatePair {
  first: Place;
  second: Place;
  /** Lines shared (blank, comment and import lines not counted). */
  lines: number;
  /** `same`: the same tokens; `shape`: the same shape, other names or literals. */
  kind: 'same' | 'shape';
}

/** One token of a file: where it starts, its kind, its text. */
interface Token {
  start: number;
  kind: ts.SyntaxKind;
  text: string;
}

/**
 * The lines of a file that count: those where a name or a keyword starts,
 * outside an import.
 */
export function linesOf(path: string, text: string): Line[] {
  const tsx = path.endsWith('.tsx');
  const source = ts.createSourceFile(
    path,
    text,
    ts.ScriptTarget.Latest,
    false,
    tsx ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const byLine = new Map<number, { shape: string[]; text: string[] }>();
  for (const token of tsx ? parsedTokens(source) : scannedTokens(source)) {
    const placed = placeholder(token);
    if (placed === null) continue;
    const line = source.getLineAndCharacterOfPosition(token.start).line + 1;
    const entry = byLine.get(line) ?? { shape: [], text: [] };
    entry.shape.push(placed);
    entry.text.push(token.text);
    byLine.set(line, entry);
  }
  return [...byLine.entries()]
    .sort(([a], [b]) => a - b)
    .filter(([, entry]) => entry.shape.some((part) => /^[a-z]|^\$id$/.test(part)))
    .map(([line, entry]) => ({
      line,
      shape: entry.shape.join(' '),
      text: entry.text.join(' '),
      tokens: entry.shape.length,
    }));
}

/**
 * The tokens outside imports as the scanner reads them, told by the parsed
 * file where a `/` starts a regular expression and a `}` goes on with a
 * template, which the scanner alone cannot know: many times faster than
 * asking every node of the tree for its tokens.
 */
function scannedTokens(source: ts.SourceFile): Token[] {
  const skipped: [number, number][] = [];
  const regexAt = new Set<number>();
  const templateAt = new Set<number>();
  const walk = (node: ts.Node): void => {
    if (isImport(node)) {
      skipped.push([node.getStart(source), node.end]);
      return;
    }
    if (ts.isRegularExpressionLiteral(node)) regexAt.add(node.getStart(source));
    if (ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) templateAt.add(node.getStart(source));
    ts.forEachChild(node, walk);
  };
  walk(source);
  const scanner = ts.createScanner(
    ts.ScriptTarget.Latest,
    true,
    ts.LanguageVariant.Standard,
    source.text,
  );
  const tokens: Token[] = [];
  let skip = 0;
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    const start = scanner.getTokenStart();
    if (
      (kind === ts.SyntaxKind.SlashToken || kind === ts.SyntaxKind.SlashEqualsToken) &&
      regexAt.has(start)
    ) {
      kind = scanner.reScanSlashToken();
    } else if (kind === ts.SyntaxKind.CloseBraceToken && templateAt.has(start)) {
      kind = scanner.reScanTemplateToken(false);
    }
    while ((skipped[skip]?.[1] ?? Number.POSITIVE_INFINITY) <= start) skip += 1;
    const range = skipped[skip];
    if (range && range[0] <= start) continue;
    tokens.push({ start, kind, text: scanner.getTokenText() });
  }
  return tokens;
}

/** The tokens outside imports, every node of the tree asked for its own (JSX, which the scanner reads only with the parser). */
function parsedTokens(source: ts.SourceFile): Token[] {
  const tokens: Token[] = [];
  const visit = (node: ts.Node): void => {
    if (isImport(node)) return;
    const children = node.getChildren(source);
    if (children.length > 0) {
      for (const child of children) visit(child);
      return;
    }
    if (ts.isJsxText(node) && node.containsOnlyTriviaWhiteSpaces) return;
    tokens.push({ start: node.getStart(source), kind: node.kind, text: node.getText(source) });
  };
  visit(source);
  return tokens;
}

function isImport(node: ts.Node): boolean {
  return (
    ts.isImportDeclaration(node) ||
    ts.isImportEqualsDeclaration(node) ||
    (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined)
  );
}

/** A token's part in a line's shape; null for what is no token of the code (the end of the file). */
function placeholder({ kind }: Token): string | null {
  switch (kind) {
    case ts.SyntaxKind.EndOfFileToken:
      return null;
    case ts.SyntaxKind.Identifier:
    case ts.SyntaxKind.PrivateIdentifier:
      return '$id';
    case ts.SyntaxKind.StringLiteral:
    case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
    case ts.SyntaxKind.RegularExpressionLiteral:
    case ts.SyntaxKind.JsxText:
      return '$str';
    case ts.SyntaxKind.TemplateHead:
      return '`$str${';
    case ts.SyntaxKind.TemplateMiddle:
      return '}$str${';
    case ts.SyntaxKind.TemplateTail:
      return '}$str`';
    case ts.SyntaxKind.NumericLiteral:
    case ts.SyntaxKind.BigIntLiteral:
      return '$num';
    default:
      return ts.tokenToString(kind) ?? ts.SyntaxKind[kind] ?? String(kind);
  }
}

interface Occurrence {
  file: number;
  index: number;
}

/** Every pair of places in `files` sharing `MIN_LINES` or more lines of one shape, the longest first. */
export function findDuplicates(files: readonly SourceFile[]): DuplicatePair[] {
  const read = files.map((file) => ({ path: file.path, lines: linesOf(file.path, file.text) }));
  const windows = new Map<string, Occurrence[]>();
  read.forEach(({ lines }, file) => {
    for (let index = 0; index + MIN_LINES <= lines.length; index += 1) {
      const shapes = lines.slice(index, index + MIN_LINES).map((line) => line.shape);
      if (new Set(shapes).size < MIN_SHAPES) continue;
      const key = shapes.join('\n');
      const found = windows.get(key);
      if (found) found.push({ file, index });
      else windows.set(key, [{ file, index }]);
    }
  });
  const shapeAt = (at: Occurrence, offset: number): string | undefined =>
    read[at.file]?.lines[at.index + offset]?.shape;
  const pairs: DuplicatePair[] = [];
  for (const occurrences of windows.values()) {
    for (let i = 0; i < occurrences.length; i += 1) {
      for (let j = i + 1; j < occurrences.length; j += 1) {
        const a = occurrences[i];
        const b = occurrences[j];
        if (!a || !b) continue;
        const sameFile = a.file === b.file;
        // A run is counted once, from where it starts, and never against itself.
        if (sameFile && a.index + MIN_LINES > b.index) continue;
        const before = shapeAt(a, -1);
        if (before !== undefined && before === shapeAt(b, -1)) continue;
        let length = MIN_LINES;
        while (
          (!sameFile || a.index + length < b.index) &&
          shapeAt(a, length) !== undefined &&
          shapeAt(a, length) === shapeAt(b, length)
        ) {
          length += 1;
        }
        const pair = pairOf(read, a, b, length);
        if (pair) pairs.push(pair);
      }
    }
  }
  return pairs.sort(
    (x, y) =>
      y.lines - x.lines ||
      x.first.path.localeCompare(y.first.path) ||
      x.first.from - y.first.from ||
      x.second.path.localeCompare(y.second.path) ||
      x.second.from - y.second.from,
  );
}

function pairOf(
  read: readonly { path: string; lines: Line[] }[],
  a: Occurrence,
  b: Occurrence,
  length: number,
): DuplicatePair | null {
  const fileA = read[a.file];
  const fileB = read[b.file];
  if (!fileA || !fileB) return null;
  const linesA = fileA.lines.slice(a.index, a.index + length);
  const linesB = fileB.lines.slice(b.index, b.index + length);
  if (linesA.reduce((sum, line) => sum + line.tokens, 0) < MIN_TOKENS) return null;
  const place = (path: string, lines: Line[]): Place => ({
    path,
    from: lines[0]?.line ?? 0,
    to: lines.at(-1)?.line ?? 0,
  });
  return {
    first: place(fileA.path, linesA),
    second: place(fileB.path, linesB),
    lines: length,
    kind: linesA.every((line, index) => line.text === linesB[index]?.text) ? 'same' : 'shape',
  };
}

/** One pair as a line: `src/a.ts:10–17 ↔ src/b.ts:40–47 (8 lines, same shape)`. */
export function describePair(pair: DuplicatePair): string {
  const place = ({ path, from, to }: Place) => `${path}:${from}–${to}`;
  const kind = pair.kind === 'same' ? 'the same' : 'same shape';
  return `${place(pair.first)} ↔ ${place(pair.second)} (${pair.lines} lines, ${kind})`;
}

/** The pairs of `src/`, as `npm run duplicates` prints them. */
export function duplicatesOfSource(): DuplicatePair[] {
  return findDuplicates(sourceFiles('src'));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const pairs = duplicatesOfSource();
  for (const pair of pairs) console.log(describePair(pair));
  console.log(
    `${pairs.length} pairs of places in src/ share ${MIN_LINES} or more lines of one shape`,
  );
}
