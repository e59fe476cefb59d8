/**
 * A contract file as its checks' workers may leave it (docs/verification.md,
 * "The contract's tree"): the sealed text byte for byte, with only the
 * expected-failure marks of checks removed, the one change a worker makes to
 * its own criteria's checks. Compared with that text, not judged by rules: a
 * redirected import, a changed fixture path or a rewritten assertion is any
 * other byte. The marks are the contract session's own (Vitest `it.fails`, Jest
 * `test.failing`, node:test's `todo` option, pytest's `xfail` and unittest's
 * `expectedFailure` decorators), found at the call or the decorators that
 * declare each check, as `check-marks.ts` finds them. Pure.
 */
import { CALL, objectAt, readString, skipTrivia } from './check-marks.js';
import { checkLeaf } from './contract-breach.js';
import { countMatches, languageOf } from './test-languages.js';

/** The chain link of a JS/TS test call that expects it to fail. */
const FAILS_LINK = /\s*\.\s*(?:fails|failing)\b/;
/** node:test's `todo` option, with its value (a string, or true). */
const TODO_OPTION = /\btodo\s*:\s*(?:true|'[^'\n]*'|"[^"\n]*"|`[^`\n]*`)\s*,?\s*/;
/** The Python decorators that expect a check to fail. */
const PY_MARK = /^\s*@(?:pytest\.mark\.xfail|unittest\.expectedFailure)\b/;

/**
 * Whether `after` is `before` with only the marks of the named checks (each
 * by its name as its runner prints it) removed: no other byte changed, and no
 * mark added. A file of a language with no marks must be `before` itself.
 */
export function onlyMarksRemoved({
  path,
  before,
  after,
  names,
}: {
  path: string;
  before: string;
  after: string;
  names: readonly string[];
}): boolean {
  if (before === after) return true;
  const language = languageOf(path);
  if (language === null || language.expectFail.length === 0) return false;
  if (countMatches(after, language.expectFail) > countMatches(before, language.expectFail))
    return false;
  return unmarkChecks(path, before, names) === unmarkChecks(path, after, names);
}

/** `text` with the expected-failure marks of the named checks taken off where they are declared. */
export function unmarkChecks(path: string, text: string, names: readonly string[]): string {
  const language = languageOf(path)?.name;
  const leaves = [...new Set(names.map(checkLeaf).filter((leaf) => leaf !== ''))];
  let unmarked = text;
  for (const leaf of leaves) {
    if (language === 'Python') unmarked = unmarkPython(unmarked, leaf);
    else if (language === 'JavaScript/TypeScript') unmarked = unmarkJs(unmarked, leaf);
  }
  return unmarked;
}

/** Each call declaring `leaf`, its `.fails`/`.failing` link and its `todo` option taken off. */
function unmarkJs(text: string, leaf: string): string {
  const cuts: { from: number; to: number; put?: string }[] = [];
  for (const call of text.matchAll(CALL)) {
    const start = call.index ?? 0;
    const named = readString(text, skipTrivia(text, start + call[0].length));
    if (named === null || named.value !== leaf) continue;
    const chain = call[1] ?? '';
    const link = FAILS_LINK.exec(chain);
    if (link) {
      const from = start + call[0].indexOf(chain) + link.index;
      cuts.push({ from, to: from + link[0].length });
    }
    const comma = skipTrivia(text, named.end);
    if (text[comma] !== ',') continue;
    const open = skipTrivia(text, comma + 1);
    if (text[open] !== '{') continue;
    const options = objectAt(text, open);
    const todo = TODO_OPTION.exec(options);
    if (!todo) continue;
    const rest = `${options.slice(0, todo.index)}${options.slice(todo.index + todo[0].length)}`;
    // Its only option: the options go with it, and the comma before them.
    if (/^\{\s*\}$/.test(rest)) cuts.push({ from: named.end, to: open + options.length });
    else cuts.push({ from: open, to: open + options.length, put: rest });
  }
  return cuts
    .sort((a, b) => b.from - a.from)
    .reduce((out, cut) => `${out.slice(0, cut.from)}${cut.put ?? ''}${out.slice(cut.to)}`, text);
}

/** The `def leaf(` of the file, its expected-failure decorators (one line or several) taken off. */
function unmarkPython(text: string, leaf: string): string {
  const lines = text.split('\n');
  const def = new RegExp(`^\\s*(?:async\\s+)?def\\s+${leaf.replace(/\W/g, '\\$&')}\\s*\\(`);
  const at = lines.findIndex((line) => def.test(line));
  if (at < 0) return text;
  // Walking up, as `pythonDecorated` does: decorators, their lines inside parentheses, comments, blanks.
  const block: number[] = [];
  let depth = 0;
  for (let index = at - 1; index >= 0; index--) {
    const trimmed = (lines[index] ?? '').trim();
    const inside = depth < 0 || trimmed === '' || /^[@#)\]]/.test(trimmed);
    if (!inside) break;
    block.unshift(index);
    depth += count(lines[index] ?? '', /[([]/g) - count(lines[index] ?? '', /[)\]]/g);
  }
  // Each decorator runs from its `@` to the next one's: a mark's lines all go.
  const drop = new Set<number>();
  let marked = false;
  for (const index of block) {
    const line = lines[index] ?? '';
    if (/^\s*@/.test(line)) marked = PY_MARK.test(line);
    if (marked) drop.add(index);
  }
  return lines.filter((_, index) => !drop.has(index)).join('\n');
}

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}
