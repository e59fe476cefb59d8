/**
 * Code that changes Node's assertion modules (runner-reach.ts): node:test and
 * the checks compare through `node:assert` in the process that loads the code
 * under test, so a program's module that assigns to `node:assert`'s `equal`,
 * or redefines a member of `node:test`, changes what every check sees. The
 * modules are Node's own assertion modules, a closed set (`ASSERTION_MODULES`);
 * Node's other modules are left to the code (`EventEmitter.defaultMaxListeners
 * = 20`, `http.globalAgent.keepAlive = true` are settings, not votes), and the
 * validation's check process freezes the assertion modules whatever the code
 * does. Read from a file's JavaScript or TypeScript tokens: the names it binds
 * to such a module (an `import`, a `require` or an `import()` taken into a name
 * or destructured), then each assignment to, deletion of or redefinition of a
 * member of one of them, and a member assigned on a `require(…)` call itself.
 */

import { chainText, memberChainEnd } from './member-chain.js';
import type { Reach } from './test-aware.js';

/** A token as runner-reach.ts reads it. */
interface Token {
  kind: 'name' | 'string' | 'punct' | 'number';
  value: string;
  line: number;
}

/** Node's assertion modules, with or without `node:`; node:test only by that name, as Node takes it. */
const ASSERTION_MODULES = /^(?:(?:node:)?assert(?:\/strict)?|node:test(?:\/reporters)?)$/;

function isAssertionModule(specifier: string): boolean {
  return ASSERTION_MODULES.test(specifier);
}

const ASSIGNMENT = new Set(['=', '+=', '-=', '*=', '/=', '||=', '&&=', '??=', '|=', '&=']);

/** Object's and Reflect's methods that change the object they are given first. */
const CHANGERS = new Set([
  'defineProperty',
  'defineProperties',
  'setPrototypeOf',
  'assign',
  'set',
  'deleteProperty',
]);

/** Each change the tokens make to a member of Node's assertion modules, in token order. */
export function assertionModuleChanges(tokens: readonly Token[]): Reach[] {
  const bound = builtinBindings(tokens);
  const reaches: Reach[] = [];
  tokens.forEach((token, i) => {
    if (token.kind !== 'name') return;
    const prev = tokens[i - 1]?.value;
    if (prev === '.' || prev === '?.') return;
    // require('fs').x = …, (await import('fs')).x = … read as the call's closing bracket.
    const module = bound.get(token.value) ?? calledModule(tokens, i);
    if (module === null || module === undefined) return;
    const start = module === bound.get(token.value) ? i : closing(tokens, i + 1);
    const end = memberChainEnd(tokens, start);
    const chain = `${module}${chainText(tokens, start + 1, end)}`;
    if (end > start + 1 && ASSIGNMENT.has(tokens[end]?.value ?? ''))
      reaches.push({ line: token.line, what: `assigns to Node's assertion module (${chain})` });
    else if (end > start + 1 && prev === 'delete')
      reaches.push({ line: token.line, what: `deletes from Node's assertion module (${chain})` });
    else if (start === i && changedByCall(tokens, i))
      reaches.push({ line: token.line, what: `redefines Node's assertion module (${module})` });
  });
  return reaches;
}

/** The names the tokens bind to Node's assertion modules, with the module each stands for. */
function builtinBindings(tokens: readonly Token[]): Map<string, string> {
  const bound = new Map<string, string>();
  tokens.forEach((token, i) => {
    if (token.value !== 'import' || token.kind !== 'name') return;
    if (tokens[i - 1]?.value === '.' || tokens[i + 1]?.value === '(') return;
    if (tokens[i + 1]?.value === 'type') return;
    let from = i + 1;
    while (from < tokens.length && !(tokens[from]?.value === 'from' && depthZero(tokens, i, from)))
      from++;
    const source = tokens[from + 1];
    if (source?.kind !== 'string' || !isAssertionModule(source.value)) return;
    for (const name of importedNames(tokens, i + 1, from)) bound.set(name, source.value);
  });
  tokens.forEach((_token, i) => {
    const module = calledModule(tokens, i);
    if (module === null) return;
    // const x = require('fs'); const { a, b: c } = await import('fs');
    let before = i - 1;
    if (tokens[before]?.value === 'await') before--;
    if (tokens[before]?.value !== '=') return;
    const target = tokens[before - 1];
    if (target?.kind === 'name') bound.set(target.value, module);
    else if (target?.value === '}') {
      const open = opening(tokens, before - 1);
      for (const name of patternNames(tokens, open + 1, before - 1)) bound.set(name, module);
    }
  });
  return bound;
}

/** `require('m')` or `import('m')` starting at `i`, of one of Node's assertion modules: its name, else null. */
function calledModule(tokens: readonly Token[], i: number): string | null {
  const call = tokens[i]?.value;
  if (call !== 'require' && call !== 'import') return null;
  const source = tokens[i + 2];
  if (tokens[i + 1]?.value !== '(' || source?.kind !== 'string' || tokens[i + 3]?.value !== ')')
    return null;
  return isAssertionModule(source.value) ? source.value : null;
}

/** The local names an import clause binds (`a`, `* as b`, `{ c, d as e }`). */
function importedNames(tokens: readonly Token[], from: number, to: number): string[] {
  const names: string[] = [];
  for (let k = from; k < to; k++) {
    const token = tokens[k];
    if (token?.kind !== 'name' || token.value === 'as' || token.value === 'type') continue;
    if (tokens[k + 1]?.value === 'as') continue;
    names.push(token.value);
  }
  return names;
}

/** The local names of a destructuring pattern's body (`a, b: c, d = 1`). */
function patternNames(tokens: readonly Token[], from: number, to: number): string[] {
  const names: string[] = [];
  for (let k = from; k < to; k++) {
    const token = tokens[k];
    if (token?.kind !== 'name') continue;
    const next = tokens[k + 1]?.value;
    const prev = tokens[k - 1]?.value;
    if (next === ':') continue;
    if (prev === '=') continue;
    if (next === ',' || next === '=' || next === '}') names.push(token.value);
  }
  return names;
}

/** Whether `Object.<changer>(name, …)` or `Reflect.<changer>(name, …)` takes the name at `i` first. */
function changedByCall(tokens: readonly Token[], i: number): boolean {
  if (tokens[i - 1]?.value !== '(') return false;
  const method = tokens[i - 2]?.value ?? '';
  const owner = tokens[i - 4]?.value;
  return (
    CHANGERS.has(method) &&
    tokens[i - 3]?.value === '.' &&
    (owner === 'Object' || owner === 'Reflect')
  );
}

/** Whether the token at `at` stands at the bracket depth of the token at `from`. */
function depthZero(tokens: readonly Token[], from: number, at: number): boolean {
  let depth = 0;
  for (let k = from; k < at; k++) {
    const value = tokens[k]?.value;
    if (value === '{' || value === '(' || value === '[') depth++;
    if (value === '}' || value === ')' || value === ']') depth--;
  }
  return depth === 0;
}

/** The index of the `)` closing the call whose `(` is at `open`. */
function closing(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    if (tokens[k]?.value === '(') depth++;
    if (tokens[k]?.value === ')' && --depth === 0) return k;
  }
  return tokens.length - 1;
}

/** The index of the `{` opening the pattern whose `}` is at `close`. */
function opening(tokens: readonly Token[], close: number): number {
  let depth = 0;
  for (let k = close; k >= 0; k--) {
    if (tokens[k]?.value === '}') depth++;
    if (tokens[k]?.value === '{' && --depth === 0) return k;
  }
  return 0;
}
