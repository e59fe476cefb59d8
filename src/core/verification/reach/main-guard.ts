/**
 * A program's main-module guard, read from a file's JavaScript or TypeScript
 * tokens (runner-reach.ts): the one reading of the command line that tells a
 * test from nothing (docs/verification.md, "Code that reads a test runner").
 */

/** A token as runner-reach.ts reads it. */
interface Token {
  kind: 'name' | 'string' | 'punct' | 'number';
  value: string;
}

/**
 * The tokens of a program's main-module guard and of what it runs
 * (`if (import.meta.url === \`file://${process.argv[1]}\`) main(process.argv.slice(2))`,
 * `if (require.main === module) …`): the guard asks only whether this file is the
 * program Node started, which it is not under a runner nor when another module
 * imports it, so it tells a test from nothing; and what it guards runs only when
 * the file is the program, with the arguments its caller gave. Only the idiom's
 * own shapes are let in (`MAIN_GUARDS`): a guard comparing the command line with
 * anything else, or through a function the file could define, is a reach.
 */
export function mainGuarded(tokens: Token[]): Set<number> {
  const guarded = new Set<number>();
  const fromUrl = importedFrom(tokens, /^(?:node:)?url$/);
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]?.value !== 'if' || tokens[i - 1]?.value === '.' || tokens[i + 1]?.value !== '(')
      continue;
    const close = matching(tokens, i + 1);
    const shape = tokens
      .slice(i + 2, close)
      .map((token) =>
        token.kind === 'string'
          ? JSON.stringify(token.value)
          : fromUrl.has(token.value) && token.kind === 'name'
            ? `url:${token.value}`
            : token.value,
      )
      .join(' ');
    if (!MAIN_GUARDS.has(shape)) continue;
    const end =
      tokens[close + 1]?.value === '{'
        ? matching(tokens, close + 1)
        : statementEnd(tokens, close + 1);
    for (let k = i + 2; k <= end; k++) guarded.add(k);
  }
  return guarded;
}

/** The main-module guards let in, as their tokens joined by spaces (a string quoted), each either way round. */
const MAIN_GUARDS = new Set(
  [
    ['import . meta . url', '"file://" process . argv [ 1 ] ""'],
    ['import . meta . url', 'url:pathToFileURL ( process . argv [ 1 ] ) . href'],
    ['url:fileURLToPath ( import . meta . url )', 'process . argv [ 1 ]'],
    ['import . meta . filename', 'process . argv [ 1 ]'],
    ['require . main', 'module'],
  ].flatMap(([a, b]) => ['===', '=='].flatMap((is) => [`${a} ${is} ${b}`, `${b} ${is} ${a}`])),
);

/**
 * The names a file imports from a module whose name matches, unrenamed
 * (`import { fileURLToPath } from 'node:url'`), and only ever calls: a name
 * the file binds again (a declaration, a parameter, a destructuring) could
 * answer anything.
 */
function importedFrom(tokens: Token[], module: RegExp): Set<string> {
  const names = new Set<string>();
  const inImports = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]?.value !== 'import' || tokens[i + 1]?.value !== '{') continue;
    const close = matching(tokens, i + 1);
    for (let k = i + 2; k < close; k++) inImports.add(k);
    const source = tokens[close + 2];
    if (
      tokens[close + 1]?.value !== 'from' ||
      source?.kind !== 'string' ||
      !module.test(source.value)
    )
      continue;
    for (let k = i + 2; k < close; k++) {
      const name = tokens[k];
      if (name?.kind === 'name' && tokens[k - 1]?.value !== 'as' && tokens[k + 1]?.value !== 'as')
        names.add(name.value);
    }
  }
  tokens.forEach((token, k) => {
    if (token.kind !== 'name' || !names.has(token.value) || inImports.has(k)) return;
    const called = tokens[k + 1]?.value === '(' && tokens[k - 1]?.value !== 'function';
    if (!called) names.delete(token.value);
  });
  return names;
}

/** The index of the bracket closing the one at `open` (or the last token). */
function matching(tokens: Token[], open: number): number {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const want = pairs[tokens[open]?.value ?? ''];
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    const value = tokens[k]?.value;
    if (value === tokens[open]?.value) depth++;
    else if (value === want && --depth === 0) return k;
  }
  return tokens.length - 1;
}

/** The index of the `;` ending the statement that starts at `from` (or the last token). */
function statementEnd(tokens: Token[], from: number): number {
  let depth = 0;
  for (let k = from; k < tokens.length; k++) {
    const value = tokens[k]?.value;
    if (value === '(' || value === '[' || value === '{') depth++;
    if (value === ')' || value === ']' || value === '}') depth--;
    if (depth < 0 || (depth === 0 && value === ';')) return k;
  }
  return tokens.length - 1;
}

/** Python's main-module guard, either way round, alone on its line. */
const PYTHON_MAIN =
  /^(\s*)if\s+(?:__name__\s*==\s*(['"])__main__\2|(['"])__main__\3\s*==\s*__name__)\s*:\s*(?:#.*)?$/;

/**
 * The lines (from 1) of Python's `if __name__ == "__main__":` guards and of
 * the blocks they run, read by indentation: the module runs as the program
 * there, never under pytest, which imports it.
 */
export function pythonMainLines(text: string): Set<number> {
  const lines = text.split('\n');
  const guarded = new Set<number>();
  lines.forEach((line, at) => {
    const guard = PYTHON_MAIN.exec(line);
    if (!guard) return;
    const indent = guard[1]?.length ?? 0;
    guarded.add(at + 1);
    for (let next = at + 1; next < lines.length; next++) {
      const body = lines[next] ?? '';
      if (body.trim() === '') continue;
      if ((/^\s*/.exec(body)?.[0].length ?? 0) <= indent) break;
      guarded.add(next + 1);
    }
  });
  return guarded;
}
