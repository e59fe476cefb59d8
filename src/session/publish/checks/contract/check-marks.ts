/**
 * Whether a check is still marked to fail, read from its file where no
 * runner's report can be had (docs/verification.md, "Fails before, passes
 * after"): by the call that declares it, not by the lines around its name. A
 * mark and its name may lie lines apart, with comments between
 * (`it.fails(\n\n  // W1.1:1\n  'greets Ada', …)`): JS and TS read the test
 * call (`it`, `test` …, its chain of modifiers) and its first string argument,
 * across lines and comments, then its options (`{ todo: … }`); Python reads
 * every decorator above the `def`, however many lines they take. Pure.
 */

/** A test call's opening: its name and chain (`it.concurrent.fails`), then `(`. */
export const CALL = /\b(?:it|test|describe|suite|context)((?:\s*\.\s*[A-Za-z_]\w*)*)\s*\(/g;

/** Modifiers that keep a check from failing: an expected failure, a skip, left to do. */
const MARKING = /\.(?:fails|failing|skip|skipIf|todo)\b/;

/** Options of node:test that do the same. */
const MARKING_OPTIONS = /\b(?:todo|skip)\s*:\s*(?!false\b|null\b|undefined\b|0\b|''|""|``)\S/;

/**
 * A JS/TS check named `leaf`: true when a call that declares it carries a mark,
 * false when it is declared plainly, null when no call declares it.
 */
export function jsCallMarked(text: string, leaf: string): boolean | null {
  let found = false;
  for (const call of text.matchAll(CALL)) {
    const named = readString(text, skipTrivia(text, (call.index ?? 0) + call[0].length));
    if (named === null || named.value !== leaf) continue;
    found = true;
    if (MARKING.test((call[1] ?? '').replace(/\s+/g, ''))) return true;
    let at = skipTrivia(text, named.end);
    if (text[at] !== ',') continue;
    at = skipTrivia(text, at + 1);
    if (text[at] === '{' && MARKING_OPTIONS.test(objectAt(text, at))) return true;
  }
  return found ? false : null;
}

/**
 * A Python check `def leaf(`: true when a decorator above it expects it to
 * fail, false when it has none, null when no such function is in the file.
 */
export function pythonDecorated(
  text: string,
  leaf: string,
  marks: readonly RegExp[],
): boolean | null {
  const lines = text.split('\n');
  const def = new RegExp(`^\\s*(?:async\\s+)?def\\s+${leaf.replace(/\W/g, '\\$&')}\\s*\\(`);
  const at = lines.findIndex((line) => def.test(line));
  if (at < 0) return null;
  const above: string[] = [];
  // Walking up: a line inside a decorator's parentheses, a decorator, a comment or a blank line.
  let depth = 0;
  for (let index = at - 1; index >= 0; index--) {
    const line = lines[index] ?? '';
    const trimmed = line.trim();
    if (depth >= 0 && trimmed !== '' && !trimmed.startsWith('@') && !trimmed.startsWith('#')) {
      if (!/^[)\]]/.test(trimmed)) break;
    }
    above.push(line);
    depth += count(line, /[([]/g) - count(line, /[)\]]/g);
  }
  const decorators = above.reverse().join('\n');
  return marks.some((mark) => new RegExp(mark.source).test(decorators));
}

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

/** Past whitespace and comments. */
export function skipTrivia(text: string, from: number): number {
  let at = from;
  for (;;) {
    while (at < text.length && /\s/.test(text[at] ?? '')) at++;
    if (text.startsWith('//', at)) {
      const end = text.indexOf('\n', at);
      at = end < 0 ? text.length : end + 1;
    } else if (text.startsWith('/*', at)) {
      const end = text.indexOf('*/', at + 2);
      at = end < 0 ? text.length : end + 2;
    } else {
      return at;
    }
  }
}

/** A string literal at `at` (quotes of any kind), its value and where it ends; null when none is there. */
export function readString(text: string, at: number): { value: string; end: number } | null {
  const quote = text[at];
  if (quote !== "'" && quote !== '"' && quote !== '`') return null;
  let value = '';
  for (let index = at + 1; index < text.length; index++) {
    const char = text[index] ?? '';
    if (char === '\\') {
      value += text[++index] ?? '';
    } else if (char === quote) {
      return { value, end: index + 1 };
    } else {
      value += char;
    }
  }
  return null;
}

/** The object literal opening at `at`, to its matching brace (strings' braces not told apart: a bound, not a parser). */
export function objectAt(text: string, at: number): string {
  let depth = 0;
  for (let index = at; index < text.length; index++) {
    if (text[index] === '{') depth++;
    else if (text[index] === '}' && --depth === 0) return text.slice(at, index + 1);
  }
  return text.slice(at);
}
